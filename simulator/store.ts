import type {
  Charge,
  CheckoutSession,
  Dispute,
  LineItem,
  PaymentIntent,
  Refund,
  WebhookEndpoint,
} from '../wooshpay/schemas.js';
import type { Event } from '../wooshpay/events.js';

/** A session as stored: its line items live beside it (`line_items` unset) and are attached when it is sent. */
export type StoredCheckoutSession = CheckoutSession;

/** An endpoint as stored: the secret is kept here and shown only in the create response. */
export type StoredWebhookEndpoint = WebhookEndpoint & { secret: string };

/** Test-mode WooshPay's memory. Maps keep insertion order, which is creation order. */
export class Store {
  readonly paymentIntents = new Map<string, PaymentIntent>();
  readonly checkoutSessions = new Map<string, StoredCheckoutSession>();
  readonly lineItems = new Map<string, LineItem[]>();
  /** PaymentIntent id → the Checkout Session that owns it. */
  readonly sessionOfIntent = new Map<string, string>();
  /** PaymentIntent id → when the simulator will cancel it unpaid (ms), shown on the hosted page. */
  readonly intentDeadlines = new Map<string, number>();
  readonly charges = new Map<string, Charge>();
  readonly refunds = new Map<string, Refund>();
  readonly disputes = new Map<string, Dispute>();
  readonly webhookEndpoints = new Map<string, StoredWebhookEndpoint>();
  readonly events = new Map<string, Event>();
}
