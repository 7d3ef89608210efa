/**
 * The load: `concurrency` merchant-and-shopper pairs, each taking one payment at a time through the intake API
 * (create → the shopper pays on the bank-transfer page → the succeeded notification arrives; with refunds, a
 * half refund until its notification), until `payments` were started or the time limit passed.
 */
import { randomBytes } from 'node:crypto';
import type { IntakeApi } from '../clients/intake-api.js';
import { submitTransfer } from '../clients/shopper.js';
import type { NotificationReceiver } from './notification-receiver.js';

export interface LoadOptions {
  payments: number;
  concurrency: number;
  refunds: boolean;
  /** Longest wait for one notification. */
  stepTimeoutMs: number;
  /** No payment starts after this (`performance.now()` time). */
  startDeadline: number;
  /** Idempotency keys and merchant order ids: `<keyPrefix>-<n>`. */
  keyPrefix?: string;
  signal?: AbortSignal;
}

/** One payment's timings, in milliseconds; later ones are absent when an earlier step failed. */
export interface PaymentSample {
  paymentId?: string;
  /** POST /v1/payments until its 201 (the workflow has created the WooshPay intent by then). */
  intakeMs?: number;
  /** From the create request to the workflow recording `succeeded` (the payment's `paid_at`). */
  succeededMs?: number;
  /** From the create request to the merchant receiving `payment.succeeded`. */
  notifiedMs?: number;
  refundIntakeMs?: number;
  /** From the refund request to the merchant receiving `refund.succeeded`. */
  refundSettledMs?: number;
  error?: { stage: string; message: string };
}

export interface LoadResult {
  samples: PaymentSample[];
  /** From the first request to the last payment's end. */
  wallMs: number;
  notStarted: number;
}

export const PAYMENT_AMOUNT = 1_000_000;

export async function driveLoad(api: IntakeApi, receiver: NotificationReceiver, options: LoadOptions): Promise<LoadResult> {
  const prefix = options.keyPrefix ?? `bench-${randomBytes(4).toString('hex')}`;
  const samples: PaymentSample[] = [];
  let next = 0;
  const started = performance.now();

  const lane = async () => {
    while (next < options.payments && performance.now() < options.startDeadline && !options.signal?.aborted) {
      const index = next++;
      samples.push(await onePayment(api, receiver, `${prefix}-${index}`, options));
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.payments) }, lane));
  return { samples, wallMs: performance.now() - started, notStarted: options.payments - samples.length };
}

async function onePayment(api: IntakeApi, receiver: NotificationReceiver, key: string, options: LoadOptions): Promise<PaymentSample> {
  const sample: PaymentSample = {};
  let stage = 'create';
  try {
    const t0 = performance.now();
    const wallT0 = Date.now();
    const { status, payment } = await api.createPayment(
      { amount: PAYMENT_AMOUNT, currency: 'IDR', return_url: 'https://shop.example/return', merchant_order_id: key },
      key,
    );
    if (status !== 201) throw new Error(`answered ${status} to a new Idempotency-Key`);
    if (!payment.redirect_url) throw new Error(`payment ${payment.id} is ${payment.status} without a redirect_url`);
    sample.intakeMs = performance.now() - t0;
    sample.paymentId = payment.id;

    stage = 'pay';
    await submitTransfer(payment.redirect_url);

    stage = 'succeeded';
    const succeeded = await receiver.waitFor(payment.id, 'payment.succeeded', options.stepTimeoutMs);
    sample.notifiedMs = succeeded.receivedAt - t0;
    if (succeeded.payment.paid_at) sample.succeededMs = succeeded.payment.paid_at - wallT0;

    if (options.refunds) {
      stage = 'refund';
      const r0 = performance.now();
      await api.refund(payment.id, { amount: PAYMENT_AMOUNT / 2 }, `${key}-refund`);
      sample.refundIntakeMs = performance.now() - r0;
      stage = 'refund settled';
      const settled = await receiver.waitFor(payment.id, 'refund.succeeded', options.stepTimeoutMs);
      sample.refundSettledMs = settled.receivedAt - r0;
    }
  } catch (err) {
    sample.error = { stage, message: (err as Error).message };
  }
  return sample;
}

/** After the load (untimed): every payment that completed must read back as the API should report it. */
export async function verifyPayments(api: IntakeApi, samples: PaymentSample[], refunds: boolean, concurrency: number): Promise<string[]> {
  const expected = refunds ? { status: 'partially_refunded', refunded: PAYMENT_AMOUNT / 2 } : { status: 'succeeded', refunded: 0 };
  const ids = samples.filter((s) => !s.error && s.paymentId).map((s) => s.paymentId!);
  const problems: string[] = [];
  let next = 0;
  const lane = async () => {
    while (next < ids.length) {
      const id = ids[next++];
      try {
        const p = await api.getPayment(id);
        if (p.status !== expected.status || p.amount_refunded !== expected.refunded || p.amount_refund_pending !== 0) {
          problems.push(`${id} is ${p.status} with ${p.amount_refunded} refunded, ${p.amount_refund_pending} pending`);
        }
      } catch (err) {
        problems.push(`${id}: ${(err as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, lane));
  return problems;
}
