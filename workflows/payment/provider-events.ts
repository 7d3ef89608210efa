/**
 * WooshPay's webhook events, as the workflow receives them: the event log (../provider-event-log.ts) applies
 * each once and in any order; what it cannot place is not guessed at — the payment reads WooshPay's view.
 */
import { log } from '@temporalio/workflow';
import type { ProviderEvent } from '../messages.js';
import { intendedEnding } from './awaiting-transfer.js';
import type { PaymentRun } from './run.js';

export function onProviderEvent(run: PaymentRun, event: ProviderEvent): void {
  if (event.object === 'other') {
    log.info('Ignoring a WooshPay event the payment does not act on', { eventId: event.id, type: event.type });
    // Still a wake-up: every signal grows the history, so the phases look at continue-as-new again.
    run.touch();
    return;
  }
  const outcome = run.providerEvents.receive(run.record, event, Date.now(), intendedEnding(run));
  if (outcome.reconcile) run.reconcileRequested = true;
  if (outcome.sessionExpired) run.cancelRequest ??= { reason: 'checkout_session_expired', ending: 'expired' };
  run.apply(outcome.events);
}
