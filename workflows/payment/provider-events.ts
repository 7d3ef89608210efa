/**
 * WooshPay's webhook events, as the workflow applies them. Each event id is applied once, ever (WooshPay
 * delivers at least once, in any order). An event our record cannot place is not guessed at: the payment reads
 * WooshPay's current view instead.
 */
import { log } from '@temporalio/workflow';
import type { ProviderEvent } from '../messages.js';
import { applyDisputeState, applyIntentState, applyRefundState, isAwaitingTransfer, isPaid } from '../payment-state.js';
import { intendedEnding } from './awaiting-transfer.js';
import type { PaymentRun } from './run.js';

/** An event type and the intent status it must carry to be applied as it stands. */
const INTENT_EVENT_STATUS: Record<string, string> = {
  'payment_intent.succeeded': 'succeeded',
  'payment_intent.processing': 'processing',
  'payment_intent.canceled': 'canceled',
  'payment_intent.payment_failed': 'requires_payment_method',
};
/** Events that announce nothing the payment must act on. */
const INFORMATIONAL_INTENT_EVENTS = ['payment_intent.created', 'payment_intent.requires_action'];

export function onProviderEvent(run: PaymentRun, event: ProviderEvent): void {
  if (run.seenEventIds.has(event.id)) return;
  run.seenEventIds.add(event.id);
  const { record } = run;
  switch (event.object) {
    case 'payment_intent': {
      if (record.payment_intent === null || event.data.id !== record.payment_intent) {
        // The event is ahead of our own record (e.g. paid before creation returned): ask WooshPay.
        run.reconcileRequested = true;
        break;
      }
      const fits = INTENT_EVENT_STATUS[event.type] === event.data.status;
      if (fits && isAwaitingTransfer(record)) run.apply(applyIntentState(record, event.data, Date.now(), intendedEnding(run)));
      else if (!isPaid(record) && !INFORMATIONAL_INTENT_EVENTS.includes(event.type)) run.reconcileRequested = true;
      break;
    }
    case 'checkout_session':
      if (event.type === 'checkout.session.expired' && event.data.id === record.checkout_session && isAwaitingTransfer(record)) {
        // Checked with WooshPay first: a session can expire while its intent's transfer already landed.
        run.reconcileRequested = true;
        run.cancelRequest ??= { reason: 'checkout_session_expired', ending: 'expired' };
      } else if (!isPaid(record)) {
        run.reconcileRequested = true;
      }
      break;
    case 'refund':
      run.apply(applyRefundState(record, event.data, Date.now()));
      break;
    case 'dispute':
      if (isPaid(record)) run.apply(applyDisputeState(record, event.data, event.type));
      else run.reconcileRequested = true;
      break;
    default:
      log.info('Ignoring a WooshPay event the payment does not act on', { eventId: event.id, type: event.type });
  }
  run.touch();
}
