/**
 * The intake API's request shapes (v1). Strict: an unknown parameter is a 400, as a typo in `amount` must
 * never be silently ignored on a payment.
 */
import { z } from 'zod';
import { DISPUTE_EVIDENCE_FIELDS } from '../wooshpay/enums.js';
import { type LineItemInput, PAYMENT_STATUSES, REFUND_REASONS } from '../workflows/messages.js';

const MAX_EXPIRES_IN_SECONDS = 7 * 24 * 3600;
export const DEFAULT_EXPIRES_IN_SECONDS = 24 * 3600;

/** IDR in any letter case, read as `IDR`; the pattern spells the case-insensitivity out for the document. */
const idrCurrency = z
  .string()
  .regex(/^[Ii][Dd][Rr]$/, 'only IDR is supported for bank_transfer_id')
  .transform(() => 'IDR' as const);

/**
 * An absolute http(s) URL as RFC 3986 writes it (the document's `format: uri`), in ASCII (an internationalized
 * host or path is sent punycode- or percent-encoded, as WooshPay receives it unchanged), with a plain host: no
 * credentials (`user@`) and no IPv6 literal, on which URL parsers disagree.
 */
const absoluteUrl = z
  .url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' })
  .max(2048)
  .regex(/^[Hh][Tt][Tt][Pp][Ss]?:\/\/[A-Za-z0-9._~%!$&'()*+,;=:-]+([/?#][!-~]*)?$/, 'must be an absolute http(s) URL in ASCII with a plain host');

/** A positive integer in WooshPay units (§14.4 of the reference: IDR with exponent 2). */
const amount = z
  .number({ error: 'must be a positive integer in WooshPay units' })
  .int('must be a positive integer in WooshPay units')
  .positive('must be a positive integer in WooshPay units')
  .max(Number.MAX_SAFE_INTEGER, 'is too large');

/**
 * Metadata travels in the payment's record, its history, every continue-as-new and every notification, so its
 * size is bounded: per key and value, and in total (keys plus values, in characters). A refund's metadata is
 * smaller, since a payment may hold up to MAX_REFUNDS_PER_PAYMENT of them.
 */
function metadataSchema(maxTotalCharacters: number) {
  return z
    .record(
      z.string().min(1).max(40).regex(/^[A-Za-z0-9_.-]+$/, 'metadata keys use letters, digits, _ . -'),
      z.string().max(500, 'metadata values are at most 500 characters'),
    )
    .refine((m) => Object.keys(m).length <= 20, 'metadata holds at most 20 keys')
    .meta({
      maxProperties: 20,
      description: `At most 20 keys, and ${maxTotalCharacters} characters of keys and values in all.`,
    })
    .refine(
      (m) => Object.entries(m).reduce((n, [k, v]) => n + k.length + v.length, 0) <= maxTotalCharacters,
      `metadata holds at most ${maxTotalCharacters} characters of keys and values in all`,
    );
}
export const MetadataSchema = metadataSchema(4_000);
export const REFUND_METADATA_MAX_CHARACTERS = 1_000;
const RefundMetadataSchema = metadataSchema(REFUND_METADATA_MAX_CHARACTERS);



const quantity = z.number().int().positive().max(10_000);
const productName = z.string().min(1).max(250);
const productDescription = z.string().max(500);

/**
 * WooshPay's own Checkout Session line item (docs/wooshpay-api.md §4): a backend that already
 * speaks WooshPay's shape sends it unchanged.
 */
export const WooshPayLineItemSchema = z
  .strictObject({
    price_data: z.strictObject({
      currency: idrCurrency,
      unit_amount: amount,
      product_data: z.strictObject({ name: productName, description: productDescription.optional() }),
      nickname: z.string().min(1).max(250).optional(),
      lookup_key: z.string().min(1).max(200).optional(),
    }),
    quantity,
  })
  .meta({ description: "WooshPay's own line-item shape, sent to WooshPay as it is." });

/** The first shape this API took; kept for the callers that use it, documented as deprecated. */
export const FlatLineItemSchema = z
  .strictObject({ name: productName, unit_amount: amount, quantity, description: productDescription.optional() })
  .meta({ deprecated: true, description: 'Deprecated: the flat shape of v1.0. Send `price_data` instead; both make the same line item.' });

/** Either shape, normalized here at the edge to the one the workflow takes (LineItemInput). */
export const LineItemSchema = z
  .union([WooshPayLineItemSchema, FlatLineItemSchema], {
    error: 'must be { price_data: { currency, unit_amount, product_data: { name } }, quantity } (or the deprecated { name, unit_amount, quantity })',
  })
  .transform((item): LineItemInput => {
    if ('name' in item) return item;
    const { price_data: price } = item;
    return {
      name: price.product_data.name,
      unit_amount: price.unit_amount,
      quantity: item.quantity,
      ...(price.product_data.description !== undefined && { description: price.product_data.description }),
      ...(price.nickname !== undefined && { nickname: price.nickname }),
      ...(price.lookup_key !== undefined && { lookup_key: price.lookup_key }),
    };
  });

/** What both integrations take. */
const paymentFields = {
  amount,
  currency: idrCurrency,
  description: z.string().max(1000).optional(),
  merchant_order_id: z.string().min(1).max(128).optional(),
  metadata: MetadataSchema.default({}),
  notify_url: absoluteUrl
    .optional()
    .describe(
      'https, no credentials, a host whose every address is public (checked at intake and at each delivery); refused: 400 with param notify_url. Plain http and private hosts only where NOTIFY_ALLOW_PRIVATE_NETWORKS is on (development).',
    ),
};

export const DirectPaymentBodySchema = z
  .strictObject({
    integration: z.literal('direct').default('direct').meta({ description: '`direct` when absent.' }),
    ...paymentFields,
    return_url: absoluteUrl,
    expires_in: z.number().int().min(60).max(MAX_EXPIRES_IN_SECONDS).optional(),
  })
  .meta({ description: 'Direct integration: a PaymentIntent whose redirect URL shows the transfer instructions.' });

export const CheckoutPaymentBodySchema = z
  .strictObject({
    integration: z.literal('checkout'),
    ...paymentFields,
    success_url: absoluteUrl,
    cancel_url: absoluteUrl,
    // No expires_in: WooshPay fixes a Checkout Session's lifetime (24 h); ours follows it.
    line_items: z.array(LineItemSchema).min(1).max(100).meta({ description: 'Each `unit_amount × quantity`, added up, must equal `amount`.' }),
  })
  .superRefine((body, ctx) => {
    const total = body.line_items.reduce((sum, li) => sum + li.unit_amount * li.quantity, 0);
    if (total !== body.amount) {
      ctx.addIssue({ code: 'custom', path: ['line_items'], message: `add up to ${total}, which is not the amount ${body.amount}` });
    }
  })
  .meta({ description: 'Checkout integration: a hosted WooshPay Checkout Session; lives 24 h.' });

/** Told apart by `integration`, which defaults to `direct` when absent. */
export const CreatePaymentBodySchema = z
  .discriminatedUnion('integration', [DirectPaymentBodySchema, CheckoutPaymentBodySchema], {
    error: (issue) => (issue.code === 'invalid_union' ? 'must be `direct` (the default when absent) or `checkout`' : undefined),
  })
  .meta({ description: '`integration` selects the variant; without it, the body is a `direct` one.' });
type DirectPaymentBody = z.output<typeof DirectPaymentBodySchema>;
type CheckoutPaymentBody = z.output<typeof CheckoutPaymentBodySchema>;
type Absent<T, Other> = T & { [K in Exclude<keyof Other, keyof T>]?: undefined };
/** Either body, readable field by field: a field of the other integration reads as undefined. */
export type CreatePaymentBody = Absent<DirectPaymentBody, CheckoutPaymentBody> | Absent<CheckoutPaymentBody, DirectPaymentBody>;

export const IdempotencyKeySchema = z
  .string({ error: 'the Idempotency-Key header is required' })
  .min(1, 'the Idempotency-Key header is required')
  .max(255, 'the Idempotency-Key header is at most 255 characters')
  .regex(/^[\x21-\x7e]+$/, 'the Idempotency-Key header is printable ASCII without spaces');

export const CancelPaymentBodySchema = z.strictObject({
  reason: z.string().min(1).max(200).optional(),
});

export const CreateRefundBodySchema = z.strictObject({
  amount: amount.optional(),
  reason: z.enum(REFUND_REASONS).optional(),
  metadata: RefundMetadataSchema.optional(),
});
export type CreateRefundBody = z.infer<typeof CreateRefundBodySchema>;

export const DisputeEvidenceBodySchema = z.strictObject({
  // Only WooshPay's documented fields: a misspelt key silently dropped could lose the dispute.
  evidence: z.partialRecord(z.enum(DISPUTE_EVIDENCE_FIELDS), z.string().max(20_000)).default({}),
  submit: z.boolean().default(false),
});

export const ListPaymentsQuerySchema = z.strictObject({
  status: z.enum(PAYMENT_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(10),
  starting_after: z
    .string()
    .min(1)
    .max(2048)
    .optional()
    .meta({ description: 'Opaque: the `next_cursor` of an earlier page, passed on unchanged. Any other value answers 400 at once.' }),
});

export const PaymentIdSchema = z.string().regex(/^pay_[a-z0-9]{16,40}$/);
