import { ERROR_CODES, LATE_TRANSFER, PARTIAL_FUNDING } from '../../wooshpay/assumptions.js';
import type { PaymentIntent } from '../../wooshpay/schemas.js';
import { invalidRequest } from '../api-error.js';
import { newId } from '../ids.js';
import { applyChanges, NO_REQUEST, type Simulation } from '../simulation.js';
import { completeCheckoutSession } from './checkout-sessions.js';
import { bankTransferAction, expectStatus, getPaymentIntent, OPEN_STATUSES } from './payment-intents.js';

/** A bank transfer landing on an intent (the `/_sim/…/succeed` control and the hosted pages' pay button). */
export interface Transfer {
  /** The intent's total received after this transfer; the amount when not given (paid in full). */
  amount_received?: number | undefined;
  /** §14.24: the transfer may land on an intent already cancelled (its virtual account closed). */
  late?: boolean | undefined;
}

/**
 * §14.20, §14.23, §14.24: money arrives. Short of the amount, the intent keeps waiting for the rest
 * (`payment_intent.partially_funded`); at or above it, the intent succeeds (above = overpaid); on a
 * cancelled intent with `late`, it stays cancelled and records the money. The received money is the
 * intent's one charge, so a refund can return it.
 */
export function receiveTransfer(sim: Simulation, id: string, transfer: Transfer = {}): PaymentIntent {
  const pi = getPaymentIntent(sim, id);
  const late = transfer.late === true && pi.status === LATE_TRANSFER.status;
  if (!late) expectStatus(pi, OPEN_STATUSES, 'succeed');
  const before = pi.amount_received ?? 0;
  const total = transfer.amount_received ?? pi.amount;
  if (total <= before) {
    throw invalidRequest(
      ERROR_CODES.parameterInvalid,
      `amount_received is the intent's total after this transfer; it must exceed the ${before} already received`,
      'amount_received',
    );
  }
  const chargeId = recordCharge(sim, pi, total);
  if (late) return fundPartially(sim, pi, { amount_received: total, latest_charge: chargeId });
  if (total < pi.amount) {
    return fundPartially(sim, pi, {
      status: PARTIAL_FUNDING.status,
      // A transfer that was clearing had no instructions left: the shopper needs them to send the rest.
      next_action: pi.next_action ?? bankTransferAction(pi.id, sim.publicBaseUrl()),
      payment_method: pi.payment_method ?? newId('pm_'),
      amount_received: total,
      latest_charge: chargeId,
    });
  }
  const previous = applyChanges(pi, {
    status: 'succeeded',
    next_action: null,
    last_payment_error: null,
    payment_method: pi.payment_method ?? newId('pm_'),
    amount_received: total,
    latest_charge: chargeId,
  });
  sim.emit('payment_intent.succeeded', pi, NO_REQUEST, previous);
  const sessionId = sim.store.sessionOfIntent.get(pi.id);
  if (sessionId) completeCheckoutSession(sim, sessionId);
  return pi;
}

function fundPartially(sim: Simulation, pi: PaymentIntent, changes: Partial<PaymentIntent>): PaymentIntent {
  const previous = applyChanges(pi, changes);
  sim.emit(PARTIAL_FUNDING.eventType, pi, NO_REQUEST, previous);
  return pi;
}

/** The intent's charge holds everything received so far: created by the first transfer, raised by later ones. */
function recordCharge(sim: Simulation, pi: PaymentIntent, received: number): string {
  const existing = pi.latest_charge ? sim.store.charges.get(pi.latest_charge) : undefined;
  if (existing) {
    applyChanges(existing, { amount: received });
    return existing.id;
  }
  const chargeId = newId('ch_');
  sim.store.charges.set(chargeId, {
    id: chargeId,
    object: 'charge',
    amount: received,
    amount_refunded: 0,
    currency: pi.currency,
    created: sim.now(),
    status: 'succeeded',
    paid: true,
    captured: true,
    refunded: false,
    disputed: false,
    dispute: null,
    payment_intent: pi.id,
    payment_method: pi.payment_method ?? null,
    description: pi.description ?? null,
    livemode: false,
    metadata: { ...pi.metadata },
  });
  return chargeId;
}
