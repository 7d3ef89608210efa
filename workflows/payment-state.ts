/**
 * Pure rules of a payment's state: how WooshPay's view of the intent moves our record, what money was received,
 * and what needs a person (review). The ledger of refunds and chargebacks is in payment-ledger.ts. No Temporal
 * APIs here, so these rules are unit- and property-tested directly and the workflow stays about orchestration.
 *
 * Funding counts (docs/wooshpay-api.md §14.23, §14.24): a payment is paid only when what WooshPay received
 * reaches the amount. Money on a payment that was never paid in full, or beyond its amount, is recorded as
 * `amount_received` and flagged in `review`, never ignored.
 */
import { AUTO_CANCELLATION_REASON, CHECKOUT_EXPIRY_CANCELLATION_REASON } from '../wooshpay/assumptions.js';
import {
  CLOSED_DISPUTE_STATUSES,
  type PaymentRecord,
  type PaymentRequest,
  type PaymentStatus,
  type ProviderIntentState,
  type ReviewReason,
} from './messages.js';

export type MerchantEventType =
  | 'payment.succeeded'
  | 'payment.expired'
  | 'payment.canceled'
  | 'payment.failed'
  | 'payment.requires_review'
  | 'refund.succeeded'
  | 'refund.failed'
  | 'dispute.created'
  | 'dispute.evidence_due_soon'
  | 'dispute.closed';

/** A notification owed to the merchant; `id` is stable so a redelivery or a replay never makes a second one. */
export interface MerchantEvent {
  id: string;
  type: MerchantEventType;
}

export function initialRecord(request: PaymentRequest): PaymentRecord {
  return {
    id: request.paymentId,
    object: 'payment',
    status: 'processing',
    amount: request.amount,
    currency: request.currency,
    settlement_currency: 'USD',
    integration: request.integration,
    redirect_url: null,
    payment_intent: null,
    checkout_session: null,
    expires_at: request.expiresAt,
    amount_received: 0,
    amount_due: request.amount,
    amount_refunded: 0,
    amount_refund_pending: 0,
    amount_disputed: 0,
    amount_lost: 0,
    refunds: [],
    dispute: null,
    review: null,
    description: request.description ?? null,
    merchant_order_id: request.merchantOrderId ?? null,
    metadata: request.metadata,
    provider_status: null,
    failure: null,
    created: request.createdAt,
    paid_at: null,
    closed_at: null,
  };
}

export function isPaid(record: PaymentRecord): boolean {
  return record.paid_at !== null;
}

export function isAwaitingTransfer(record: PaymentRecord): boolean {
  return record.status === 'processing' || record.status === 'requires_action';
}

export function hasOpenDispute(record: PaymentRecord): boolean {
  return record.dispute !== null && !CLOSED_DISPUTE_STATUSES.includes(record.dispute.status);
}

export function event(record: PaymentRecord, type: MerchantEventType, subject = record.id): MerchantEvent {
  return { id: `${subject}.${type}`, type };
}

/** The status of a paid payment follows from its ledger and its dispute. */
export function paidStatus(record: PaymentRecord): PaymentStatus {
  if (hasOpenDispute(record)) return 'disputed';
  if (record.dispute?.status === 'lost') return 'charged_back';
  if (record.amount_refunded >= record.amount) return 'refunded';
  if (record.amount_refunded > 0) return 'partially_refunded';
  return 'succeeded';
}

/**
 * Flags money for a person. The policy is `review` here; the workflow decides whether it returns the money
 * (LATE_FUNDS_POLICY). A changed amount is a new notification: the merchant hears of each step.
 */
export function flagReview(record: PaymentRecord, reason: ReviewReason, amount: number, now: number): MerchantEvent[] {
  const current = record.review;
  if (current?.reason === reason && current.amount === amount) return [];
  record.review = {
    reason,
    amount,
    currency: record.currency,
    policy: current?.reason === reason ? current.policy : 'review',
    amount_returned: current?.reason === reason ? current.amount_returned : 0,
    created: current?.created ?? now,
  };
  return [{ id: `${record.id}.payment.requires_review.${reason}.${amount}`, type: 'payment.requires_review' }];
}

/** Notes what WooshPay reports as received; money beyond what the payment may keep is flagged. */
function noteReceived(record: PaymentRecord, received: number, now: number): MerchantEvent[] {
  if (received <= record.amount_received) return [];
  record.amount_received = received;
  if (isAwaitingTransfer(record)) {
    record.amount_due = Math.max(record.amount - received, 0);
    return [];
  }
  if (isPaid(record)) return received > record.amount ? flagReview(record, 'overpaid', received - record.amount, now) : [];
  // Ended unpaid (expired, canceled, failed): none of it is ours to keep.
  return flagReview(record, record.review?.reason === 'underpaid' ? 'underpaid' : 'paid_after_expiry', received, now);
}

function markPaid(record: PaymentRecord, now: number): MerchantEvent[] {
  if (isPaid(record)) return [];
  record.paid_at = now;
  record.failure = null;
  record.closed_at = null;
  record.amount_due = 0;
  record.status = paidStatus(record);
  return [event(record, 'payment.succeeded')];
}

export type UnpaidEnding = 'expired' | 'canceled' | 'failed';

/**
 * Ends an unpaid payment; a paid one is never ended this way. Money that did arrive (an underpayment) is
 * flagged, so it is returned or looked at, never kept silently.
 */
export function endUnpaid(
  record: PaymentRecord,
  ending: UnpaidEnding,
  now: number,
  failure?: { code: string; message: string },
): MerchantEvent[] {
  if (isPaid(record) || !isAwaitingTransfer(record)) return [];
  record.status = ending;
  record.closed_at = now;
  record.amount_due = 0;
  if (failure) record.failure = failure;
  const events = [event(record, `payment.${ending}`)];
  if (record.amount_received > 0) {
    const reason = record.amount_received < record.amount ? 'underpaid' : 'paid_after_expiry';
    events.push(...flagReview(record, reason, record.amount_received, now));
  }
  return events;
}

/**
 * Applies WooshPay's current view of the intent. Funds that reach the amount win over anything we believed: if
 * the shopper's transfer landed, the payment is paid even when we were about to expire it. Less than the amount
 * is never `succeeded`.
 */
export function applyIntentState(
  record: PaymentRecord,
  intent: ProviderIntentState,
  now: number,
  /** How we were ending the payment when WooshPay reports the intent closed (our own cancel's echo). */
  intendedEnding?: UnpaidEnding,
): MerchantEvent[] {
  if (record.payment_intent && intent.id !== record.payment_intent) return [];
  const received = intent.amount_received ?? (intent.status === 'succeeded' ? intent.amount : 0);
  // Once paid or ended, only money moves the record: a stale event must not rewrite WooshPay's last status.
  if (!isAwaitingTransfer(record)) return noteReceived(record, received, now);
  record.provider_status = intent.status;
  switch (intent.status) {
    case 'succeeded': {
      if (received >= record.amount) return [...markPaid(record, now), ...noteReceived(record, received, now)];
      // WooshPay closed the intent short of the amount: no more can arrive on it.
      const events = noteReceived(record, received, now);
      return intendedEnding ? [...events, ...endUnpaid(record, intendedEnding, now)] : events;
    }
    case 'canceled': {
      const events = noteReceived(record, received, now);
      if (intendedEnding) return [...events, ...endUnpaid(record, intendedEnding, now)];
      const timedOut =
        intent.checkout_session_status === 'expired' ||
        intent.cancellation_reason === AUTO_CANCELLATION_REASON ||
        intent.cancellation_reason === CHECKOUT_EXPIRY_CANCELLATION_REASON;
      return [...events, ...endUnpaid(record, timedOut ? 'expired' : 'canceled', now)];
    }
    case 'requires_payment_method':
      // For a bank transfer a failed attempt leaves the intent without a method: the transfer failed. The
      // payment ends `failed` only through the cancel gate (see transferFailed), so no late transfer lands on it.
      if (intent.failure) record.failure = intent.failure;
      return noteReceived(record, received, now);
    default:
      // requires_action (partially funded, or nothing yet) and processing (a transfer clearing).
      return noteReceived(record, received, now);
  }
}

/** WooshPay reported the transfer failed; the workflow must still close the intent before ending the payment. */
export function transferFailed(record: PaymentRecord): boolean {
  return isAwaitingTransfer(record) && record.provider_status === 'requires_payment_method' && record.failure !== null;
}

/** Money the service returns under LATE_FUNDS_POLICY=refund: what it holds but may not keep. */
export function moneyToReturn(record: PaymentRecord): number {
  const review = record.review;
  if (!review || review.policy !== 'refund' || review.reason === 'over_committed') return 0;
  return Math.max(review.amount - review.amount_returned, 0);
}
