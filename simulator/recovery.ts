import { armSessionExpiry } from './resources/checkout-sessions.js';
import { armEvidenceDeadline } from './resources/disputes.js';
import { armAutoExpiry } from './resources/payment-intents.js';
import { armAutoSettle } from './resources/refunds.js';
import type { Simulation } from './simulation.js';

/**
 * After loading a saved store, what WooshPay would have kept doing while we were down: its clocks
 * (session expiry, intent auto-expiry, refund settling, evidence deadlines; a time already passed
 * fires at once) and the webhook deliveries it still owed. A claim on an idempotency key whose
 * request died with the process is released, so the caller's retry runs it.
 */
export function resumeAfterRestart(sim: Simulation): void {
  const { store } = sim;
  for (const [key, entry] of store.idempotency) if (entry.state === 'in_flight') store.idempotency.delete(key);
  for (const session of store.checkoutSessions.values()) if (session.status === 'open') armSessionExpiry(sim, session);
  for (const pi of store.paymentIntents.values()) armAutoExpiry(sim, pi);
  for (const refund of store.refunds.values()) armAutoSettle(sim, refund);
  for (const dispute of store.disputes.values()) armEvidenceDeadline(sim, dispute);
  sim.webhooks.resume();
}
