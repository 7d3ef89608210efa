/**
 * `POST /webhooks/wooshpay`: verify → parse → route → signal → 2xx. The answer is 2xx only once Temporal has
 * accepted the signal (it is then durable in the payment's history); 503 when Temporal or WooshPay cannot be
 * reached, so WooshPay delivers again; 400 only for a bad signature or a body that is no WooshPay event at
 * all, which changes nothing. An event with a status or shape we do not know is kept, never refused: a
 * refused delivery is retried for 72 h and then lost, and may carry money (a late transfer).
 */
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { PAYMENT_ID_METADATA_KEY, providerEvent } from '../activities/provider-state.js';
import {
  type Event,
  type EventEnvelope,
  EventEnvelopeSchema,
  EventSchema,
  type EventType,
  PARTIAL_FUNDING,
  SIGNATURE_HEADER,
  verifyWebhookSignature,
  WebhookSignatureError,
  type WooshPayClient,
  undocumentedStatuses,
  WooshPayError,
} from '../wooshpay/index.js';
import { type ProviderEvent, providerEventSignal } from '../workflows/messages.js';
import { ApiError } from './errors.js';
import { isTemporalUnavailable } from './temporal-errors.js';
import { PaymentIdSchema } from './schemas.js';

/** How long a delivery may wait for Temporal to take the signal. */
const SIGNAL_DEADLINE_MS = 5_000;

/**
 * The documented WooshPay event types the payment workflow acts on: what `npm run register-webhook`
 * subscribes to, and what this route delivers. Anything else is acknowledged and logged.
 */
export const ACTED_ON_EVENT_TYPES = [
  'payment_intent.succeeded',
  PARTIAL_FUNDING.eventType,
  'payment_intent.processing',
  'payment_intent.payment_failed',
  'payment_intent.canceled',
  'checkout.session.expired',
  'charge.refund.updated',
  'charge.dispute.created',
  'charge.dispute.updated',
  'charge.dispute.funds_withdrawn',
  'charge.dispute.funds_reinstated',
  'charge.dispute.closed',
] as const satisfies readonly EventType[];

/** §14.13: not in WooshPay's documented list, so never subscribed to, but acted on should it arrive. */
const ALSO_DELIVERED = ['checkout.session.completed'] as const satisfies readonly EventType[];
const DELIVERED_EVENT_TYPES: ReadonlySet<string> = new Set([...ACTED_ON_EVENT_TYPES, ...ALSO_DELIVERED]);

export type WebhookOutcome =
  | 'delivered'
  | 'duplicate_or_closed'
  | 'reopened'
  | 'ignored_type'
  | 'no_payment'
  | 'bad_signature'
  | 'bad_body'
  | 'unavailable';

export interface WebhookHandlerOptions {
  client: Client;
  /** Read per request, so a rotated secret takes effect without a restart. */
  secrets: () => readonly string[];
  toleranceSeconds: number;
  /** Used to route events whose object does not carry our payment id (disputes, some refunds). */
  wooshpay: WooshPayClient;
  /** Opens a closed payment again with an event that came after it closed (PaymentsService.reopen). */
  reopen: (paymentId: string, event: ProviderEvent) => Promise<'reopened' | 'duplicate'>;
  logger: Logger;
  onOutcome?: (outcome: WebhookOutcome, eventType: string | undefined) => void;
}

export function wooshpayWebhookHandler(options: WebhookHandlerOptions): RequestHandler {
  return async (req, res, next) => {
    const rawBody: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let answer: WebhookAnswer;
    try {
      answer = await answerDelivery(rawBody, req.get(SIGNATURE_HEADER), options);
    } catch (err) {
      return next(err);
    }
    options.onOutcome?.(answer.outcome, answer.eventType);
    if (answer.error) return next(answer.error);
    res.status(200).json(answer.body);
  };
}

/** What a delivery is answered: 200 with a body, or an error (400, 503) that the error middleware renders. */
interface WebhookAnswer {
  outcome: WebhookOutcome;
  eventType?: string;
  body?: object;
  error?: ApiError;
}

/** The event is not recorded yet: 503 with Retry-After, so WooshPay delivers it again. */
const retryLater = (): ApiError => new ApiError(503, 'api_error', 'temporarily_unavailable', 'Try again later.', { retryAfterSeconds: 5 });

async function answerDelivery(rawBody: Buffer, signature: string | undefined, options: WebhookHandlerOptions): Promise<WebhookAnswer> {
  const { logger } = options;
  try {
    verifyWebhookSignature({ rawBody, header: signature, secrets: options.secrets(), toleranceSeconds: options.toleranceSeconds });
  } catch (err) {
    if (!(err instanceof WebhookSignatureError)) throw err;
    logger.warn({ reason: err.reason }, 'webhook rejected: signature');
    return { outcome: 'bad_signature', error: new ApiError(400, 'invalid_request_error', `signature_${err.reason}`, err.message) };
  }

  const read = readEvent(rawBody);
  if (!read) {
    logger.warn('webhook rejected: signed body is not a WooshPay event');
    return { outcome: 'bad_body', error: new ApiError(400, 'invalid_request_error', 'event_invalid', 'The body is not a WooshPay event.') };
  }
  const { event, unreadable } = read;
  const log = logger.child({ eventId: event.id, eventType: event.type });
  if (unreadable) {
    log.warn({ objectId: event.data.object.id ?? null, issues: unreadable }, 'webhook kept: an event whose object we cannot read');
  } else {
    const odd = undocumentedStatuses(event.data.object);
    if (odd.length > 0) log.warn({ objectId: event.data.object.id ?? null, statuses: odd }, 'webhook kept: undocumented status');
  }

  if (!DELIVERED_EVENT_TYPES.has(event.type)) {
    log[unreadable ? 'warn' : 'info']({ objectId: event.data.object.id ?? null }, 'webhook acknowledged: event type not acted on');
    return { outcome: 'ignored_type', eventType: event.type, body: { received: true, ignored: 'event_type' } };
  }
  return { ...(await deliverToPayment(event, unreadable !== null, options, log)), eventType: event.type };
}

/** Routes the event to its payment and signals it there; a payment that has closed is opened again. */
async function deliverToPayment(event: Event | EventEnvelope, unreadable: boolean, options: WebhookHandlerOptions, log: Logger): Promise<WebhookAnswer> {
  let paymentId: string | null = null;
  try {
    paymentId = await routeToPayment(event, options.wooshpay);
    if (!paymentId) {
      log.info('webhook acknowledged: belongs to no payment of ours');
      return { outcome: 'no_payment', body: { received: true, ignored: 'no_payment' } };
    }
    // WooshPay gives a delivery 10 s; past our deadline it is better to say 503 and let WooshPay retry.
    const routed = paymentId;
    await options.client.connection.withDeadline(Date.now() + SIGNAL_DEADLINE_MS, () =>
      options.client.workflow
        .getHandle(routed)
        .signal(providerEventSignal, unreadable ? unreadableEvent(event) : providerEvent(event)),
    );
    log.info({ paymentId, workflowId: paymentId }, 'webhook delivered to payment');
    return { outcome: 'delivered', body: { received: true } };
  } catch (err) {
    return answerUndelivered(err, paymentId, event, options, log);
  }
}

async function answerUndelivered(
  err: unknown,
  paymentId: string | null,
  event: Event | EventEnvelope,
  options: WebhookHandlerOptions,
  log: Logger,
): Promise<WebhookAnswer> {
  if (err instanceof WooshPayError && !err.retryable) {
    log.info({ code: err.code }, 'webhook acknowledged: WooshPay does not know its PaymentIntent');
    return { outcome: 'no_payment', body: { received: true, ignored: 'no_payment' } };
  }
  if (paymentId && /already completed/i.test((err as Error).message ?? '')) {
    // Never a plain "ignored": money that arrives after the payment closed opens it again to be recorded.
    try {
      const outcome = await options.reopen(paymentId, providerEvent(event));
      log.info({ paymentId, outcome }, 'webhook delivered to a closed payment');
      return outcome === 'duplicate'
        ? { outcome: 'duplicate_or_closed', body: { received: true, ignored: 'payment_closed' } }
        : { outcome: 'reopened', body: { received: true } };
    } catch (reopenErr) {
      // Not recorded yet: WooshPay must deliver again, whatever went wrong.
      log.error({ err: reopenErr, paymentId }, 'closed payment could not be opened again; WooshPay will retry');
      return { outcome: 'unavailable', error: retryLater() };
    }
  }
  if (err instanceof WorkflowNotFoundError) {
    log.info('webhook acknowledged: no such payment');
    return { outcome: 'no_payment', body: { received: true, ignored: 'no_payment' } };
  }
  log.error({ err }, 'webhook not delivered; WooshPay will retry');
  if (isTemporalUnavailable(err) || (err instanceof WooshPayError && err.retryable)) return { outcome: 'unavailable', error: retryLater() };
  throw err;
}

/**
 * Our payment id travels in the metadata of every object we create. Disputes (created by WooshPay) and
 * objects without it are routed through their PaymentIntent, then its Checkout Session.
 */
async function routeToPayment(event: Event | EventEnvelope, wooshpay: WooshPayClient): Promise<string | null> {
  const object = event.data.object as { metadata?: Record<string, string> | null; payment_intent?: string | null; object?: string; id?: string };
  const direct = valid(object.metadata?.[PAYMENT_ID_METADATA_KEY]);
  if (direct) return direct;

  const intentId = object.object === 'payment_intent' ? object.id : object.payment_intent;
  if (!intentId) return null;
  const intent = await wooshpay.retrievePaymentIntent(intentId);
  const fromIntent = valid(intent.metadata?.[PAYMENT_ID_METADATA_KEY]);
  if (fromIntent) return fromIntent;
  const sessions = await wooshpay.listCheckoutSessions({ payment_intent: intentId, limit: 1 });
  return valid(sessions.data[0]?.metadata?.[PAYMENT_ID_METADATA_KEY]);
}

/** A parsed event, or the envelope of one whose object we cannot read (with why, for the log). */
function readEvent(rawBody: Buffer): { event: Event; unreadable: null } | { event: EventEnvelope; unreadable: string } | null {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return null;
  }
  const parsed = EventSchema.safeParse(json);
  if (parsed.success) return { event: parsed.data, unreadable: null };
  const envelope = EventEnvelopeSchema.safeParse(json);
  return envelope.success ? { event: envelope.data, unreadable: parsed.error.message.slice(0, 500) } : null;
}

/** What the payment learns from an event it cannot read: that something happened to this object, to reconcile. */
function unreadableEvent(event: EventEnvelope): ProviderEvent {
  return { id: event.id, type: event.type, created: event.created, object: 'other', data: { id: event.data.object.id ?? null } };
}

function valid(id: string | undefined | null): string | null {
  return id && PaymentIdSchema.safeParse(id).success ? id : null;
}
