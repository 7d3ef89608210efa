/**
 * The OpenAPI document's examples, each declared with the zod schema it must satisfy (the schema the route
 * validates with, or the response schema that typechecks against the workflow's record);
 * test/ops/openapi.test.ts parses every one with its schema.
 */
import type { z } from 'zod';
import { EventSchema } from '../../wooshpay/index.js';
import { ErrorEnvelopeSchema } from '../errors.js';
import { encodeCursor } from '../list-cursor.js';
import {
  DisputeSchema,
  HealthSchema,
  NotReadySchema,
  PaymentListSchema,
  PaymentSchema,
  type PaymentSummarySchema,
  ReadySchema,
  RefundSchema,
  WebhookAckSchema,
} from '../response-schemas.js';
import { CancelPaymentBodySchema, CreatePaymentBodySchema, CreateRefundBodySchema, DisputeEvidenceBodySchema } from '../schemas.js';

export interface Example {
  /** Key under the media type's `examples`. */
  name: string;
  summary: string;
  schema: z.ZodType;
  value: unknown;
}

function example<S extends z.ZodType>(schema: S, name: string, summary: string, value: z.input<S>): Example & { value: z.input<S> } {
  return { name, summary, schema, value };
}

const PAYMENT_ID = 'pay_k3vq7x2mhd4nq6rj5wz2a7bc';
const CREATED = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const DAY = 86_400_000;

const requiresAction = {
  id: PAYMENT_ID,
  object: 'payment',
  status: 'requires_action',
  amount: 15_000_000,
  currency: 'IDR',
  settlement_currency: 'USD',
  integration: 'direct',
  redirect_url: 'https://apitest.wooshpay.com/v1/payment_pages/pi_1869305921150816256',
  payment_intent: 'pi_1869305921150816256',
  checkout_session: null,
  expires_at: CREATED + DAY,
  amount_received: 0,
  amount_due: 15_000_000,
  amount_refunded: 0,
  amount_refund_pending: 0,
  amount_disputed: 0,
  amount_lost: 0,
  refunds: [],
  dispute: null,
  review: null,
  description: 'Order 10023',
  merchant_order_id: 'order-10023',
  metadata: { channel: 'web' },
  provider_status: 'requires_action',
  failure: null,
  created: CREATED,
  paid_at: null,
  closed_at: null,
} satisfies z.input<typeof PaymentSchema>;

const refund = {
  id: 're_p7m2c4x9kq3vd6wz2hn5rt8a',
  object: 'refund',
  payment: PAYMENT_ID,
  amount: 5_000_000,
  currency: 'IDR',
  status: 'pending',
  reason: 'requested_by_customer',
  provider_refund: 're_1869306104911659008',
  failure_reason: null,
  metadata: {},
  created: CREATED + 2 * DAY,
} satisfies z.input<typeof RefundSchema>;

const dispute = {
  id: 'dp_1869306336420462592',
  amount: 15_000_000,
  currency: 'IDR',
  reason: 'fraudulent',
  status: 'needs_response',
  evidence_due_by: CREATED + 10 * DAY,
  evidence_submitted: false,
  past_due: false,
  funds_withdrawn: true,
  funds_reinstated: false,
  created: CREATED + 3 * DAY,
} satisfies z.input<typeof DisputeSchema>;

const succeededRefunded = {
  ...requiresAction,
  status: 'partially_refunded',
  provider_status: 'succeeded',
  amount_received: 15_000_000,
  amount_due: 0,
  amount_refund_pending: 5_000_000,
  refunds: [refund],
  paid_at: CREATED + 3_600_000,
} satisfies z.input<typeof PaymentSchema>;

const error = (type: z.input<typeof ErrorEnvelopeSchema>['error']['type'], code: string, message: string, extra: { param?: string; payment?: string } = {}) =>
  ({ error: { type, code, message, ...extra } }) satisfies z.input<typeof ErrorEnvelopeSchema>;

export const EXAMPLES = {
  createDirect: example(CreatePaymentBodySchema, 'direct', 'Direct integration: the shopper is sent to the transfer instructions', {
    amount: 15_000_000,
    currency: 'IDR',
    return_url: 'https://shop.example/orders/10023/return',
    merchant_order_id: 'order-10023',
    description: 'Order 10023',
    metadata: { channel: 'web' },
    expires_in: 86_400,
  }),
  createCheckout: example(CreatePaymentBodySchema, 'checkout', 'Checkout integration: a hosted WooshPay Checkout page', {
    amount: 15_000_000,
    currency: 'IDR',
    integration: 'checkout',
    success_url: 'https://shop.example/orders/10024/paid',
    cancel_url: 'https://shop.example/orders/10024/cart',
    line_items: [
      {
        price_data: { currency: 'IDR', unit_amount: 7_500_000, product_data: { name: 'Batik shirt' }, nickname: 'batik-m', lookup_key: 'batik_shirt_m' },
        quantity: 2,
      },
    ],
    merchant_order_id: 'order-10024',
  }),
  createCheckoutFlat: example(CreatePaymentBodySchema, 'checkout_flat_line_items', 'Checkout with the deprecated flat line items (still accepted)', {
    amount: 15_000_000,
    currency: 'IDR',
    integration: 'checkout',
    success_url: 'https://shop.example/orders/10025/paid',
    cancel_url: 'https://shop.example/orders/10025/cart',
    line_items: [{ name: 'Batik shirt', unit_amount: 7_500_000, quantity: 2 }],
  }),
  payment: example(PaymentSchema, 'requires_action', 'Created, waiting for the bank transfer', requiresAction),
  paymentRefunded: example(PaymentSchema, 'partially_refunded', 'Paid, one refund under way', succeededRefunded),
  paymentCanceled: example(PaymentSchema, 'canceled', 'Canceled before it was paid', {
    ...requiresAction,
    status: 'canceled',
    provider_status: 'canceled',
    closed_at: CREATED + 600_000,
  }),
  list: example(PaymentListSchema, 'page', 'One page of payments', {
    object: 'list',
    url: '/v1/payments',
    data: [
      {
        id: PAYMENT_ID,
        object: 'payment',
        status: 'partially_refunded',
        amount: 15_000_000,
        currency: 'IDR',
        integration: 'direct',
        merchant_order_id: 'order-10023',
        payment_intent: 'pi_1869305921150816256',
        amount_refunded: 0,
        dispute_status: null,
        created: CREATED,
      } satisfies z.input<typeof PaymentSummarySchema>,
    ],
    has_more: true,
    next_cursor: encodeCursor(Buffer.from('0194c45d-abcd-7000-8000-000000000001')),
  }),
  cancel: example(CancelPaymentBodySchema, 'reason', 'With a reason for the record', { reason: 'order abandoned' }),
  refundPartial: example(CreateRefundBodySchema, 'partial', 'Part of the amount', {
    amount: 5_000_000,
    reason: 'requested_by_customer',
  }),
  refundRest: example(CreateRefundBodySchema, 'remaining', 'All that remains refundable (no amount)', {}),
  refund: example(RefundSchema, 'pending', 'Accepted by WooshPay, not settled yet', refund),
  evidence: example(DisputeEvidenceBodySchema, 'submit', 'Evidence, submitted to the bank at once', {
    evidence: { customer_communication: 'Transfer confirmed by the customer on 2026-01-01.', product_description: 'Batik shirt' },
    submit: true,
  }),
  dispute: example(DisputeSchema, 'needs_response', 'Open, evidence due', dispute),
  disputeAccepted: example(DisputeSchema, 'lost', 'Accepted: the payment ends charged back', {
    ...dispute,
    status: 'lost',
    evidence_submitted: false,
  }),
  webhookEvent: example(EventSchema, 'payment_intent.succeeded', 'The customer’s transfer arrived', {
    id: 'evt_1869305999328448512',
    object: 'event',
    api_version: '1.0.1',
    created: 1_767_229_200,
    livemode: false,
    type: 'payment_intent.succeeded',
    request: { id: null, idempotency_key: null },
    data: {
      object: {
        id: 'pi_1869305921150816256',
        object: 'payment_intent',
        amount: 15_000_000,
        currency: 'idr',
        status: 'succeeded',
        created: 1_767_225_600,
        metadata: { payment_id: PAYMENT_ID },
      },
    },
  }),
  webhookAck: example(WebhookAckSchema, 'delivered', 'Durably handed to the payment', { received: true }),
  webhookIgnored: example(WebhookAckSchema, 'ignored', 'Not about one of our payments', { received: true, ignored: 'no_payment' }),
  health: example(HealthSchema, 'ok', 'The process is up', { status: 'ok' }),
  ready: example(ReadySchema, 'ready', 'Temporal answers and the namespace exists', { status: 'ready', temporal: 'ok', namespace: 'default' }),
  notReady: example(NotReadySchema, 'unavailable', 'Temporal cannot be reached', { status: 'unavailable', reason: 'Temporal is unreachable' }),
  badRequest: example(ErrorEnvelopeSchema, 'invalid', 'A parameter is invalid', error('invalid_request_error', 'parameter_invalid', 'amount: must be a positive integer in WooshPay units', { param: 'amount' })),
  unauthorized: example(ErrorEnvelopeSchema, 'unauthorized', 'No or a wrong API key', error('authentication_error', 'invalid_api_key', 'The API key is not valid.')),
  notFound: example(ErrorEnvelopeSchema, 'not_found', 'No such payment', error('not_found', 'payment_not_found', `No payment ${PAYMENT_ID}.`)),
  idempotency: example(ErrorEnvelopeSchema, 'key_reused', 'Idempotency-Key reused with another body', error('idempotency_error', 'idempotency_key_reused', 'This Idempotency-Key was used with a different request body; use a new key for a new request.')),
  state: example(ErrorEnvelopeSchema, 'state', 'Not possible in the payment’s status', error('state_error', 'payment_state_invalid', 'Only an unpaid payment can be canceled; this one is succeeded.', { payment: PAYMENT_ID })),
  unprocessable: example(ErrorEnvelopeSchema, 'exceeds_refundable', 'Valid, but refused', error('invalid_request_error', 'amount_exceeds_refundable', 'At most 10000000 can still be refunded.', { payment: PAYMENT_ID })),
  badSignature: example(ErrorEnvelopeSchema, 'bad_signature', 'Signature missing, wrong or too old', error('invalid_request_error', 'signature_mismatch', 'No signature matches the payload.')),
  methodNotAllowed: example(ErrorEnvelopeSchema, 'method_not_allowed', 'A method the path does not have', error('invalid_request_error', 'method_not_allowed', 'DELETE is not allowed here; use GET, HEAD.')),
  tooLarge: example(ErrorEnvelopeSchema, 'body_too_large', 'The body is over the limit', error('invalid_request_error', 'body_too_large', 'The body is too large.')),
  unsupportedMediaType: example(ErrorEnvelopeSchema, 'unsupported_media_type', 'A body that is not JSON', error('invalid_request_error', 'unsupported_media_type', 'Send the body as application/json, not text/plain.')),
  unavailable: example(ErrorEnvelopeSchema, 'unavailable', 'Temporal is unreachable; retry', error('api_error', 'temporal_unavailable', 'The payment service is temporarily unavailable; retry shortly.')),
} satisfies Record<string, Example>;
