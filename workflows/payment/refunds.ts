/**
 * Refunds: the `refund` update's validator (rejects before anything is written), the reservation made before
 * the first await (so concurrent refunds see each other), and the call to WooshPay.
 */
import { ApplicationFailure, condition, log } from '@temporalio/workflow';
import { PaymentErrorType, REFUND_REASONS, type RefundRecord, type RefundRequest } from '../messages.js';
import { applyRefundState, failRefund, hasOpenDispute, refundableAmount, reserveRefund } from '../payment-state.js';
import { provider } from './activities.js';
import { providerFailure } from './failures.js';
import type { PaymentRun } from './run.js';

/** How long the refund update waits for WooshPay before answering with a pending refund. */
const REFUND_ANSWER_WAIT = '20 seconds';

export async function refund(run: PaymentRun, req: RefundRequest): Promise<RefundRecord> {
  const { record } = run;
  const existing = record.refunds.find((r) => r.id === req.refundId);
  if (existing) return existing;
  const created: RefundRecord = {
    id: req.refundId,
    object: 'refund',
    payment: record.id,
    amount: req.amount ?? refundableAmount(record),
    currency: record.currency,
    status: 'pending',
    reason: req.reason ?? null,
    provider_refund: null,
    failure_reason: null,
    metadata: req.metadata ?? {},
    created: Date.now(),
  };
  // Reserved before the first await, so the validator of a concurrent refund already sees it.
  reserveRefund(record, created);
  run.apply();
  run.refundsInFlight.set(created.id, refundAtProvider(run, created));
  // Answer once WooshPay has the refund (or refused it); a slow provider gets a pending refund back.
  await condition(() => !run.refundsInFlight.has(created.id) || created.provider_refund !== null, REFUND_ANSWER_WAIT);
  return created;
}

async function refundAtProvider(run: PaymentRun, refund: RefundRecord): Promise<void> {
  const { record } = run;
  try {
    const state = await provider.createRefund({
      refundId: refund.id,
      paymentId: record.id,
      paymentIntentId: record.payment_intent!,
      amount: refund.amount,
      reason: refund.reason ?? undefined,
      metadata: refund.metadata,
    });
    run.apply(applyRefundState(record, { ...state, refund_id: refund.id }, Date.now()));
  } catch (err) {
    const failure = providerFailure(err);
    if (!failure) throw err;
    log.warn('WooshPay refused the refund', { paymentId: record.id, refundId: refund.id, ...failure });
    run.apply(failRefund(record, refund.id, failure.code));
  } finally {
    run.refundsInFlight.delete(refund.id);
    run.touch();
  }
}

/** Runs before anything is written to history; a rejected refund changes nothing. */
export function validateRefund(run: PaymentRun, req: RefundRequest): void {
  const { record, settings } = run;
  if (record.refunds.some((r) => r.id === req.refundId)) return; // a replay answers with the same refund
  const reject = (type: PaymentErrorType, message: string): never => {
    throw ApplicationFailure.create({ type, message, nonRetryable: true });
  };
  if (!settings.refundsEnabled) {
    reject(PaymentErrorType.RefundNotSupported, 'Refunds are not enabled for bank_transfer_id on this account.');
  }
  if (hasOpenDispute(record)) reject(PaymentErrorType.InvalidState, 'Refunds are refused while a dispute is open.');
  // A fully refunded payment is paid with nothing left: that is answered by the amount check below.
  if (!['succeeded', 'partially_refunded', 'refunded'].includes(record.status)) {
    reject(PaymentErrorType.InvalidState, `Only a paid payment can be refunded; this one is ${record.status}.`);
  }
  if (req.reason !== undefined && !(REFUND_REASONS as readonly string[]).includes(req.reason)) {
    reject(PaymentErrorType.InvalidAmount, `Unknown refund reason ${String(req.reason)}.`);
  }
  const refundable = refundableAmount(record);
  const amount = req.amount ?? refundable;
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    reject(
      refundable <= 0 ? PaymentErrorType.AmountExceedsRefundable : PaymentErrorType.InvalidAmount,
      refundable <= 0 ? 'Nothing is left to refund.' : 'A refund amount is a positive integer.',
    );
  }
  if (amount > refundable) {
    reject(PaymentErrorType.AmountExceedsRefundable, `The refund of ${amount} exceeds the ${refundable} that can still be refunded.`);
  }
}
