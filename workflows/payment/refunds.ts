/**
 * Refunds: the `refund` update's validator (rejects before anything is written), the reservation made before
 * the first await (so concurrent refunds see each other), the call to WooshPay, and the return of money the
 * payment may not keep (LATE_FUNDS_POLICY=refund).
 *
 * Only a documented refusal from WooshPay releases a reservation: an unclear answer is retried with the same
 * idempotency key (our refund id) until WooshPay says what happened.
 */
import { ApplicationFailure, condition, log } from '@temporalio/workflow';
import { PaymentErrorType, REFUND_REASONS, type RefundRecord, type RefundRequest } from '../messages.js';
import { applyRefundState, failRefund, NOT_YET, refundableAmount, reserveRefund } from '../payment-ledger.js';
import { hasOpenDispute, isPaid, moneyToReturn } from '../payment-state.js';
import { provider } from './activities.js';
import { providerFailure } from './failures.js';
import type { PaymentRun } from './run.js';

/** How long the refund update waits for WooshPay before answering with a pending refund. */
const REFUND_ANSWER_WAIT = '20 seconds';

export async function refund(run: PaymentRun, req: RefundRequest): Promise<RefundRecord> {
  const { record } = run;
  const existing = record.refunds.find((r) => r.id === req.refundId);
  if (existing) return existing;
  const created = startRefund(run, {
    id: req.refundId,
    amount: req.amount ?? refundableAmount(record),
    reason: req.reason ?? null,
    metadata: req.metadata ?? {},
  });
  run.apply();
  // Answer once WooshPay has the refund (or refused it); a slow provider gets a pending refund back.
  await condition(() => !run.refundsInFlight.has(created.id) || created.provider_refund !== null, REFUND_ANSWER_WAIT);
  return created;
}

/** Reserves the refund (before any await, so a concurrent validator sees it) and asks WooshPay for it. */
function startRefund(run: PaymentRun, refund: Pick<RefundRecord, 'id' | 'amount' | 'reason' | 'metadata'>): RefundRecord {
  const created: RefundRecord = {
    ...refund,
    object: 'refund',
    payment: run.record.id,
    currency: run.record.currency,
    status: 'pending',
    provider_refund: null,
    failure_reason: null,
    created: Date.now(),
  };
  reserveRefund(run.record, created);
  run.refundsInFlight.set(created.id, refundAtProvider(run, created));
  return created;
}

/**
 * Under LATE_FUNDS_POLICY=refund, money the payment may not keep (a late transfer, an underpayment on an
 * expired payment, the excess of an overpayment) goes back through the refund ledger. Called on every change.
 */
export function returnUnkeptMoney(run: PaymentRun): void {
  const review = run.record.review;
  if (!review || run.settings.lateFundsPolicy !== 'refund' || review.reason === 'over_committed') return;
  // WooshPay refused a return: the money stays held for a person rather than being tried again and again.
  if (run.record.refunds.some((r) => isReturn(run, r) && r.status === 'failed')) return;
  review.policy = 'refund';
  const amount = Math.min(moneyToReturn(run.record), refundableAmount(run.record));
  if (amount <= 0) return;
  review.amount_returned += amount;
  startRefund(run, { id: `${run.record.id}${RETURN_REFUND_INFIX}${run.record.refunds.length + 1}`, amount, reason: null, metadata: {} });
}

const RETURN_REFUND_INFIX = '_return_';

function isReturn(run: PaymentRun, refund: RefundRecord): boolean {
  return refund.id.startsWith(`${run.record.id}${RETURN_REFUND_INFIX}`);
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
    const applied = applyRefundState(record, { ...state, refund_id: refund.id }, Date.now());
    run.apply(applied === NOT_YET ? [] : applied);
  } catch (err) {
    const failure = providerFailure(err);
    if (!failure) throw err;
    log.warn('WooshPay refused the refund', { paymentId: record.id, refundId: refund.id, ...failure });
    const events = failRefund(record, refund.id, failure.code, Date.now());
    if (isReturn(run, refund) && record.review) {
      // Not on its way back after all: held for a person.
      record.review.amount_returned -= refund.amount;
      record.review.policy = 'review';
    }
    run.apply(events);
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
  // A fully refunded payment is paid with nothing left: that is answered by the amount check below. An unpaid
  // one holding money under review (late, underpaid) may be refunded by the person reviewing it.
  const paidAndRefundable = isPaid(record) && ['succeeded', 'partially_refunded', 'refunded'].includes(record.status);
  if (!paidAndRefundable && !(record.review !== null && !isPaid(record) && record.amount_received > 0)) {
    reject(PaymentErrorType.InvalidState, `Only a paid payment can be refunded; this one is ${record.status}.`);
  }
  if (record.refunds.length >= settings.maxRefunds) {
    reject(PaymentErrorType.RefundLimitReached, `A payment holds at most ${settings.maxRefunds} refunds.`);
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
