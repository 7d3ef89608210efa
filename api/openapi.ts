/**
 * The OpenAPI 3.1 description of the intake API (`GET /openapi.json`), generated with zod's own
 * `z.toJSONSchema` from the schemas the routes validate with (api/schemas.ts, api/errors.ts, the WooshPay
 * event schema) and from the response schemas that typecheck against the workflow's record
 * (api/response-schemas.ts). Request schemas are rendered as what a client may send (`io: 'input'`:
 * defaults make fields optional), responses as what the API returns.
 *
 * Every example is declared once with the schema it must satisfy; test/ops/openapi.test.ts parses each with
 * that schema and checks that every express route is described here.
 */
import { z } from 'zod';
import { EventSchema, SIGNATURE_HEADER } from '../wooshpay/index.js';
import { ErrorEnvelopeSchema } from './errors.js';
import {
  DisputeSchema,
  HealthSchema,
  NotReadySchema,
  PaymentListSchema,
  PaymentSchema,
  PaymentSummarySchema,
  ReadySchema,
  RefundSchema,
  WebhookAckSchema,
} from './response-schemas.js';
import {
  CancelPaymentBodySchema,
  CreatePaymentBodySchema,
  CreateRefundBodySchema,
  DisputeEvidenceBodySchema,
  IdempotencyKeySchema,
  ListPaymentsQuerySchema,
  PaymentIdSchema,
} from './schemas.js';

// ---- Examples: each with the schema it must satisfy ------------------------------------------------------

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
  amount_due: 25_000_000,
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
  amount_received: 25_000_000,
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
    line_items: [{ name: 'Batik shirt', unit_amount: 7_500_000, quantity: 2 }],
    merchant_order_id: 'order-10024',
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
    next_cursor: 'CiQwMTk0YzQ1ZC1hYmNkLTcwMDAtODAwMC0wMDAwMDAwMDAwMDE',
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
  unavailable: example(ErrorEnvelopeSchema, 'unavailable', 'Temporal is unreachable; retry', error('api_error', 'temporal_unavailable', 'The payment service is temporarily unavailable; retry shortly.')),
} satisfies Record<string, Example>;

// ---- Operations ----------------------------------------------------------------------------------------

type Method = 'get' | 'post';

interface ResponseSpec {
  description: string;
  /** A component name (application/json), or a literal media type with a plain schema. */
  schema?: string;
  mediaType?: string;
  examples?: Example[];
  headers?: Record<string, { description: string; schema: object }>;
}

export interface OperationSpec {
  method: Method;
  /** OpenAPI path template (`{id}`). */
  path: string;
  operationId: string;
  tag: 'Payments' | 'Webhooks' | 'Operations';
  summary: string;
  description?: string;
  /** Bearer API key (the /v1 routes). */
  authenticated: boolean;
  idempotencyKey?: boolean;
  query?: z.ZodObject;
  body?: { component: string; required: boolean; examples: Example[]; description?: string };
  responses: Record<string, ResponseSpec>;
}

const errors = {
  400: { description: 'Invalid request (the parameter is named in `param`).', schema: 'Error', examples: [EXAMPLES.badRequest] },
  401: { description: 'Missing or invalid API key.', schema: 'Error', examples: [EXAMPLES.unauthorized] },
  404: { description: 'No such payment.', schema: 'Error', examples: [EXAMPLES.notFound] },
  409: { description: 'Not possible in the payment’s current status.', schema: 'Error', examples: [EXAMPLES.state] },
  422: { description: 'Well-formed but refused (amount, provider).', schema: 'Error', examples: [EXAMPLES.unprocessable] },
  503: {
    description: 'Temporal (or WooshPay) is unavailable or still working; safe to retry with the same Idempotency-Key.',
    schema: 'Error',
    examples: [EXAMPLES.unavailable],
    headers: { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } } },
  },
} satisfies Record<number, ResponseSpec>;

/** The error answers a route can give, by status. */
function errorResponses(...statuses: (keyof typeof errors)[]): Partial<Record<keyof typeof errors, ResponseSpec>> {
  return Object.fromEntries(statuses.map((status) => [status, errors[status]]));
}

export const OPERATIONS: OperationSpec[] = [
  {
    method: 'post',
    path: '/v1/payments',
    operationId: 'createPayment',
    tag: 'Payments',
    summary: 'Create a bank-transfer payment',
    description:
      'Starts the payment’s workflow and answers once WooshPay has created the payment (redirect URL and expiry set). ' +
      'The same Idempotency-Key with the same body returns the same payment (200, `Idempotent-Replayed: true`); ' +
      'with another body, 409. `return_url` is required for `direct`; `success_url`, `cancel_url` and `line_items` ' +
      '(adding up to `amount`) for `checkout`.',
    authenticated: true,
    idempotencyKey: true,
    body: { component: 'CreatePaymentRequest', required: true, examples: [EXAMPLES.createDirect, EXAMPLES.createCheckout] },
    responses: {
      201: { description: 'Created.', schema: 'Payment', examples: [EXAMPLES.payment] },
      200: {
        description: 'The payment this Idempotency-Key created before.',
        schema: 'Payment',
        examples: [EXAMPLES.payment],
        headers: { 'Idempotent-Replayed': { description: 'Present (`true`) on a replay.', schema: { type: 'string', const: 'true' } } },
      },
      ...errorResponses(400, 401),
      409: { description: 'The Idempotency-Key was used with a different body.', schema: 'Error', examples: [EXAMPLES.idempotency] },
      422: { description: 'WooshPay refused the payment.', schema: 'Error', examples: [EXAMPLES.unprocessable] },
      ...errorResponses(503),
    },
  },
  {
    method: 'get',
    path: '/v1/payments',
    operationId: 'listPayments',
    tag: 'Payments',
    summary: 'List payments',
    description: 'Newest first, from Temporal visibility (search attributes); filter by status; page with `starting_after`.',
    authenticated: true,
    query: ListPaymentsQuerySchema,
    responses: {
      200: { description: 'A page of payments.', schema: 'PaymentList', examples: [EXAMPLES.list] },
      ...errorResponses(400, 401, 503),
    },
  },
  {
    method: 'get',
    path: '/v1/payments/{id}',
    operationId: 'getPayment',
    tag: 'Payments',
    summary: 'Retrieve a payment',
    description: 'The whole record, read from the payment’s workflow.',
    authenticated: true,
    responses: {
      200: { description: 'The payment.', schema: 'Payment', examples: [EXAMPLES.paymentRefunded, EXAMPLES.payment] },
      ...errorResponses(401, 404, 503),
    },
  },
  {
    method: 'post',
    path: '/v1/payments/{id}/cancel',
    operationId: 'cancelPayment',
    tag: 'Payments',
    summary: 'Cancel an unpaid payment',
    authenticated: true,
    body: { component: 'CancelPaymentRequest', required: false, examples: [EXAMPLES.cancel] },
    responses: {
      200: { description: 'Canceled.', schema: 'Payment', examples: [EXAMPLES.paymentCanceled] },
      ...errorResponses(400, 401, 404, 409, 503),
    },
  },
  {
    method: 'post',
    path: '/v1/payments/{id}/refunds',
    operationId: 'createRefund',
    tag: 'Payments',
    summary: 'Refund a paid payment, in full or in part',
    description: 'Without `amount`, refunds all that remains. Several partial refunds may follow one another.',
    authenticated: true,
    idempotencyKey: true,
    body: { component: 'CreateRefundRequest', required: false, examples: [EXAMPLES.refundPartial, EXAMPLES.refundRest] },
    responses: {
      201: { description: 'The refund (usually `pending` until WooshPay settles it).', schema: 'Refund', examples: [EXAMPLES.refund] },
      ...errorResponses(400, 401, 404, 409, 422, 503),
    },
  },
  {
    method: 'post',
    path: '/v1/payments/{id}/dispute/evidence',
    operationId: 'submitDisputeEvidence',
    tag: 'Payments',
    summary: 'Add evidence to the open dispute, optionally submitting it',
    authenticated: true,
    body: { component: 'DisputeEvidenceRequest', required: true, examples: [EXAMPLES.evidence] },
    responses: {
      200: { description: 'The dispute.', schema: 'Dispute', examples: [EXAMPLES.dispute] },
      ...errorResponses(400, 401, 404, 409, 422, 503),
    },
  },
  {
    method: 'post',
    path: '/v1/payments/{id}/dispute/accept',
    operationId: 'acceptDispute',
    tag: 'Payments',
    summary: 'Accept the open dispute (the payment ends charged back)',
    authenticated: true,
    responses: {
      200: { description: 'The dispute, lost.', schema: 'Dispute', examples: [EXAMPLES.disputeAccepted] },
      ...errorResponses(401, 404, 409, 422, 503),
    },
  },
  {
    method: 'post',
    path: '/webhooks/wooshpay',
    operationId: 'receiveWooshPayEvent',
    tag: 'Webhooks',
    summary: 'WooshPay webhook endpoint',
    description:
      `Called by WooshPay, not by merchants. The raw body must carry a valid \`${SIGNATURE_HEADER}\`; 2xx once the ` +
      'event is durably signalled to its payment, 503 so WooshPay delivers again when Temporal is unreachable.',
    authenticated: false,
    body: { component: 'WooshPayEvent', required: true, examples: [EXAMPLES.webhookEvent] },
    responses: {
      200: { description: 'Accepted (or acknowledged and ignored).', schema: 'WebhookAck', examples: [EXAMPLES.webhookAck, EXAMPLES.webhookIgnored] },
      400: { description: 'Bad signature or not a WooshPay event; nothing changed.', schema: 'Error', examples: [EXAMPLES.badSignature] },
      ...errorResponses(503),
    },
  },
  {
    method: 'get',
    path: '/healthz',
    operationId: 'health',
    tag: 'Operations',
    summary: 'Liveness: the process is up',
    authenticated: false,
    responses: { 200: { description: 'Up.', schema: 'Health', examples: [EXAMPLES.health] } },
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'ready',
    tag: 'Operations',
    summary: 'Readiness: Temporal answers and the namespace exists',
    authenticated: false,
    responses: {
      200: { description: 'Ready for traffic.', schema: 'Ready', examples: [EXAMPLES.ready] },
      503: { description: 'Not ready.', schema: 'NotReady', examples: [EXAMPLES.notReady] },
    },
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    tag: 'Operations',
    summary: 'Prometheus metrics',
    description: '`http_request_duration_seconds{route,method,status_code}`, `wooshpay_webhook_outcomes_total{outcome,event_type}` and process metrics.',
    authenticated: false,
    responses: { 200: { description: 'Prometheus text exposition format.', mediaType: 'text/plain' } },
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openapi',
    tag: 'Operations',
    summary: 'This document',
    authenticated: false,
    responses: { 200: { description: 'OpenAPI 3.1.', mediaType: 'application/json' } },
  },
];

// ---- The document --------------------------------------------------------------------------------------

export const REQUEST_COMPONENTS = {
  CreatePaymentRequest: CreatePaymentBodySchema,
  CreateRefundRequest: CreateRefundBodySchema,
  CancelPaymentRequest: CancelPaymentBodySchema,
  DisputeEvidenceRequest: DisputeEvidenceBodySchema,
  WooshPayEvent: EventSchema,
} satisfies Record<string, z.ZodType>;

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

type JsonSchema = Record<string, unknown>;

function componentSchemas(components: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(components)) registry.add(schema, { id });
  // WooshPay's schemas coerce (string amounts, JSON-encoded fields): rendered as what they accept.
  const { schemas } = z.toJSONSchema(registry, { io, uri: (id) => `#/components/schemas/${id}`, unrepresentable: 'any' });
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, stripMeta(schema as JsonSchema)]));
}

function stripMeta(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

function inlineSchema(schema: z.ZodType): JsonSchema {
  return stripMeta(z.toJSONSchema(schema, { io: 'input' }));
}

function mediaExamples(examples: Example[] | undefined): Record<string, { summary: string; value: unknown }> | undefined {
  if (!examples?.length) return undefined;
  return Object.fromEntries(examples.map((e) => [e.name, { summary: e.summary, value: e.value }]));
}

function operationObject(op: OperationSpec): JsonSchema {
  const parameters: JsonSchema[] = [];
  if (op.path.includes('{id}')) {
    parameters.push({ name: 'id', in: 'path', required: true, description: 'The payment id (`pay_…`).', schema: inlineSchema(PaymentIdSchema), example: EXAMPLES.payment.value.id });
  }
  if (op.idempotencyKey) {
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: true,
      description: 'Makes retries safe: the same key and body give the same result.',
      schema: inlineSchema(IdempotencyKeySchema),
      example: 'order-10023-attempt-1',
    });
  }
  if (op.path === '/webhooks/wooshpay') {
    parameters.push({
      name: SIGNATURE_HEADER,
      in: 'header',
      required: true,
      description: '`t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">` with the endpoint’s signing secret.',
      schema: { type: 'string' },
    });
  }
  if (op.query) {
    const query = inlineSchema(op.query) as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
    }
  }

  const responses = Object.fromEntries(
    Object.entries(op.responses).map(([status, r]) => {
      const content = r.schema
        ? { 'application/json': { schema: { $ref: `#/components/schemas/${r.schema}` }, examples: mediaExamples(r.examples) } }
        : { [r.mediaType ?? 'application/json']: { schema: r.mediaType === 'text/plain' ? { type: 'string' } : { type: 'object' } } };
      return [status, { description: r.description, content, ...(r.headers && { headers: r.headers }) }];
    }),
  );

  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description && { description: op.description }),
    security: op.authenticated ? [{ bearerAuth: [] }] : [],
    ...(parameters.length && { parameters }),
    ...(op.body && {
      requestBody: {
        required: op.body.required,
        content: {
          'application/json': {
            schema: { $ref: `#/components/schemas/${op.body.component}` },
            examples: mediaExamples(op.body.examples),
          },
        },
      },
    }),
    responses,
  };
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: Record<string, unknown>;
  paths: Record<string, Partial<Record<Method, JsonSchema>>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, unknown> };
  [key: string]: unknown;
}

export function buildOpenApiDocument(): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operationObject(op);
  return {
    openapi: '3.1.0',
    info: {
      title: 'WooshPay bank-transfer payments — intake API',
      version: '1.0.0',
      description:
        'Indonesian bank-transfer payments through WooshPay, each run by a durable Temporal workflow. Amounts are ' +
        'integers in WooshPay units (IDR with exponent 2). Errors are `{ "error": { "type", "code", "message", "param"? } }`.',
    },
    tags: [
      { name: 'Payments', description: 'For merchant backends: Bearer API key.' },
      { name: 'Webhooks', description: 'For WooshPay: signed events.' },
      { name: 'Operations', description: 'Health, readiness, metrics, this document.' },
    ],
    paths,
    components: {
      schemas: { ...componentSchemas(REQUEST_COMPONENTS, 'input'), ...componentSchemas(RESPONSE_COMPONENTS, 'output') },
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'One of the keys in API_KEYS.' } },
    },
  };
}
