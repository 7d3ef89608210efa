/**
 * Phase 5: hand the payment to a fresh run (continue-as-new), or close it, only when nothing is half done.
 */
import { allHandlersFinished, condition, continueAsNew } from '@temporalio/workflow';
import type { paymentWorkflow } from './workflow.js';
import type { PaymentRun } from './run.js';

/**
 * Hands the payment to a fresh run with its record, its memory of events and notifications, and the outbox.
 * It waits for handlers and refund calls only: waiting for the outbox to drain too could be postponed forever
 * by a merchant endpoint that is down, or by a steady stream of refunds each owing a notification.
 */
export async function continueAsNewNow(run: PaymentRun): Promise<never> {
  await Promise.all(run.refundsInFlight.values());
  await run.courier.pause();
  // Nothing may be awaited between this condition and continueAsNew: an update accepted in between would be
  // cut off by the end of the run.
  await condition(() => allHandlersFinished() && run.refundsInFlight.size === 0);
  return continueAsNew<typeof paymentWorkflow>({ request: run.request, settings: run.settings, carried: run.carried() });
}

/**
 * Before the payment closes: waits until no handler, refund call or notification is left. Notifications keep
 * going out meanwhile (the courier), so a payment closes only once the merchant has been told everything.
 */
export async function closeWhenQuiet(run: PaymentRun): Promise<void> {
  for (;;) {
    if (run.shouldContinueAsNew() && run.outbox.length > 0) await continueAsNewNow(run);
    const mark = run.mark();
    if (allHandlersFinished() && run.refundsInFlight.size === 0 && run.outbox.length === 0) return;
    await run.changedSince(mark, () => allHandlersFinished() && run.refundsInFlight.size === 0 && run.outbox.length === 0);
  }
}
