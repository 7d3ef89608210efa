/** `/v1/payments…`: every state change goes through the payment's workflow (updates), never around it. */
import { errorResponses } from '../openapi/error-responses.js';
import { EXAMPLES } from '../openapi/examples.js';
import {
  CancelPaymentBodySchema,
  CheckoutPaymentBodySchema,
  CreatePaymentBodySchema,
  DirectPaymentBodySchema,
  FlatLineItemSchema,
  WooshPayLineItemSchema,
  CreateRefundBodySchema,
  DisputeEvidenceBodySchema,
  ListPaymentsQuerySchema,
} from '../schemas.js';
import { defineRoute } from './route.js';

const createPayment = defineRoute(
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
    auth: 'bearer',
    idempotencyKey: true,
    body: {
      component: 'CreatePaymentRequest',
      schema: CreatePaymentBodySchema,
      parts: {
        DirectPaymentRequest: DirectPaymentBodySchema,
        CheckoutPaymentRequest: CheckoutPaymentBodySchema,
        LineItem: WooshPayLineItemSchema,
        FlatLineItem: FlatLineItemSchema,
      },
      required: true,
      read: 'json',
      examples: [EXAMPLES.createDirect, EXAMPLES.createCheckout, EXAMPLES.createCheckoutFlat],
    },
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
  ({ payments }) =>
    async ({ merchantId, idempotencyKey, body }, res) => {
      const { payment, created } = await payments.create(merchantId, body, idempotencyKey);
      if (!created) res.setHeader('Idempotent-Replayed', 'true');
      res.status(created ? 201 : 200).json(payment);
    },
);

const listPayments = defineRoute(
  {
    method: 'get',
    path: '/v1/payments',
    operationId: 'listPayments',
    tag: 'Payments',
    summary: 'List payments',
    description: 'Newest first, from Temporal visibility (search attributes); filter by status; page with `starting_after`.',
    auth: 'bearer',
    query: ListPaymentsQuerySchema,
    responses: {
      200: { description: 'A page of payments.', schema: 'PaymentList', examples: [EXAMPLES.list] },
      ...errorResponses(400, 401, 503),
    },
  },
  ({ payments }) =>
    async ({ merchantId, query }, res) => {
      const page = await payments.list(merchantId, { status: query.status, limit: query.limit, cursor: query.starting_after });
      res.json({ object: 'list', url: '/v1/payments', ...page });
    },
);

const getPayment = defineRoute(
  {
    method: 'get',
    path: '/v1/payments/{id}',
    operationId: 'getPayment',
    tag: 'Payments',
    summary: 'Retrieve a payment',
    description: 'The whole record, read from the payment’s workflow.',
    auth: 'bearer',
    responses: {
      200: { description: 'The payment.', schema: 'Payment', examples: [EXAMPLES.paymentRefunded, EXAMPLES.payment] },
      ...errorResponses(401, 404, 503),
    },
  },
  ({ payments }) =>
    async ({ merchantId, paymentId }, res) => {
      res.json(await payments.get(merchantId, paymentId));
    },
);

const cancelPayment = defineRoute(
  {
    method: 'post',
    path: '/v1/payments/{id}/cancel',
    operationId: 'cancelPayment',
    tag: 'Payments',
    summary: 'Cancel an unpaid payment',
    auth: 'bearer',
    body: { component: 'CancelPaymentRequest', schema: CancelPaymentBodySchema, required: false, read: 'json', examples: [EXAMPLES.cancel] },
    responses: {
      200: { description: 'Canceled.', schema: 'Payment', examples: [EXAMPLES.paymentCanceled] },
      ...errorResponses(400, 401, 404, 409, 503),
    },
  },
  ({ payments }) =>
    async ({ merchantId, paymentId, body }, res) => {
      res.json(await payments.cancel(merchantId, paymentId, body.reason));
    },
);

const createRefund = defineRoute(
  {
    method: 'post',
    path: '/v1/payments/{id}/refunds',
    operationId: 'createRefund',
    tag: 'Payments',
    summary: 'Refund a paid payment, in full or in part',
    description: 'Without `amount`, refunds all that remains. Several partial refunds may follow one another.',
    auth: 'bearer',
    idempotencyKey: true,
    body: {
      component: 'CreateRefundRequest',
      schema: CreateRefundBodySchema,
      required: false,
      read: 'json',
      examples: [EXAMPLES.refundPartial, EXAMPLES.refundRest],
    },
    responses: {
      201: { description: 'The refund (usually `pending` until WooshPay settles it).', schema: 'Refund', examples: [EXAMPLES.refund] },
      ...errorResponses(400, 401, 404, 409, 422, 503),
    },
  },
  ({ payments }) =>
    async ({ merchantId, paymentId, idempotencyKey, body }, res) => {
      res.status(201).json(await payments.refund(merchantId, paymentId, body, idempotencyKey));
    },
);

const submitDisputeEvidence = defineRoute(
  {
    method: 'post',
    path: '/v1/payments/{id}/dispute/evidence',
    operationId: 'submitDisputeEvidence',
    tag: 'Payments',
    summary: 'Add evidence to the open dispute, optionally submitting it',
    auth: 'bearer',
    body: { component: 'DisputeEvidenceRequest', schema: DisputeEvidenceBodySchema, required: true, read: 'json', examples: [EXAMPLES.evidence] },
    responses: {
      200: { description: 'The dispute.', schema: 'Dispute', examples: [EXAMPLES.dispute] },
      ...errorResponses(400, 401, 404, 409, 422, 503),
    },
  },
  ({ payments }) =>
    async ({ merchantId, paymentId, body }, res) => {
      res.json(await payments.submitDisputeEvidence(merchantId, paymentId, body.evidence, body.submit));
    },
);

const acceptDispute = defineRoute(
  {
    method: 'post',
    path: '/v1/payments/{id}/dispute/accept',
    operationId: 'acceptDispute',
    tag: 'Payments',
    summary: 'Accept the open dispute (the payment ends charged back)',
    auth: 'bearer',
    responses: {
      200: { description: 'The dispute, lost.', schema: 'Dispute', examples: [EXAMPLES.disputeAccepted] },
      ...errorResponses(401, 404, 409, 422, 503),
    },
  },
  ({ payments }) =>
    async ({ merchantId, paymentId }, res) => {
      res.json(await payments.acceptDispute(merchantId, paymentId));
    },
);

export const PAYMENT_ROUTES = [
  createPayment,
  listPayments,
  getPayment,
  cancelPayment,
  createRefund,
  submitDisputeEvidence,
  acceptDispute,
] as const;
