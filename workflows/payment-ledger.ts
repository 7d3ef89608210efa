/**
 * Pure rules of the money ledger: refunds and chargebacks. No Temporal APIs here.
 *
 * The invariant, after every step: amount_refunded + amount_refund_pending + amount_lost ≤ amount_received.
 * Money that goes out beyond what was received (a refund made in WooshPay's dashboard, a loss larger than what
 * remains) cannot be recorded in full without breaking it, so the ledger keeps what fits and the excess is
 * flagged for review (`over_committed`) — never hidden.
 *
 * Rules are order-free where WooshPay's events may come in any order: refunds settle from `pending` only, a
 * closed dispute stays closed, an open dispute only moves forward (DISPUTE_PROGRESS), and the loss is computed
 * from the ledger's totals each time they change.
 */
import {
  CLOSED_DISPUTE_STATUSES,
  DISPUTE_STATUSES,
  type DisputeRecord,
  type DisputeStatus,
  type PaymentRecord,
  type ProviderDisputeState,
  type ProviderRefundState,
  type RefundRecord,
} from './messages.js';
import { event, flagReview, hasOpenDispute, isPaid, type MerchantEvent, paidStatus } from './payment-state.js';

/** What can still be refunded: what was received less what is refunded, reserved for pending refunds, or lost. */
export function refundableAmount(record: PaymentRecord): number {
  return record.amount_received - record.amount_refunded - record.amount_refund_pending - record.amount_lost;
}

/** A paid payment's status follows its ledger; an unpaid one (late funds being returned) keeps its ending. */
function settleStatus(record: PaymentRecord): void {
  if (isPaid(record)) record.status = paidStatus(record);
}

/** Reserves a refund: the amount counts as pending at once, so concurrent refunds see it. */
export function reserveRefund(record: PaymentRecord, refund: RefundRecord): void {
  record.refunds.push(refund);
  record.amount_refund_pending += refund.amount;
  settleStatus(record);
}

function settleRefund(
  record: PaymentRecord,
  refund: RefundRecord,
  status: 'succeeded' | 'failed',
  failureReason: string | null,
  now: number,
): MerchantEvent[] {
  if (refund.status !== 'pending') return [];
  refund.status = status;
  record.amount_refund_pending -= refund.amount;
  if (status === 'succeeded') record.amount_refunded += refund.amount;
  else refund.failure_reason = failureReason ?? 'unknown';
  const events = [event(record, status === 'succeeded' ? 'refund.succeeded' : 'refund.failed', refund.id)];
  events.push(...recomputeLoss(record, now));
  settleStatus(record);
  return events;
}

/** A documented refusal from WooshPay: the only answer that may release a refund's reservation. */
export function failRefund(record: PaymentRecord, refundId: string, reason: string, now: number): MerchantEvent[] {
  const refund = record.refunds.find((r) => r.id === refundId);
  return refund ? settleRefund(record, refund, 'failed', reason, now) : [];
}

/** The answer when a refund event cannot be placed yet: it needs funds the record has not seen arrive. */
export const NOT_YET = 'not_yet' as const;

/**
 * Applies WooshPay's view of a refund, found by our id (sent in its metadata) or by WooshPay's id. A refund
 * made outside this service (e.g. WooshPay's dashboard) is recorded too, so the ledger stays true; on a payment
 * whose funds we have not seen yet it waits (NOT_YET) rather than be cut to what we know of.
 */
export function applyRefundState(record: PaymentRecord, provider: ProviderRefundState, now: number): MerchantEvent[] | typeof NOT_YET {
  let refund =
    record.refunds.find((r) => provider.refund_id !== null && r.id === provider.refund_id) ??
    record.refunds.find((r) => r.provider_refund === provider.id);
  const events: MerchantEvent[] = [];
  if (!refund) {
    if (provider.status === 'failed' || provider.status === 'canceled') return [];
    const room = Math.max(record.amount_received - record.amount_refunded - record.amount_refund_pending, 0);
    if (provider.amount > room && !isPaid(record)) return NOT_YET;
    const amount = Math.min(provider.amount, room);
    if (provider.amount > amount) events.push(...flagReview(record, 'over_committed', provider.amount - amount, now));
    if (amount <= 0) return events;
    refund = externalRefund(record, provider, amount, now);
    reserveRefund(record, refund);
    events.push(...recomputeLoss(record, now));
  }
  refund.provider_refund ??= provider.id;
  if (provider.status === 'succeeded') events.push(...settleRefund(record, refund, 'succeeded', null, now));
  else if (provider.status === 'failed' || provider.status === 'canceled') {
    events.push(...settleRefund(record, refund, 'failed', provider.failure_reason ?? provider.status, now));
  }
  return events;
}

function externalRefund(record: PaymentRecord, provider: ProviderRefundState, amount: number, now: number): RefundRecord {
  return {
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
}

/**
 * How far a dispute has come. Events may arrive in any order; an open dispute only moves forward, and a closed
 * one (won, lost, …) is final.
 */
const DISPUTE_PROGRESS: Record<DisputeStatus, number> = {
  warning_needs_response: 0,
  needs_response: 1,
  warning_under_review: 2,
  under_review: 3,
  warning_closed: 4,
  charge_refunded: 4,
  prevented: 4,
  won: 4,
  lost: 4,
};

function toDisputeStatus(status: string): DisputeStatus {
  return (DISPUTE_STATUSES as readonly string[]).includes(status) ? (status as DisputeStatus) : 'needs_response';
}

/**
 * Applies a dispute event. While open the payment is `disputed` (refunds refused); won returns it to its
 * ledger status; lost counts the disputed amount as lost, as far as what remains allows (the rest is flagged).
 * A dispute on a payment whose funds we have not seen yet waits (NOT_YET).
 */
export function applyDisputeState(
  record: PaymentRecord,
  provider: ProviderDisputeState,
  eventType: string,
  now: number,
): MerchantEvent[] | typeof NOT_YET {
  if (!isPaid(record)) return NOT_YET;
  const events: MerchantEvent[] = [];
  let dispute: DisputeRecord | null = record.dispute;
  // A payment carries one chargeback at a time; another id becomes current only once the first is closed.
  if (dispute && dispute.id !== provider.id) {
    if (hasOpenDispute(record)) return [];
    dispute = null;
  }
  const status = toDisputeStatus(provider.status);
  if (!dispute) {
    dispute = newDispute(provider);
    record.dispute = dispute;
    events.push(event(record, 'dispute.created', dispute.id));
  } else if (CLOSED_DISPUTE_STATUSES.includes(dispute.status) || DISPUTE_PROGRESS[status] < DISPUTE_PROGRESS[dispute.status]) {
    markFunds(dispute, eventType);
    return events;
  }
  dispute.status = status;
  dispute.amount = provider.amount;
  dispute.reason = provider.reason ?? dispute.reason;
  dispute.evidence_due_by = provider.evidence_due_by ?? dispute.evidence_due_by;
  dispute.evidence_submitted ||= provider.has_evidence;
  markFunds(dispute, eventType);
  record.amount_disputed = provider.amount;
  if (CLOSED_DISPUTE_STATUSES.includes(dispute.status)) events.push(event(record, 'dispute.closed', dispute.id));
  events.push(...recomputeLoss(record, now));
  record.status = paidStatus(record);
  return events;
}

function newDispute(provider: ProviderDisputeState): DisputeRecord {
  return {
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
}

function markFunds(dispute: DisputeRecord, eventType: string): void {
  if (eventType === 'charge.dispute.funds_withdrawn') dispute.funds_withdrawn = true;
  if (eventType === 'charge.dispute.funds_reinstated') dispute.funds_reinstated = true;
}

/**
 * A lost dispute takes what remains after refunds (refunds are money already on its way back to the payer);
 * whatever the bank took beyond that is an over-commitment, flagged for a person.
 */
function recomputeLoss(record: PaymentRecord, now: number): MerchantEvent[] {
  if (record.dispute?.status !== 'lost') return [];
  const remaining = Math.max(record.amount_received - record.amount_refunded - record.amount_refund_pending, 0);
  record.amount_lost = Math.min(record.dispute.amount, remaining);
  const beyond = record.dispute.amount - record.amount_lost;
  return beyond > 0 ? flagReview(record, 'over_committed', beyond, now) : [];
}

/** Marks the evidence deadline passed; returns true the first time. */
export function markDisputePastDue(record: PaymentRecord): boolean {
  if (!record.dispute || !hasOpenDispute(record) || record.dispute.past_due) return false;
  record.dispute.past_due = true;
  return true;
}
