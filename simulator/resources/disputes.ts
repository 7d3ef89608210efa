import type { z } from 'zod';
import { DISPUTE_RESPONDABLE_STATUSES, ERROR_CODES, TIMESTAMP_UNIT_MS } from '../../wooshpay/assumptions.js';
import { DISPUTE_EVIDENCE_FIELDS, type Dispute, type DisputeStatus, type UpdateDisputeParamsSchema } from '../../wooshpay/schemas.js';
import { invalidRequest, notFound } from '../api-error.js';
import { newId } from '../ids.js';
import { applyChanges, NO_REQUEST, type Origin, type Simulation } from '../simulation.js';
import { getPaymentIntent } from './payment-intents.js';

type UpdateParams = z.output<typeof UpdateDisputeParamsSchema>;

const OPEN_STATUSES: readonly DisputeStatus[] = [
  'warning_needs_response',
  'warning_under_review',
  'needs_response',
  'under_review',
];

export function getDispute(sim: Simulation, id: string): Dispute {
  const dispute = sim.store.disputes.get(id);
  if (!dispute) throw notFound('dispute', id);
  return dispute;
}

/** §14.20: the shopper's bank disputes a succeeded payment; the funds leave at once (Stripe's order). */
export function openDispute(sim: Simulation, paymentIntentId: string, input: { amount?: number | undefined; reason?: string | undefined }): Dispute {
  const pi = getPaymentIntent(sim, paymentIntentId);
  const charge = pi.latest_charge ? sim.store.charges.get(pi.latest_charge) : undefined;
  if (pi.status !== 'succeeded' || !charge) {
    throw invalidRequest(ERROR_CODES.paymentIntentUnexpectedState, `PaymentIntent ${pi.id} is ${pi.status}; only a succeeded payment can be disputed`);
  }
  if (charge.disputed) throw invalidRequest(ERROR_CODES.chargeDisputed, `Charge ${charge.id} is already disputed`);
  const amount = input.amount ?? charge.amount - (charge.amount_refunded ?? 0);
  if (amount <= 0 || amount > charge.amount) {
    throw invalidRequest(ERROR_CODES.parameterInvalid, `Dispute amount must be between 1 and ${charge.amount}`, 'amount');
  }
  const created = sim.now();
  const dispute: Dispute = {
    id: newId('dp_'),
    object: 'dispute',
    amount,
    currency: charge.currency,
    created,
    status: 'needs_response',
    reason: input.reason ?? 'general',
    charge: charge.id,
    payment_intent: pi.id,
    evidence: Object.fromEntries(DISPUTE_EVIDENCE_FIELDS.map((field) => [field, null])),
    evidence_details: {
      due_by: created + sim.settings.disputeEvidenceWindowMs,
      has_evidence: false,
      past_due: false,
      submission_count: 0,
    },
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    balance_transactions: [],
  };
  sim.store.disputes.set(dispute.id, dispute);
  applyChanges(charge, { disputed: true, dispute: dispute.id });
  sim.emit('charge.dispute.created', dispute, NO_REQUEST);
  moveFunds(sim, dispute, -amount, 'charge.dispute.funds_withdrawn');

  armEvidenceDeadline(sim, dispute);
  return dispute;
}

/** At `due_by` a dispute still waiting for the merchant is past due. */
export function armEvidenceDeadline(sim: Simulation, dispute: Dispute): void {
  const dueBy = dispute.evidence_details?.due_by;
  if (dueBy === null || dueBy === undefined || dispute.evidence_details?.past_due) return;
  sim.timers.schedule(dueBy * TIMESTAMP_UNIT_MS - Date.now(), () => {
    if (!isRespondable(dispute.status)) return;
    const previous = applyChanges(dispute, { evidence_details: { ...dispute.evidence_details, past_due: true } });
    sim.emit('charge.dispute.updated', dispute, NO_REQUEST, previous);
  });
}

/** §14.9: evidence and metadata; `submit` hands the case to the bank (`under_review`). */
export function updateDispute(sim: Simulation, id: string, params: UpdateParams, origin: Origin): Dispute {
  const dispute = expectRespondable(getDispute(sim, id), 'update');
  const evidence = { ...dispute.evidence, ...params.evidence };
  const metadata = { ...dispute.metadata, ...params.metadata };
  // Stripe's convention: an empty value removes the key.
  for (const [key, value] of Object.entries(metadata)) if (value === '') delete metadata[key];
  const details = dispute.evidence_details ?? {};
  const submitting = params.submit === true;
  const previous = applyChanges(dispute, {
    evidence,
    metadata,
    evidence_details: {
      ...details,
      has_evidence: DISPUTE_EVIDENCE_FIELDS.some((field) => Boolean(evidence[field])),
      submission_count: (details.submission_count ?? 0) + (submitting ? 1 : 0),
    },
    ...(submitting ? { status: dispute.status === 'warning_needs_response' ? 'warning_under_review' : 'under_review' } : {}),
  });
  sim.emit('charge.dispute.updated', dispute, origin, previous);
  return dispute;
}

/** §7: closing is accepting; the dispute is lost. */
export function acceptDispute(sim: Simulation, id: string, origin: Origin): Dispute {
  const dispute = expectRespondable(getDispute(sim, id), 'close');
  const previous = applyChanges(dispute, { status: 'lost' });
  sim.emit('charge.dispute.closed', dispute, origin, previous);
  return dispute;
}

/** The bank's decision (control endpoint): won gives the funds back before the dispute closes. */
export function decideDispute(sim: Simulation, id: string, outcome: 'won' | 'lost'): Dispute {
  const dispute = getDispute(sim, id);
  if (!OPEN_STATUSES.includes(dispute.status)) {
    throw invalidRequest(ERROR_CODES.disputeUnexpectedState, `Dispute ${id} is already closed (${dispute.status})`);
  }
  if (outcome === 'won') moveFunds(sim, dispute, dispute.amount, 'charge.dispute.funds_reinstated');
  const previous = applyChanges(dispute, { status: outcome });
  sim.emit('charge.dispute.closed', dispute, NO_REQUEST, previous);
  return dispute;
}

function moveFunds(
  sim: Simulation,
  dispute: Dispute,
  amount: number,
  type: 'charge.dispute.funds_withdrawn' | 'charge.dispute.funds_reinstated',
): void {
  const transaction = {
    id: newId('txn_'),
    object: 'balance_transaction',
    amount,
    currency: dispute.currency,
    created: sim.now(),
    type: 'adjustment',
    reporting_category: type === 'charge.dispute.funds_withdrawn' ? 'dispute' : 'dispute_reversal',
  };
  const previous = applyChanges(dispute, { balance_transactions: [...(dispute.balance_transactions ?? []), transaction] });
  sim.emit(type, dispute, NO_REQUEST, previous);
}

function isRespondable(status: DisputeStatus): boolean {
  return (DISPUTE_RESPONDABLE_STATUSES as readonly string[]).includes(status);
}

function expectRespondable(dispute: Dispute, action: string): Dispute {
  if (!isRespondable(dispute.status)) {
    throw invalidRequest(
      ERROR_CODES.disputeUnexpectedState,
      `You cannot ${action} dispute ${dispute.id} because it has a status of ${dispute.status}`,
    );
  }
  return dispute;
}
