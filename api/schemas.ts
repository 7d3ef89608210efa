/**
 * The intake API's request shapes (v1). Strict: an unknown parameter is a 400, as a typo in `amount` must
 * never be silently ignored on a payment.
 */
import { z } from 'zod';
import { DISPUTE_EVIDENCE_FIELDS } from '../wooshpay/enums.js';
import { PAYMENT_STATUSES, REFUND_REASONS } from '../workflows/messages.js';

const MAX_EXPIRES_IN_SECONDS = 7 * 24 * 3600;
export const DEFAULT_EXPIRES_IN_SECONDS = 24 * 3600;

const absoluteUrl = z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }).max(2048);

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
    .refine(
      (m) => Object.entries(m).reduce((n, [k, v]) => n + k.length + v.length, 0) <= maxTotalCharacters,
      `metadata holds at most ${maxTotalCharacters} characters of keys and values in all`,
    );
}
export const MetadataSchema = metadataSchema(4_000);
export const REFUND_METADATA_MAX_CHARACTERS = 1_000;
const RefundMetadataSchema = metadataSchema(REFUND_METADATA_MAX_CHARACTERS);

export const LineItemSchema = z.strictObject({
  name: z.string().min(1).max(250),
  unit_amount: amount,
  quantity: z.number().int().positive().max(10_000),
  description: z.string().max(500).optional(),
});

export const CreatePaymentBodySchema = z
  .strictObject({
    amount,
    currency: z
      .string()
      .transform((c) => c.toUpperCase())
      .pipe(z.literal('IDR', { error: 'only IDR is supported for bank_transfer_id' })),
    integration: z.enum(['direct', 'checkout']).default('direct'),
    return_url: absoluteUrl.optional(),
    success_url: absoluteUrl.optional(),
    cancel_url: absoluteUrl.optional(),
    line_items: z.array(LineItemSchema).min(1).max(100).optional(),
    description: z.string().max(1000).optional(),
    merchant_order_id: z.string().min(1).max(128).optional(),
    metadata: MetadataSchema.default({}),
    expires_in: z.number().int().min(60).max(MAX_EXPIRES_IN_SECONDS).optional(),
    notify_url: absoluteUrl.optional().describe('https, no credentials, a host whose every address is public (checked at intake and at each delivery); refused: 400 with param notify_url. Plain http and private hosts only where NOTIFY_ALLOW_PRIVATE_NETWORKS is on (development).'),
  })
  .superRefine((body, ctx) => {
    const need = (field: keyof typeof body, why: string) => {
      if (body[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `is required ${why}` });
    };
    const forbid = (field: keyof typeof body, why: string) => {
      if (body[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: `is not accepted ${why}` });
    };
    if (body.integration === 'direct') {
      need('return_url', 'for the direct integration');
      for (const f of ['success_url', 'cancel_url', 'line_items'] as const) forbid(f, 'for the direct integration');
    } else {
      need('success_url', 'for the checkout integration');
      need('cancel_url', 'for the checkout integration');
      need('line_items', 'for the checkout integration');
      forbid('return_url', 'for the checkout integration');
      // WooshPay fixes a Checkout Session's lifetime (24 h); ours follows it.
      forbid('expires_in', 'for the checkout integration (sessions live 24 h)');
      const total = (body.line_items ?? []).reduce((sum, li) => sum + li.unit_amount * li.quantity, 0);
      if (body.line_items && total !== body.amount) {
        ctx.addIssue({
          code: 'custom',
          path: ['line_items'],
          message: `add up to ${total}, which is not the amount ${body.amount}`,
        });
      }
    }
  });
export type CreatePaymentBody = z.infer<typeof CreatePaymentBodySchema>;

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
  starting_after: z.string().min(1).max(2048).optional(),
});

export const PaymentIdSchema = z.string().regex(/^pay_[a-z0-9]{16,40}$/);
