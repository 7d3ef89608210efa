import { z } from 'zod';
import {
  CHECKOUT_PAYMENT_STATUSES,
  CHECKOUT_SESSION_STATUSES,
  DISPUTE_STATUSES,
  ERROR_TYPES,
  REFUND_STATUSES,
} from './assumptions.js';
import { DISPUTE_EVIDENCE_FIELDS, type DisputeEvidenceField } from './params.js';
import { AmountSchema, CurrencySchema, MetadataSchema, TimestampSchema, jsonEncoded } from './primitives.js';

// One schema per WooshPay shape, shared by the client (responses), the simulator (what it sends)
// and the webhook route (event bodies). Every object is loose: fields we do not model survive a
// parse, so nothing WooshPay adds is lost on the way to a log or the workflow's history.

export * from './params.js';

/** §3.5: documented PaymentIntent statuses. */
export const PAYMENT_INTENT_STATUSES = [
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
  'processing',
  'requires_capture',
  'canceled',
  'succeeded',
] as const;
export type PaymentIntentStatus = (typeof PAYMENT_INTENT_STATUSES)[number];

/** §3.6: `type` names a sibling key that holds `{ url }`. */
export const NextActionSchema = z.looseObject({ type: z.string() });

export const LastPaymentErrorSchema = z.looseObject({
  type: z.string().nullish(),
  code: z.string().nullish(),
  message: z.string().nullish(),
  decline_code: z.string().nullish(),
});

export const PaymentIntentSchema = z.looseObject({
  id: z.string(),
  object: z.literal('payment_intent'),
  amount: AmountSchema,
  currency: CurrencySchema,
  status: z.enum(PAYMENT_INTENT_STATUSES),
  created: TimestampSchema,
  livemode: z.boolean().optional(),
  client_secret: z.string().nullish(),
  next_action: jsonEncoded(NextActionSchema.nullable()).optional(),
  payment_method_types: jsonEncoded(z.array(z.string())).optional(),
  payment_method_options: jsonEncoded(z.record(z.string(), z.unknown()).nullable()).optional(),
  payment_method: z.string().nullish(),
  confirmation_method: z.string().nullish(),
  capture_method: z.string().nullish(),
  return_url: z.string().nullish(),
  description: z.string().nullish(),
  merchant_order_id: z.string().nullish(),
  customer: z.string().nullish(),
  metadata: MetadataSchema,
  last_payment_error: LastPaymentErrorSchema.nullish(),
  cancellation_reason: z.string().nullish(),
  canceled_at: TimestampSchema.nullish(),
  amount_received: AmountSchema.optional(),
  amount_capturable: AmountSchema.optional(),
  latest_charge: z.string().nullish(),
});

export const PriceSchema = z.looseObject({
  id: z.string().nullish(),
  object: z.literal('price').optional(),
  currency: CurrencySchema,
  unit_amount: AmountSchema.nullish(),
  nickname: z.string().nullish(),
  lookup_key: z.string().nullish(),
  product: z.union([z.string(), z.looseObject({ name: z.string().nullish() })]).nullish(),
});

export const LineItemSchema = z.looseObject({
  id: z.string(),
  object: z.literal('item'),
  amount_subtotal: AmountSchema,
  amount_total: AmountSchema,
  currency: CurrencySchema,
  description: z.string().nullish(),
  quantity: z.number().int().nullish(),
  price: PriceSchema.nullish(),
});

/** §2.5: `{ object: "list", url, has_more, data }` around any item schema. */
export function listEnvelope<T extends z.ZodType>(item: T) {
  return z.looseObject({
    object: z.literal('list'),
    url: z.string().optional(),
    has_more: z.boolean(),
    data: z.array(item),
  });
}
export type ListEnvelope<T> = { object: 'list'; url?: string | undefined; has_more: boolean; data: T[] };

export const CheckoutSessionSchema = z.looseObject({
  id: z.string(),
  object: z.literal('checkout.session'),
  created: TimestampSchema,
  expires_at: TimestampSchema,
  status: z.enum(CHECKOUT_SESSION_STATUSES),
  payment_status: z.enum(CHECKOUT_PAYMENT_STATUSES),
  mode: z.string(),
  livemode: z.boolean().optional(),
  currency: CurrencySchema.nullish(),
  url: z.string().nullish(),
  success_url: z.string().nullish(),
  cancel_url: z.string().nullish(),
  payment_intent: z.string().nullish(),
  payment_method_types: jsonEncoded(z.array(z.string())).optional(),
  amount_subtotal: AmountSchema.nullish(),
  amount_total: AmountSchema.nullish(),
  customer: z.string().nullish(),
  customer_email: z.string().nullish(),
  client_reference_id: z.string().nullish(),
  metadata: MetadataSchema,
  line_items: listEnvelope(LineItemSchema).nullish(),
});

export const ChargeSchema = z.looseObject({
  id: z.string(),
  object: z.literal('charge'),
  amount: AmountSchema,
  amount_refunded: AmountSchema.optional(),
  currency: CurrencySchema,
  created: TimestampSchema,
  status: z.string(),
  paid: z.boolean().optional(),
  refunded: z.boolean().optional(),
  disputed: z.boolean().optional(),
  payment_intent: z.string().nullish(),
  livemode: z.boolean().optional(),
  metadata: MetadataSchema,
});

export const RefundSchema = z.looseObject({
  id: z.string(),
  object: z.literal('refund'),
  amount: AmountSchema,
  currency: CurrencySchema,
  created: TimestampSchema,
  status: z.enum(REFUND_STATUSES),
  payment_intent: z.string().nullish(),
  charge: z.string().nullish(),
  reason: z.string().nullish(),
  failure_reason: z.string().nullish(),
  description: z.string().nullish(),
  metadata: MetadataSchema,
});

export const DisputeEvidenceSchema = z.looseObject(
  Object.fromEntries(DISPUTE_EVIDENCE_FIELDS.map((field) => [field, z.string().nullish()])) as Record<
    DisputeEvidenceField,
    z.ZodOptional<z.ZodNullable<z.ZodString>>
  >,
);

export const DisputeSchema = z.looseObject({
  id: z.string(),
  object: z.literal('dispute'),
  amount: AmountSchema,
  currency: CurrencySchema,
  created: TimestampSchema,
  status: z.enum(DISPUTE_STATUSES),
  reason: z.string().nullish(),
  charge: z.string().nullish(),
  payment_intent: z.string().nullish(),
  evidence: DisputeEvidenceSchema.nullish(),
  evidence_details: z
    .looseObject({
      due_by: TimestampSchema.nullish(),
      has_evidence: z.boolean().optional(),
      past_due: z.boolean().optional(),
      submission_count: z.number().int().optional(),
    })
    .nullish(),
  is_charge_refundable: z.boolean().optional(),
  livemode: z.boolean().optional(),
  metadata: MetadataSchema,
  balance_transactions: z.array(z.unknown()).optional(),
});

export const WebhookEndpointSchema = z.looseObject({
  id: z.string(),
  object: z.literal('webhook_endpoint'),
  url: z.string(),
  enabled_events: z.array(z.string()),
  status: z.enum(['enabled', 'disabled']),
  created: TimestampSchema,
  livemode: z.boolean().optional(),
  api_version: z.string().nullish(),
  description: z.string().nullish(),
  metadata: MetadataSchema,
  /** §8: present only in the response to create. */
  secret: z.string().optional(),
});

/** §14.9: what DELETE answers. */
export const DeletedWebhookEndpointSchema = z.looseObject({
  id: z.string(),
  object: z.literal('webhook_endpoint'),
  deleted: z.literal(true),
});

/** §14.10: the assumed envelope; only `type` and `code` are confirmed. */
export const ErrorEnvelopeSchema = z.looseObject({
  error: z.looseObject({
    type: z.union([z.enum(ERROR_TYPES), z.string()]),
    code: z.string().nullish(),
    message: z.string().nullish(),
    param: z.string().nullish(),
    decline_code: z.string().nullish(),
    doc_url: z.string().nullish(),
  }),
});

export type NextAction = z.infer<typeof NextActionSchema>;
export type PaymentIntent = z.infer<typeof PaymentIntentSchema>;
export type Price = z.infer<typeof PriceSchema>;
export type LineItem = z.infer<typeof LineItemSchema>;
export type CheckoutSession = z.infer<typeof CheckoutSessionSchema>;
export type Charge = z.infer<typeof ChargeSchema>;
export type Refund = z.infer<typeof RefundSchema>;
export type RefundStatus = Refund['status'];
export type DisputeEvidence = z.infer<typeof DisputeEvidenceSchema>;
export type Dispute = z.infer<typeof DisputeSchema>;
export type DisputeStatus = Dispute['status'];
export type WebhookEndpoint = z.infer<typeof WebhookEndpointSchema>;
export type DeletedWebhookEndpoint = z.infer<typeof DeletedWebhookEndpointSchema>;
export type ErrorEnvelope = z.infer<typeof ErrorEnvelopeSchema>;
