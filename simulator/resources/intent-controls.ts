/**
 * The customer's side of a bank transfer besides money arriving (funding.ts), driven by the control endpoints
 * and the hosted pages: the transfer starts clearing, fails, or its window closes.
 */
import { AUTO_CANCELLATION_REASON, PAYMENT_INTENT_CANCELABLE_STATUSES } from '../../wooshpay/assumptions.js';
import type { PaymentIntent } from '../../wooshpay/schemas.js';
import { applyChanges, NO_REQUEST, type Simulation } from '../simulation.js';
import { expireCheckoutSession } from './checkout-sessions.js';
import { cancelIntent, expectStatus, getPaymentIntent, OPEN_STATUSES } from './payment-intents.js';

export function markProcessing(sim: Simulation, id: string): PaymentIntent {
  const pi = getPaymentIntent(sim, id);
  expectStatus(pi, ['requires_payment_method', 'requires_confirmation', 'requires_action'], 'move to processing');
  const previous = applyChanges(pi, { status: 'processing', next_action: null });
  sim.emit('payment_intent.processing', pi, NO_REQUEST, previous);
  return pi;
}

export function failPaymentIntent(sim: Simulation, id: string, failure: { code?: string | undefined; message?: string | undefined }): PaymentIntent {
  const pi = getPaymentIntent(sim, id);
  expectStatus(pi, OPEN_STATUSES, 'fail');
  const previous = applyChanges(pi, {
    status: 'requires_payment_method',
    next_action: null,
    last_payment_error: {
      type: 'invalid_request_error',
      code: failure.code ?? 'payment_failed',
      message: failure.message ?? 'The bank transfer was not completed.',
    },
  });
  sim.emit('payment_intent.payment_failed', pi, NO_REQUEST, previous);
  return pi;
}

/** The transfer window closed: a Checkout intent expires with its session, a direct one is cancelled. */
export function expirePaymentIntent(sim: Simulation, id: string): PaymentIntent {
  const pi = getPaymentIntent(sim, id);
  expectStatus(pi, PAYMENT_INTENT_CANCELABLE_STATUSES, 'expire');
  const sessionId = sim.store.sessionOfIntent.get(id);
  if (sessionId) {
    expireCheckoutSession(sim, sessionId, NO_REQUEST);
    return pi;
  }
  return cancelIntent(sim, pi, AUTO_CANCELLATION_REASON, NO_REQUEST);
}
