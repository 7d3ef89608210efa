/**
 * Pure rules of a payment's state: how WooshPay's view of an intent, a refund or a dispute moves our record,
 * and the money ledger. No Temporal APIs here, so these rules are unit-tested directly and the workflow
 * stays about orchestration.
 *
 * The ledger invariant, in every path: amount_refunded + amount_refund_pending + amount_lost ≤ amount.
 */
import { AUTO_CANCELLATION_REASON, CHECKOUT_EXPIRY_CANCELLATION_REASON } from '../wooshpay/assumptions.js';
import {
  CLOSED_DISPUTE_STATUSES,
  DISPUTE_STATUSES,
  type DisputeRecord,
  type DisputeStatus,
  type PaymentRecord,
  type PaymentRequest,
  type PaymentStatus,
  type ProviderDisputeState,
  type ProviderIntentState,
  type ProviderRefundState,
  type RefundRecord,
} from './messages.js';

export type MerchantEventType =
  | 'payment.succeeded'
  | 'payment.expired'
  | 'payment.canceled'
  | 'payment.failed'
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
    amount_refunded: 0,
    amount_refund_pending: 0,
    amount_disputed: 0,
    amount_lost: 0,
    refunds: [],
    dispute: null,
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

/** What can still be refunded: the amount less what is refunded, reserved for pending refunds, or lost. */
export function refundableAmount(record: PaymentRecord): number {
  return record.amount - record.amount_refunded - record.amount_refund_pending - record.amount_lost;
}

function event(record: PaymentRecord, type: MerchantEventType, subject = record.id): MerchantEvent {
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

function markPaid(record: PaymentRecord, now: number): MerchantEvent[] {
  if (isPaid(record)) return [];
  record.paid_at = now;
  record.failure = null;
  record.closed_at = null;
  record.status = paidStatus(record);
  return [event(record, 'payment.succeeded')];
}

export type UnpaidEnding = 'expired' | 'canceled' | 'failed';

/** Ends an unpaid payment; a paid one is never ended this way (money that arrived is never lost). */
export function endUnpaid(
  record: PaymentRecord,
  ending: UnpaidEnding,
  now: number,
  failure?: { code: string; message: string },
): MerchantEvent[] {
  if (isPaid(record) || !isAwaitingTransfer(record)) return [];
  record.status = ending;
  record.closed_at = now;
  if (failure) record.failure = failure;
  return [event(record, `payment.${ending}`)];
}

/**
 * Applies WooshPay's current view of the intent. `succeeded` wins over anything we believed: if the
 * shopper's transfer landed, the payment is paid even when we were about to expire it.
 */
export function applyIntentState(
  record: PaymentRecord,
  intent: ProviderIntentState,
  now: number,
  /** How we were ending the payment when WooshPay reports the intent canceled (our own cancel's echo). */
  intendedEnding?: UnpaidEnding,
): MerchantEvent[] {
  if (record.payment_intent && intent.id !== record.payment_intent) return [];
  record.provider_status = intent.status;
  switch (intent.status) {
    case 'succeeded':
      return markPaid(record, now);
    case 'canceled': {
      if (intendedEnding) return endUnpaid(record, intendedEnding, now);
      const timedOut =
        intent.checkout_session_status === 'expired' ||
        intent.cancellation_reason === AUTO_CANCELLATION_REASON ||
        intent.cancellation_reason === CHECKOUT_EXPIRY_CANCELLATION_REASON;
      return endUnpaid(record, timedOut ? 'expired' : 'canceled', now);
    }
    case 'requires_payment_method':
      // For a bank transfer a failed attempt leaves the intent without a method: the transfer failed. The
      // payment ends `failed` only through the cancel gate (see transferFailed), so no late transfer lands on it.
      if (intent.failure) record.failure = intent.failure;
      return [];
    default:
      return [];
  }
}

/** WooshPay reported the transfer failed; the workflow must still close the intent before ending the payment. */
export function transferFailed(record: PaymentRecord): boolean {
  return isAwaitingTransfer(record) && record.provider_status === 'requires_payment_method' && record.failure !== null;
}

/** Reserves a refund: the amount counts as pending at once, so concurrent refunds see it. */
export function reserveRefund(record: PaymentRecord, refund: RefundRecord): void {
  record.refunds.push(refund);
  record.amount_refund_pending += refund.amount;
  record.status = paidStatus(record);
}

function settleRefund(
  record: PaymentRecord,
  refund: RefundRecord,
  status: 'succeeded' | 'failed',
  failureReason: string | null,
): MerchantEvent[] {
  if (refund.status !== 'pending') return [];
  refund.status = status;
  record.amount_refund_pending -= refund.amount;
  if (status === 'succeeded') {
    record.amount_refunded += refund.amount;
  } else {
    refund.failure_reason = failureReason ?? 'unknown';
  }
  record.status = paidStatus(record);
  return [event(record, status === 'succeeded' ? 'refund.succeeded' : 'refund.failed', refund.id)];
}

export function failRefund(record: PaymentRecord, refundId: string, reason: string): MerchantEvent[] {
  const refund = record.refunds.find((r) => r.id === refundId);
  return refund ? settleRefund(record, refund, 'failed', reason) : [];
}

/**
 * Applies WooshPay's view of a refund, found by our id (sent in its metadata) or by WooshPay's id. A refund
 * made outside this service (e.g. WooshPay's dashboard) is recorded too, so the ledger stays true.
 */
export function applyRefundState(record: PaymentRecord, provider: ProviderRefundState, now: number): MerchantEvent[] {
  let refund =
    record.refunds.find((r) => provider.refund_id !== null && r.id === provider.refund_id) ??
    record.refunds.find((r) => r.provider_refund === provider.id);
  if (!refund) {
    if (provider.status === 'failed' || provider.status === 'canceled') return [];
    const amount = Math.min(provider.amount, Math.max(refundableAmount(record), 0));
    if (amount <= 0) return [];
    refund = {
      id: `ext_${provider.id}`,
      object: 'refund',
      payment: record.id,
      amount,
      currency: record.currency,
      status: 'pending',
      reason: null,
      provider_refund: provider.id,
      failure_reason: null,
      metadata: {},
      created: now,
    };
    reserveRefund(record, refund);
  }
  refund.provider_refund ??= provider.id;
  switch (provider.status) {
    case 'succeeded':
      return settleRefund(record, refund, 'succeeded', null);
    case 'failed':
    case 'canceled':
      return settleRefund(record, refund, 'failed', provider.failure_reason ?? provider.status);
    default:
      return [];
  }
}

function toDisputeStatus(status: string): DisputeStatus {
  return (DISPUTE_STATUSES as readonly string[]).includes(status) ? (status as DisputeStatus) : 'needs_response';
}

/**
 * Applies a dispute event. While open the payment is `disputed` (refunds refused); won returns it to its
 * ledger status; lost counts the disputed amount as lost, capped by what is left so the invariant holds.
 */
export function applyDisputeState(
  record: PaymentRecord,
  provider: ProviderDisputeState,
  eventType: string,
): MerchantEvent[] {
  const emitted: MerchantEvent[] = [];
  let dispute: DisputeRecord | null = record.dispute;
  if (dispute && dispute.id !== provider.id) {
    // A payment carries one chargeback at a time; a second one for another id is kept as the current one
    // only once the first is closed.
    if (hasOpenDispute(record)) return [];
    dispute = null;
  }
  if (!dispute) {
    dispute = {
      id: provider.id,
      amount: provider.amount,
      currency: provider.currency,
      reason: provider.reason,
      status: toDisputeStatus(provider.status),
      evidence_due_by: provider.evidence_due_by,
      evidence_submitted: provider.has_evidence,
      past_due: false,
      funds_withdrawn: false,
      funds_reinstated: false,
      created: provider.created,
    };
    record.dispute = dispute;
    record.amount_disputed = provider.amount;
    emitted.push(event(record, 'dispute.created', dispute.id));
  }
  if (CLOSED_DISPUTE_STATUSES.includes(dispute.status)) {
    // Closed is final: a late `updated` must not reopen it.
    return emitted;
  }
  dispute.status = toDisputeStatus(provider.status);
  dispute.amount = provider.amount;
  dispute.reason = provider.reason ?? dispute.reason;
  dispute.evidence_due_by = provider.evidence_due_by ?? dispute.evidence_due_by;
  dispute.evidence_submitted ||= provider.has_evidence;
  record.amount_disputed = provider.amount;
  if (eventType === 'charge.dispute.funds_withdrawn') dispute.funds_withdrawn = true;
  if (eventType === 'charge.dispute.funds_reinstated') dispute.funds_reinstated = true;

  if (CLOSED_DISPUTE_STATUSES.includes(dispute.status)) {
    if (dispute.status === 'lost') {
      record.amount_lost = Math.min(dispute.amount, Math.max(record.amount - record.amount_refunded - record.amount_refund_pending, 0));
    }
    emitted.push(event(record, 'dispute.closed', dispute.id));
  }
  record.status = paidStatus(record);
  return emitted;
}

/** Marks the evidence deadline passed; returns true the first time. */
export function markDisputePastDue(record: PaymentRecord): boolean {
  if (!record.dispute || !hasOpenDispute(record) || record.dispute.past_due) return false;
  record.dispute.past_due = true;
  return true;
}
