import type { Event } from '../wooshpay/events.js';
import type {
  Charge,
  CheckoutSession,
  Dispute,
  LineItem,
  PaymentIntent,
  Refund,
  WebhookEndpoint,
} from '../wooshpay/schemas.js';
import type { IdempotencyEntry } from './idempotency.js';

/** A session as stored: its line items live beside it (`line_items` unset) and are attached when it is sent. */
export type StoredCheckoutSession = CheckoutSession;

/** An endpoint as stored: the secret is kept here and shown only in the create response. */
export type StoredWebhookEndpoint = WebhookEndpoint & { secret: string };

/** An event not yet delivered to an endpoint (nor given up on): resumed after a restart. */
export interface PendingDelivery {
  event_id: string;
  endpoint_id: string;
  /** The attempt to make next. */
  attempt: number;
}

type OnChange = (map: TrackedMap<unknown>, key: string) => void;

/** Each stored object's map and key, so a change made in place (`applyChanges`) is journaled under its key. */
const homes = new WeakMap<object, { map: TrackedMap<unknown>; key: string }>();

/** A map that reports every change by key, for the journal (persistence.ts); silent when nothing listens. */
export class TrackedMap<V> extends Map<string, V> {
  #onChange: OnChange | null = null;

  constructor(readonly name: string) {
    super();
  }

  listen(onChange: OnChange | null): void {
    this.#onChange = onChange;
  }

  override set(key: string, value: V): this {
    super.set(key, value);
    if (typeof value === 'object' && value !== null) homes.set(value, { map: this, key });
    this.#onChange?.(this, key);
    return this;
  }

  override delete(key: string): boolean {
    const had = super.delete(key);
    if (had) this.#onChange?.(this, key);
    return had;
  }

  changed(key: string): void {
    this.#onChange?.(this, key);
  }
}

/** Reports an in-place change of a stored object (no-op for an object that is not stored). */
export function markChanged(value: object): void {
  const home = homes.get(value);
  home?.map.changed(home.key);
}

/** Test-mode WooshPay's memory. Maps keep insertion order, which is creation order. */
export class Store {
  readonly paymentIntents = new TrackedMap<PaymentIntent>('paymentIntents');
  readonly checkoutSessions = new TrackedMap<StoredCheckoutSession>('checkoutSessions');
  readonly lineItems = new TrackedMap<LineItem[]>('lineItems');
  /** PaymentIntent id → the Checkout Session that owns it. */
  readonly sessionOfIntent = new TrackedMap<string>('sessionOfIntent');
  /** PaymentIntent id → when the simulator will cancel it unpaid (ms), shown on the hosted page. */
  readonly intentDeadlines = new TrackedMap<number>('intentDeadlines');
  readonly charges = new TrackedMap<Charge>('charges');
  readonly refunds = new TrackedMap<Refund>('refunds');
  readonly disputes = new TrackedMap<Dispute>('disputes');
  readonly webhookEndpoints = new TrackedMap<StoredWebhookEndpoint>('webhookEndpoints');
  readonly events = new TrackedMap<Event>('events');
  /** §14.11: (API key, Idempotency-Key) → the claim or the stored answer. */
  readonly idempotency = new TrackedMap<IdempotencyEntry>('idempotency');
  /** `${event id} ${endpoint id}` → a delivery still owed. */
  readonly pendingDeliveries = new TrackedMap<PendingDelivery>('pendingDeliveries');

  /** Every map, by name, in a fixed order. */
  maps(): TrackedMap<unknown>[] {
    return Object.values(this).filter((value): value is TrackedMap<unknown> => value instanceof TrackedMap);
  }
}
