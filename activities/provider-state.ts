/**
 * WooshPay's objects reduced to what the payment workflow acts on. Used by the activities (answers to our
 * calls) and by the webhook route (events), so both speak to the workflow in exactly the same terms.
 */
import type { CheckoutSession, Dispute, Event, PaymentIntent, Refund } from '../wooshpay/index.js';
import type {
  ProviderDisputeState,
  ProviderEvent,
  ProviderIntentState,
  ProviderRefundState,
} from '../workflows/messages.js';

/** The metadata key that carries our payment id on every object we create at WooshPay. */
export const PAYMENT_ID_METADATA_KEY = 'payment_id';
/** The metadata key that carries our refund id, so a refund event can arrive before our create call returns. */
export const REFUND_ID_METADATA_KEY = 'refund_id';

export function intentState(pi: PaymentIntent, session?: CheckoutSession | null): ProviderIntentState {
  const error = pi.last_payment_error;
  return {
    id: pi.id,
    status: pi.status,
    amount: pi.amount,
    amount_received: pi.amount_received ?? null,
    failure:
      pi.status === 'requires_payment_method' && error
        ? { code: error.code ?? error.type ?? 'payment_failed', message: error.message ?? 'The bank transfer failed.' }
        : null,
    cancellation_reason: pi.cancellation_reason ?? null,
    checkout_session_status: session?.status ?? null,
  };
}

/** A session whose intent we cannot read (none linked yet), seen as an intent. */
export function sessionOnlyState(session: CheckoutSession): ProviderIntentState {
  return {
    id: session.payment_intent ?? session.id,
    status: session.status === 'expired' ? 'canceled' : session.payment_status === 'paid' ? 'succeeded' : 'requires_action',
    amount: session.amount_total ?? 0,
    amount_received: null,
    failure: null,
    cancellation_reason: session.status === 'expired' ? 'checkout_session_expired' : null,
    checkout_session_status: session.status,
  };
}

export function refundState(refund: Refund): ProviderRefundState {
  return {
    id: refund.id,
    amount: refund.amount,
    status: refund.status,
    failure_reason: refund.failure_reason ?? null,
    refund_id: refund.metadata?.[REFUND_ID_METADATA_KEY] ?? null,
  };
}

export function disputeState(dispute: Dispute): ProviderDisputeState {
  return {
    id: dispute.id,
    amount: dispute.amount,
    currency: dispute.currency,
    reason: dispute.reason ?? null,
    status: dispute.status,
    evidence_due_by: dispute.evidence_details?.due_by ?? null,
    has_evidence: dispute.evidence_details?.has_evidence ?? false,
    created: dispute.created,
  };
}

export function providerEvent(event: Event): ProviderEvent {
  const base = { id: event.id, type: event.type, created: event.created };
  const object = event.data.object as { object?: string };
  switch (object.object) {
    case 'payment_intent':
      return { ...base, object: 'payment_intent', data: intentState(object as PaymentIntent) };
    case 'checkout.session': {
      const session = object as CheckoutSession;
      return {
        ...base,
        object: 'checkout_session',
        data: { id: session.id, status: session.status, payment_status: session.payment_status, payment_intent: session.payment_intent ?? null },
      };
    }
    case 'refund':
      return { ...base, object: 'refund', data: refundState(object as Refund) };
    case 'dispute':
      return { ...base, object: 'dispute', data: disputeState(object as Dispute) };
    default:
      return { ...base, object: 'other', data: { id: (object as { id?: string }).id ?? null } };
  }
}
