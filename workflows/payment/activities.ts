/**
 * How the payment calls the outside world: which calls are local activities (short, safe to repeat, answered
 * inside the workflow task) and which are regular activities (money-changing calls that must survive any
 * worker, retried for as long as it takes). Every WooshPay call that changes something carries an idempotency
 * key, so a retry after a lost answer never makes a second object.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { PaymentActivities } from '../../activities/types.js';

/**
 * The create, tried first inside the workflow task that started the payment (Temporal's early-return
 * pattern: the intake's Update-with-Start is answered without a round trip through the activity queue).
 * Its window is short; past it the regular activity takes over with the same idempotency key.
 */
export const createInline = proxyLocalActivities<PaymentActivities>({
  startToCloseTimeout: '16 seconds',
  scheduleToCloseTimeout: '20 seconds',
  // A bounded number of tries too: sdk-core does not enforce the schedule-to-close window while a local
  // activity waits between retries, so a WooshPay answering 503 at once would otherwise keep it inline for ever.
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '2 seconds', maximumAttempts: 4 },
});

/**
 * The create once the inline window has passed: bounded by the payment's own deadline. A shopper and the
 * merchant's intake wait for it, so its backoff stops growing at 10 s rather than a minute: once WooshPay
 * recovers, a payment is created within seconds, not up to a minute later. A 429's Retry-After still
 * overrides the schedule (activities/failures.ts).
 */
export function createDurable(windowMs: number) {
  return proxyActivities<PaymentActivities>({
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: windowMs,
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds' },
  });
}

/** Calls that change money at WooshPay (cancel, refund, dispute actions): retried with backoff without end. */
export const provider = proxyActivities<PaymentActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * Reads used to reconcile: local activities, since a read changes nothing and may be repeated freely. A few
 * tries, then the payment moves on and polls again later.
 */
export const reads = proxyLocalActivities<PaymentActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 4 },
});
