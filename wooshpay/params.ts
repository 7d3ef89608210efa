import { z } from 'zod';
import { DISPUTE_EVIDENCE_FIELDS, type DisputeEvidenceField, PAYMENT_METHOD_TYPES, REFUND_REASONS } from './enums.js';
import { ERROR_CODES, LIST_LIMIT_MAX } from './assumptions.js';
import {
  CreatedFilterSchema,
  CurrencySchema,
  MetadataParamSchema,
  PositiveAmountSchema,
  QueryIntegerSchema,
} from './primitives.js';

// Request parameters, parsed by the client before sending (so a bad call fails before the wire)
// and by the simulator on arrival (so both agree on what a valid request is). Objects stay loose:
// WooshPay documents more writable fields than we send, and the simulator should not reject them.

// The documented enums live in enums.ts (no imports), so deterministic workflow code can use them too.
export { DISPUTE_EVIDENCE_FIELDS, PAYMENT_METHOD_TYPES, REFUND_REASONS } from './enums.js';
export type { DisputeEvidenceField, PaymentMethodType, RefundReason } from './enums.js';

const PaymentMethodDataSchema = z.looseObject({
  type: z.enum(PAYMENT_METHOD_TYPES),
  billing_details: z.record(z.string(), z.unknown()).optional(),
});

export const CreatePaymentIntentParamsSchema = z.looseObject({
  amount: z.number().int().positive(),
  currency: CurrencySchema,
  confirm: z.boolean().optional(),
  payment_method_data: PaymentMethodDataSchema.optional(),
  payment_method_types: z.array(z.enum(PAYMENT_METHOD_TYPES)).min(1).optional(),
  payment_method_options: z.record(z.string(), z.unknown()).optional(),
  return_url: z.string().min(1).optional(),
  description: z.string().optional(),
  metadata: MetadataParamSchema.optional(),
  merchant_order_id: z.string().min(1).optional(),
  customer: z.string().optional(),
  capture_method: z.enum(['automatic', 'manual']).optional(),
  setup_future_usage: z.enum(['on_session', 'off_session']).optional(),
  quantity: z.number().int().positive().optional(),
  shipping: z.looseObject({ name: z.string() }).optional(),
});

/** §3.3: `off_session` and `error_on_requires_action` are documented as the string "true". */
export const ConfirmPaymentIntentParamsSchema = z.looseObject({
  payment_method_data: PaymentMethodDataSchema.optional(),
  return_url: z.string().min(1).optional(),
  off_session: z.union([z.boolean(), z.enum(['true', 'false'])]).optional(),
  error_on_requires_action: z.union([z.boolean(), z.enum(['true', 'false'])]).optional(),
});

/** §3.3 and §14.16: a reason is required, free text. */
export const CancelPaymentIntentParamsSchema = z.looseObject({
  cancellation_reason: z.string().trim().min(1, 'cancellation_reason is required'),
});

const PriceDataParamsSchema = z.looseObject({
  currency: CurrencySchema,
  unit_amount: z.number().int().nonnegative(),
  product_data: z.looseObject({
    name: z.string().min(1),
    description: z.string().optional(),
    metadata: MetadataParamSchema.optional(),
  }),
  nickname: z.string().optional(),
  lookup_key: z.string().optional(),
  metadata: MetadataParamSchema.optional(),
});

const LineItemParamsSchema = z
  .looseObject({
    quantity: z.number().int().positive(),
    price: z.string().min(1).optional(),
    price_data: PriceDataParamsSchema.optional(),
  })
  .refine((item) => (item.price === undefined) !== (item.price_data === undefined), {
    message: 'Give exactly one of price and price_data',
    path: ['price_data'],
  });

export const CreateCheckoutSessionParamsSchema = z.looseObject({
  mode: z.enum(['payment', 'setup', 'subscription']),
  success_url: z.string().min(1),
  cancel_url: z.string().min(1).optional(),
  line_items: z.array(LineItemParamsSchema).min(1).optional(),
  payment_method_types: z.array(z.enum(PAYMENT_METHOD_TYPES)).min(1).optional(),
  payment_method_options: z.record(z.string(), z.unknown()).optional(),
  customer: z.string().optional(),
  customer_email: z.string().optional(),
  client_reference_id: z.string().optional(),
  billing_address_collection: z.enum(['auto', 'required']).optional(),
  metadata: MetadataParamSchema.optional(),
});

export const CreateRefundParamsSchema = z.looseObject({
  payment_intent: z.string().min(1),
  amount: PositiveAmountSchema.optional(),
  reason: z.enum(REFUND_REASONS).optional(),
  description: z.string().optional(),
  metadata: MetadataParamSchema.optional(),
});

// Evidence keys are checked strictly: a misspelt key silently dropped would lose a dispute.
const DisputeEvidenceParamsSchema = z.strictObject(
  Object.fromEntries(DISPUTE_EVIDENCE_FIELDS.map((field) => [field, z.string().optional()])) as Record<
    DisputeEvidenceField,
    z.ZodOptional<z.ZodString>
  >,
);

export const UpdateDisputeParamsSchema = z.looseObject({
  evidence: DisputeEvidenceParamsSchema.optional(),
  metadata: MetadataParamSchema.optional(),
  submit: z.boolean().optional(),
});

// §8: local development endpoints may be plain HTTP on loopback, which z.httpUrl() (it wants a TLD) refuses.
const WebhookUrlSchema = z.url({ protocol: /^https?$/, error: 'Expected an http(s) URL' });

export const CreateWebhookEndpointParamsSchema = z.looseObject({
  url: WebhookUrlSchema,
  enabled_events: z.array(z.string().min(1)).min(1),
  description: z.string().optional(),
  api_version: z.string().optional(),
  metadata: MetadataParamSchema.optional(),
});

export const UpdateWebhookEndpointParamsSchema = z.looseObject({
  url: WebhookUrlSchema.optional(),
  enabled_events: z.array(z.string().min(1)).min(1).optional(),
  description: z.string().optional(),
  metadata: MetadataParamSchema.optional(),
  /** Stripe's switch; the object reports it as `status`. */
  disabled: z.boolean().optional(),
});

/** §2.5: cursor pagination shared by every list. */
export const ListParamsSchema = z.looseObject({
  limit: QueryIntegerSchema.pipe(z.number().min(1).max(LIST_LIMIT_MAX)).optional(),
  starting_after: z.string().min(1).optional(),
  ending_before: z.string().min(1).optional(),
  created: CreatedFilterSchema.optional(),
});

export const ListPaymentIntentsParamsSchema = ListParamsSchema.extend({
  customer: z.string().min(1).optional(),
});

export const ListCheckoutSessionsParamsSchema = ListParamsSchema.extend({
  payment_intent: z.string().min(1).optional(),
  customer: z.string().min(1).optional(),
  customer_details: z.looseObject({ email: z.string().min(1).optional() }).optional(),
});

export const ListChargesParamsSchema = ListParamsSchema.extend({
  customer: z.string().min(1).optional(),
  payment_intent: z.string().min(1).optional(),
});

export const ListDisputesParamsSchema = ListParamsSchema.extend({
  charge: z.string().min(1).optional(),
  payment_intent: z.string().min(1).optional(),
});

/** §2.5: e.g. `merchant_order_id:'order1234'`. */
export const SearchPaymentIntentsParamsSchema = z.looseObject({
  query: z.string().trim().min(1, 'query is required'),
  limit: QueryIntegerSchema.pipe(z.number().min(1).max(LIST_LIMIT_MAX)).optional(),
});

// What callers write (before defaults and case folding), which is what the client accepts.
export type CreatePaymentIntentParams = z.input<typeof CreatePaymentIntentParamsSchema>;
export type ConfirmPaymentIntentParams = z.input<typeof ConfirmPaymentIntentParamsSchema>;
export type CancelPaymentIntentParams = z.input<typeof CancelPaymentIntentParamsSchema>;
export type CreateCheckoutSessionParams = z.input<typeof CreateCheckoutSessionParamsSchema>;
export type CreateRefundParams = z.input<typeof CreateRefundParamsSchema>;
export type UpdateDisputeParams = z.input<typeof UpdateDisputeParamsSchema>;
export type CreateWebhookEndpointParams = z.input<typeof CreateWebhookEndpointParamsSchema>;
export type UpdateWebhookEndpointParams = z.input<typeof UpdateWebhookEndpointParamsSchema>;
export type ListParams = z.input<typeof ListParamsSchema>;
export type ListPaymentIntentsParams = z.input<typeof ListPaymentIntentsParamsSchema>;
export type ListCheckoutSessionsParams = z.input<typeof ListCheckoutSessionsParamsSchema>;
export type ListChargesParams = z.input<typeof ListChargesParamsSchema>;
export type ListDisputesParams = z.input<typeof ListDisputesParamsSchema>;
export type SearchPaymentIntentsParams = z.input<typeof SearchPaymentIntentsParamsSchema>;

export interface InvalidParamsDetail {
  code: typeof ERROR_CODES.parameterMissing | typeof ERROR_CODES.parameterInvalid;
  /** Stripe's naming of a nested parameter: `line_items[0][price_data]`. */
  param: string | undefined;
  message: string;
}

/** The first problem in a failed parse, as the 400 error describes it (shared by client and simulator). */
export function describeInvalidParams(error: z.ZodError, input: unknown): InvalidParamsDetail {
  const [issue] = error.issues;
  if (!issue) return { code: ERROR_CODES.parameterInvalid, param: undefined, message: 'Invalid parameters' };
  const param = issue.path.length > 0 ? bracketPath(issue.path) : undefined;
  const missing = issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined;
  return {
    code: missing ? ERROR_CODES.parameterMissing : ERROR_CODES.parameterInvalid,
    param,
    message: missing ? `Missing required param: ${param ?? '(body)'}.` : `Invalid ${param ?? 'body'}: ${issue.message}`,
  };
}

export function bracketPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (i === 0 ? String(key) : `[${String(key)}]`)).join('');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
