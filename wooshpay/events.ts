import { z } from 'zod';
import {
  CHECKOUT_PAYMENT_STATUSES,
  CHECKOUT_SESSION_STATUSES,
  DISPUTE_STATUSES,
  PARTIAL_FUNDING,
  REFUND_STATUSES,
} from './assumptions.js';
import { TimestampSchema } from './primitives.js';
import {
  ChargeSchema,
  CheckoutSessionSchema,
  DisputeSchema,
  PAYMENT_INTENT_STATUSES,
  PaymentIntentSchema,
  RefundSchema,
} from './schemas.js';

// Events (§9, §14.17): one schema per documented type with its `data.object`, plus a generic event for
// every other type so a new WooshPay event never breaks the webhook route.

/**
 * The status fields of each object and their documented values. In events a status is any string: a
 * status WooshPay adds later is kept (and logged by the webhook route), not refused, because a refused
 * delivery is retried for 72 h and then lost. Answers to our own calls stay strict.
 */
const DOCUMENTED_STATUSES = {
  payment_intent: { status: PAYMENT_INTENT_STATUSES },
  'checkout.session': { status: CHECKOUT_SESSION_STATUSES, payment_status: CHECKOUT_PAYMENT_STATUSES },
  refund: { status: REFUND_STATUSES },
  dispute: { status: DISPUTE_STATUSES },
} as const satisfies Record<string, Record<string, readonly string[]>>;

function withOpenStatuses<S extends z.ZodObject>(schema: S, kind: keyof typeof DOCUMENTED_STATUSES) {
  const open = Object.fromEntries(Object.keys(DOCUMENTED_STATUSES[kind]).map((field) => [field, z.string()]));
  return schema.extend(open as { [K in keyof (typeof DOCUMENTED_STATUSES)[typeof kind]]: z.ZodString });
}

const IntentInEvent = withOpenStatuses(PaymentIntentSchema, 'payment_intent');
const SessionInEvent = withOpenStatuses(CheckoutSessionSchema, 'checkout.session');
const RefundInEvent = withOpenStatuses(RefundSchema, 'refund');
const DisputeInEvent = withOpenStatuses(DisputeSchema, 'dispute');

/** Status fields of an event's object that hold a value WooshPay does not document (to log, not to refuse). */
export function undocumentedStatuses(object: unknown): { field: string; value: unknown }[] {
  const { object: kind } = (object ?? {}) as { object?: unknown };
  if (typeof kind !== 'string' || !Object.hasOwn(DOCUMENTED_STATUSES, kind)) return [];
  const fields: Record<string, readonly string[]> = DOCUMENTED_STATUSES[kind as keyof typeof DOCUMENTED_STATUSES];
  const record = object as Record<string, unknown>;
  return Object.entries(fields)
    .filter(([field, values]) => typeof record[field] === 'string' && !values.includes(record[field]))
    .map(([field]) => ({ field, value: record[field] }));
}

const EventRequestSchema = z.looseObject({
  id: z.string().nullish(),
  idempotency_key: z.string().nullish(),
});

function eventEnvelope<Type extends z.ZodType<string>, Obj extends z.ZodType>(type: Type, object: Obj) {
  return z.looseObject({
    id: z.string(),
    object: z.literal('event'),
    type,
    created: TimestampSchema,
    livemode: z.boolean().optional(),
    api_version: z.string().nullish(),
    request: EventRequestSchema.nullish(),
    data: z.looseObject({
      object,
      previous_attributes: z.record(z.string(), z.unknown()).nullish(),
    }),
  });
}

function eventOf<Type extends string, Obj extends z.ZodType>(type: Type, object: Obj) {
  return eventEnvelope(z.literal(type), object);
}

export const KnownEventSchema = z.discriminatedUnion('type', [
  eventOf('payment_intent.created', IntentInEvent),
  eventOf('payment_intent.requires_action', IntentInEvent),
  eventOf('payment_intent.processing', IntentInEvent),
  /** §14.23 and §14.24: money landed, short of the amount or after the intent was cancelled. */
  eventOf(PARTIAL_FUNDING.eventType, IntentInEvent),
  eventOf('payment_intent.succeeded', IntentInEvent),
  eventOf('payment_intent.payment_failed', IntentInEvent),
  eventOf('payment_intent.canceled', IntentInEvent),
  eventOf('payment_intent.amount_capturable_updated', IntentInEvent),
  eventOf('checkout.session.expired', SessionInEvent),
  /** §14.13: undocumented; the simulator sends it only when asked to. */
  eventOf('checkout.session.completed', SessionInEvent),
  eventOf('charge.captured', ChargeSchema),
  eventOf('charge.refund.updated', RefundInEvent),
  eventOf('charge.dispute.created', DisputeInEvent),
  eventOf('charge.dispute.updated', DisputeInEvent),
  eventOf('charge.dispute.funds_withdrawn', DisputeInEvent),
  eventOf('charge.dispute.funds_reinstated', DisputeInEvent),
  eventOf('charge.dispute.closed', DisputeInEvent),
]);
export type KnownEvent = z.infer<typeof KnownEventSchema>;
export type EventType = KnownEvent['type'];
export const EVENT_TYPES: readonly EventType[] = KnownEventSchema.options.map((option) => option.shape.type.value);

const knownEventTypes = new Set<string>(EVENT_TYPES);

const SomeObjectSchema = z.looseObject({ id: z.string().optional(), object: z.string().optional() });

/**
 * Any other event type. Its `type` is a plain string, so TypeScript cannot narrow `Event` by
 * comparing `type` alone; narrow with `isKnownEvent` (then `switch (event.type)`) or `isEventType`.
 */
export const UnknownEventSchema = eventEnvelope(
  z.string().refine((type) => !knownEventTypes.has(type), 'Known event type with a malformed data.object'),
  SomeObjectSchema,
);
export type UnknownEvent = z.infer<typeof UnknownEventSchema>;

export const EventSchema = z.union([KnownEventSchema, UnknownEventSchema]);
export type Event = z.infer<typeof EventSchema>;

/**
 * Only the envelope of §14.17, whatever the type and object: a body that passes this but not
 * `EventSchema` is WooshPay's event with an object we cannot read, not something else.
 */
export const EventEnvelopeSchema = eventEnvelope(z.string(), SomeObjectSchema);
export type EventEnvelope = z.infer<typeof EventEnvelopeSchema>;

export function isKnownEvent(event: Event): event is KnownEvent {
  return knownEventTypes.has(event.type);
}

/** Narrows a parsed event to one documented type, with its `data.object` typed. */
export function isEventType<T extends EventType>(event: Event, type: T): event is Extract<KnownEvent, { type: T }> {
  return event.type === type;
}
