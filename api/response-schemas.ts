/**
 * The intake API's response shapes as zod schemas, for the OpenAPI document (api/openapi.ts) and for tests
 * that check examples and real answers. The workflow's record is a TypeScript interface
 * (workflows/messages.ts); the compile-time checks at the bottom make `npm run typecheck` fail as soon as a
 * schema and the type it describes differ in any field, optionality or type, so the two cannot drift.
 */
import { z } from 'zod';
import { ErrorEnvelopeSchema } from './errors.js';
import type { PaymentListPage, PaymentSummary } from './payment-list.js';
import {
  DISPUTE_STATUSES,
  LATE_FUNDS_POLICIES,
  PAYMENT_STATUSES,
  REVIEW_REASONS,
  REFUND_REASONS,
  type DisputeRecord,
  type PaymentRecord,
  type RefundRecord,
} from '../workflows/messages.js';

const epochMs = z.number().int().nonnegative().meta({ description: 'Milliseconds since the Unix epoch.' });
const amount = z.number().int().nonnegative().meta({ description: 'WooshPay units (IDR with exponent 2).' });
const metadata = z.record(z.string(), z.string());

export const RefundSchema = z
  .strictObject({
    id: z.string().meta({ description: 'Our refund id (`re_…`), stable per Idempotency-Key.' }),
    object: z.literal('refund'),
    payment: z.string().meta({ description: 'The payment refunded (`pay_…`).' }),
    amount,
    currency: z.literal('IDR'),
    status: z.enum(['pending', 'succeeded', 'failed']),
    reason: z.enum(REFUND_REASONS).nullable(),
    provider_refund: z.string().nullable().meta({ description: "WooshPay's `re_…` id once WooshPay accepted it." }),
    failure_reason: z.string().nullable(),
    metadata,
    created: epochMs,
  })
  .meta({ description: 'A refund of part or all of a paid payment.' });

export const DisputeSchema = z
  .strictObject({
    id: z.string().meta({ description: "WooshPay's dispute id." }),
    amount,
    currency: z.string(),
    reason: z.string().nullable(),
    status: z.enum(DISPUTE_STATUSES),
    evidence_due_by: epochMs.nullable(),
    evidence_submitted: z.boolean(),
    past_due: z.boolean(),
    funds_withdrawn: z.boolean(),
    funds_reinstated: z.boolean(),
    created: epochMs,
  })
  .meta({ description: 'A chargeback opened by the payer’s bank; `lost` ends the payment in `charged_back`.' });

export const ReviewSchema = z
  .strictObject({
    reason: z.enum(REVIEW_REASONS),
    amount,
    currency: z.literal('IDR'),
    policy: z.enum(LATE_FUNDS_POLICIES).meta({ description: '`review`: held for a person; `refund`: returned.' }),
    amount_returned: amount,
    created: epochMs,
  })
  .meta({ description: 'Late, underpaid, overpaid or over-committed money, flagged for a person (LATE_FUNDS_POLICY).' });

export const PaymentSchema = z
  .strictObject({
    id: z.string().meta({ description: 'Our payment id (`pay_…`), also the Temporal workflow id.' }),
    object: z.literal('payment'),
    status: z.enum(PAYMENT_STATUSES),
    amount,
    currency: z.literal('IDR'),
    settlement_currency: z.literal('USD'),
    integration: z.enum(['direct', 'checkout']),
    redirect_url: z.string().nullable().meta({ description: 'Where to send the shopper: bank-transfer instructions.' }),
    payment_intent: z.string().nullable(),
    checkout_session: z.string().nullable(),
    expires_at: epochMs.meta({ description: 'When the transfer window closes (ms since the epoch).' }),
    amount_received: amount.meta({ description: 'What WooshPay reports as received, late transfers included.' }),
    amount_due: amount.meta({ description: 'What the shopper still has to transfer while the window is open.' }),
    amount_refunded: amount,
    amount_refund_pending: amount,
    amount_disputed: amount,
    amount_lost: amount,
    refunds: z.array(RefundSchema),
    dispute: DisputeSchema.nullable(),
    review: ReviewSchema.nullable().meta({ description: 'Money that needs a person; null when all is in order.' }),
    description: z.string().nullable(),
    merchant_order_id: z.string().nullable(),
    metadata,
    provider_status: z.string().nullable().meta({ description: "WooshPay's own status of the intent, for operators." }),
    failure: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
    created: epochMs,
    paid_at: epochMs.nullable(),
    closed_at: epochMs.nullable(),
  })
  .meta({ description: 'A bank-transfer payment, as its workflow keeps it.' });

export const PaymentSummarySchema = z
  .strictObject({
    id: z.string(),
    object: z.literal('payment'),
    status: z.enum(PAYMENT_STATUSES).nullable(),
    amount: amount.nullable(),
    currency: z.literal('IDR'),
    integration: z.string().nullable(),
    merchant_order_id: z.string().nullable(),
    payment_intent: z.string().nullable(),
    amount_refunded: amount,
    dispute_status: z.string().nullable(),
    created: epochMs,
  })
  .meta({ description: 'A payment as the list shows it (from Temporal visibility); GET /v1/payments/{id} has all of it.' });

/** What `paymentsService.list` returns; the route adds `object` and `url`. */
export const PaymentListPageSchema = z.strictObject({
  data: z.array(PaymentSummarySchema),
  has_more: z.boolean(),
  next_cursor: z.string().nullable().meta({ description: 'Pass as `starting_after` for the next page.' }),
});

export const PaymentListSchema = PaymentListPageSchema.extend({
  object: z.literal('list'),
  url: z.literal('/v1/payments'),
}).meta({ description: 'A page of payments, newest first.' });

export const HealthSchema = z.strictObject({ status: z.literal('ok') });

export const ReadySchema = z.strictObject({ status: z.literal('ready'), temporal: z.literal('ok'), namespace: z.string() });

export const NotReadySchema = z.strictObject({ status: z.literal('unavailable'), reason: z.string() });

export const WebhookAckSchema = z.strictObject({
  received: z.literal(true),
  ignored: z.enum(['event_type', 'no_payment', 'payment_closed']).optional(),
});

/** The response bodies under their names in the OpenAPI document's `components.schemas`. */
export const RESPONSE_COMPONENTS = {
  Payment: PaymentSchema,
  Refund: RefundSchema,
  Dispute: DisputeSchema,
  PaymentSummary: PaymentSummarySchema,
  PaymentList: PaymentListSchema,
  Error: ErrorEnvelopeSchema,
  Health: HealthSchema,
  Ready: ReadySchema,
  NotReady: NotReadySchema,
  WebhookAck: WebhookAckSchema,
} satisfies Record<string, z.ZodType>;
export type ResponseComponent = keyof typeof RESPONSE_COMPONENTS;

// ---- Compile-time agreement with the types the code returns ------------------------------------------

/** `true` only when each type is assignable to the other (same fields, optionality and types). */
export type MutuallyAssignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;

export type PaymentSchemaMatchesRecord = Assert<MutuallyAssignable<z.infer<typeof PaymentSchema>, PaymentRecord>>;
export type RefundSchemaMatchesRecord = Assert<MutuallyAssignable<z.infer<typeof RefundSchema>, RefundRecord>>;
export type DisputeSchemaMatchesRecord = Assert<MutuallyAssignable<z.infer<typeof DisputeSchema>, DisputeRecord>>;
export type SummarySchemaMatches = Assert<MutuallyAssignable<z.infer<typeof PaymentSummarySchema>, PaymentSummary>>;
export type ListPageSchemaMatches = Assert<MutuallyAssignable<z.infer<typeof PaymentListPageSchema>, PaymentListPage>>;
