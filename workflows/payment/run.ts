/**
 * The payment's run state in one object: the record, the memory that keeps every effect exactly-once, and
 * what the phases wait on. Handlers and phases change the payment only through `apply`, which queues the
 * merchant notifications, publishes the record to operators and wakes whoever waits for a change.
 */
import { condition, workflowInfo } from '@temporalio/workflow';
import type { PaymentRecord, PaymentRequest, PaymentSettings, ProviderEvent } from '../messages.js';
import { initialRecord, transferFailed, type MerchantEvent, type UnpaidEnding } from '../payment-state.js';
import { ProviderEventLog } from '../provider-event-log.js';
import { Courier } from './notifications.js';
import { Publisher } from './publish.js';
import { returnUnkeptMoney } from './refunds.js';

/**
 * A merchant notification owed and not yet delivered. It carries no copy of the payment: the notification is
 * sent with the payment as it is at delivery, so a long outbox (a merchant endpoint down for days while refunds
 * go on) stays small in history and in every continue-as-new.
 */
export interface QueuedNotification extends MerchantEvent {
  created: number;
}

/** State carried across continue-as-new. */
export interface CarriedState {
  record: PaymentRecord;
  seenEventIds: string[];
  /** WooshPay events that wait for funds the record has not seen yet. */
  waitingEvents: ProviderEvent[];
  emittedEventIds: string[];
  retentionEndsAt: number | null;
  reminderSentFor: string | null;
  outbox: QueuedNotification[];
}

export interface PaymentWorkflowInput {
  request: PaymentRequest;
  settings: PaymentSettings;
  carried?: CarriedState;
  /**
   * A WooshPay event for a payment whose workflow had closed (money that arrived late): the payment is opened
   * again from its last state with this event, applied before anything else runs.
   */
  reopenedBy?: ProviderEvent;
}

export interface CancelRequest {
  reason: string;
  ending: UnpaidEnding;
}

export class PaymentRun {
  readonly request: PaymentRequest;
  readonly settings: PaymentSettings;
  readonly record: PaymentRecord;
  /** WooshPay's events, each applied once and in any order. */
  readonly providerEvents: ProviderEventLog;
  /** Merchant event ids already queued: each notification is owed once, ever. */
  readonly emittedEventIds: Set<string>;
  readonly outbox: QueuedNotification[];
  retentionEndsAt: number | null;
  reminderSentFor: string | null;

  /** Why and how an unpaid payment should end; acted on by the cancel gate while awaiting the transfer. */
  cancelRequest: CancelRequest | null = null;
  cancelAttempted = false;
  /** Something arrived that our record cannot place (an event ahead of us): read WooshPay's view. */
  reconcileRequested = false;
  readonly refundsInFlight = new Map<string, Promise<void>>();

  readonly courier: Courier;
  private readonly publisher: Publisher;
  /** Bumped on every change a phase may react to (handlers, alarms); phases wait for it to move. */
  private version = 0;

  constructor({ request, settings, carried, reopenedBy }: PaymentWorkflowInput) {
    this.request = request;
    this.settings = settings;
    this.record = carried?.record ?? initialRecord(request);
    this.providerEvents = new ProviderEventLog(carried?.seenEventIds, carried?.waitingEvents);
    this.emittedEventIds = new Set(carried?.emittedEventIds ?? []);
    this.outbox = [...(carried?.outbox ?? [])];
    this.retentionEndsAt = carried?.retentionEndsAt ?? null;
    this.reminderSentFor = carried?.reminderSentFor ?? null;
    const continued = carried !== undefined;
    this.publisher = new Publisher(this.record, { continued, inheritsAttributes: continued && !reopenedBy });
    this.courier = new Courier(this);
  }

  /** Records what a rule returned: queues its notifications, publishes the record, wakes the phases. */
  apply(events: MerchantEvent[] = []): void {
    for (const event of events) {
      if (this.emittedEventIds.has(event.id)) continue;
      this.emittedEventIds.add(event.id);
      this.outbox.push({ ...event, created: Date.now() });
    }
    if (transferFailed(this.record)) this.cancelRequest ??= { reason: 'payment_failed', ending: 'failed' };
    returnUnkeptMoney(this);
    this.publisher.publish(this.record);
    this.touch();
  }

  touch(): void {
    this.version++;
  }

  /** A mark to wait from: changes made after it wake `changedSince`. */
  mark(): number {
    return this.version;
  }

  async changedSince(mark: number, orWhen: () => boolean = () => false): Promise<void> {
    await condition(() => this.version !== mark || orWhen());
  }

  shouldContinueAsNew(): boolean {
    const info = workflowInfo();
    const limit = this.settings.continueAsNewAfterEvents;
    return info.continueAsNewSuggested || (limit !== undefined && info.historyLength >= limit);
  }

  carried(): CarriedState {
    return {
      record: this.record,
      seenEventIds: [...this.providerEvents.seen],
      waitingEvents: [...this.providerEvents.waiting],
      emittedEventIds: [...this.emittedEventIds],
      retentionEndsAt: this.retentionEndsAt,
      reminderSentFor: this.reminderSentFor,
      outbox: [...this.outbox],
    };
  }
}
