/**
 * WooshPay's webhook events applied to the record: each event id once, ever, and in any order. WooshPay delivers
 * at least once and does not promise order, so an event that needs funds the record has not seen yet (a refund
 * or a dispute ahead of the transfer it belongs to) waits here and is tried again whenever funding changes.
 * Pure: the workflow keeps this log in its run state, and the property tests drive it directly.
 */
import type { ProviderEvent } from './messages.js';
import { applyDisputeState, applyRefundState, NOT_YET } from './payment-ledger.js';
import { applyIntentState, isAwaitingTransfer, isPaid, type MerchantEvent, type UnpaidEnding } from './payment-state.js';
import type { PaymentRecord } from './messages.js';

export interface EventOutcome {
  events: MerchantEvent[];
  /** The event does not fit our record (ahead of it, or stale): read WooshPay's current view. */
  reconcile: boolean;
  /** WooshPay expired the Checkout Session: end the payment through the cancel gate. */
  sessionExpired: boolean;
}

/** An event type and the intent statuses it may carry to be applied as it stands (§14.23, §14.24). */
const INTENT_EVENT_STATUSES: Record<string, readonly string[]> = {
  'payment_intent.succeeded': ['succeeded'],
  'payment_intent.processing': ['processing'],
  'payment_intent.canceled': ['canceled'],
  'payment_intent.payment_failed': ['requires_payment_method'],
  'payment_intent.partially_funded': ['requires_action', 'canceled'],
};
/** Events that announce nothing the payment must act on. */
const INFORMATIONAL_INTENT_EVENTS = ['payment_intent.created', 'payment_intent.requires_action'];

export class ProviderEventLog {
  readonly seen: Set<string>;
  readonly waiting: ProviderEvent[];

  constructor(seen: Iterable<string> = [], waiting: ProviderEvent[] = []) {
    this.seen = new Set(seen);
    this.waiting = [...waiting];
  }

  receive(record: PaymentRecord, event: ProviderEvent, now: number, intendedEnding?: UnpaidEnding): EventOutcome {
    const outcome: EventOutcome = { events: [], reconcile: false, sessionExpired: false };
    if (this.seen.has(event.id)) return outcome;
    this.seen.add(event.id);
    const funding = fundingOf(record);
    this.apply(record, event, now, intendedEnding, outcome);
    if (fundingOf(record) !== funding) this.retryWaiting(record, now, outcome);
    return outcome;
  }

  /** After WooshPay's view was read (reconciliation): events that waited for funds may fit now. */
  retryWaiting(record: PaymentRecord, now: number, outcome: EventOutcome = { events: [], reconcile: false, sessionExpired: false }): EventOutcome {
    const retry = this.waiting.splice(0);
    for (const waiting of retry) this.apply(record, waiting, now, undefined, outcome);
    return outcome;
  }

  private apply(record: PaymentRecord, event: ProviderEvent, now: number, ending: UnpaidEnding | undefined, outcome: EventOutcome): void {
    switch (event.object) {
      case 'payment_intent': {
        if (record.payment_intent === null || event.data.id !== record.payment_intent) {
          outcome.reconcile = true; // ahead of our own record (e.g. paid before creation returned)
          return;
        }
        const fits = INTENT_EVENT_STATUSES[event.type]?.includes(event.data.status) ?? false;
        if (fits) outcome.events.push(...applyIntentState(record, event.data, now, ending));
        else if (!INFORMATIONAL_INTENT_EVENTS.includes(event.type) && !isPaid(record)) outcome.reconcile = true;
        return;
      }
      case 'checkout_session':
        if (event.type === 'checkout.session.expired' && event.data.id === record.checkout_session && isAwaitingTransfer(record)) {
          // Checked with WooshPay first: a session can expire while its intent's transfer already landed.
          outcome.reconcile = true;
          outcome.sessionExpired = true;
        } else if (!isPaid(record)) {
          outcome.reconcile = true;
        }
        return;
      case 'refund':
        this.placeOrWait(applyRefundState(record, event.data, now), event, outcome);
        return;
      case 'dispute':
        this.placeOrWait(applyDisputeState(record, event.data, event.type, now), event, outcome);
        return;
      default:
        return;
    }
  }

  private placeOrWait(result: MerchantEvent[] | typeof NOT_YET, event: ProviderEvent, outcome: EventOutcome): void {
    if (result === NOT_YET) {
      this.waiting.push(event);
      outcome.reconcile = true; // WooshPay knows of funds we have not seen: ask
    } else {
      outcome.events.push(...result);
    }
  }
}

function fundingOf(record: PaymentRecord): string {
  return `${record.amount_received}:${record.paid_at ?? ''}`;
}
