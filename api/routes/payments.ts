import { Router, type Request } from 'express';
import { ApiError, parseOrThrow } from '../errors.js';
import type { PaymentsService } from '../payments-service.js';
import {
  CancelPaymentBodySchema,
  CreatePaymentBodySchema,
  CreateRefundBodySchema,
  DisputeEvidenceBodySchema,
  IdempotencyKeySchema,
  ListPaymentsQuerySchema,
  PaymentIdSchema,
} from '../schemas.js';

function idempotencyKey(req: Request): string {
  const parsed = IdempotencyKeySchema.safeParse(req.get('idempotency-key'));
  if (!parsed.success) {
    throw new ApiError(400, 'invalid_request_error', 'idempotency_key_missing', parsed.error.issues[0].message, {
      param: 'Idempotency-Key',
    });
  }
  return parsed.data;
}

function paymentId(req: Request): string {
  const id = req.params.id;
  if (!PaymentIdSchema.safeParse(id).success) {
    throw new ApiError(404, 'not_found', 'payment_not_found', `No payment ${String(id)}.`);
  }
  return id as string;
}

/** `/v1/payments…`: every state change goes through the payment's workflow (updates), never around it. */
export function paymentsRouter(payments: PaymentsService): Router {
  const router = Router();

  router.post('/payments', async (req, res) => {
    const key = idempotencyKey(req);
    const body = parseOrThrow(CreatePaymentBodySchema, req.body ?? {});
    const { payment, created } = await payments.create(body, key);
    if (!created) res.setHeader('Idempotent-Replayed', 'true');
    res.status(created ? 201 : 200).json(payment);
  });

  router.get('/payments', async (req, res) => {
    const query = parseOrThrow(ListPaymentsQuerySchema, req.query);
    const page = await payments.list({ status: query.status, limit: query.limit, cursor: query.starting_after });
    res.json({ object: 'list', url: '/v1/payments', ...page });
  });

  router.get('/payments/:id', async (req, res) => {
    res.json(await payments.get(paymentId(req)));
  });

  router.post('/payments/:id/cancel', async (req, res) => {
    const id = paymentId(req);
    const body = parseOrThrow(CancelPaymentBodySchema, req.body ?? {});
    res.json(await payments.cancel(id, body.reason));
  });

  router.post('/payments/:id/refunds', async (req, res) => {
    const id = paymentId(req);
    const key = idempotencyKey(req);
    const body = parseOrThrow(CreateRefundBodySchema, req.body ?? {});
    res.status(201).json(await payments.refund(id, body, key));
  });

  router.post('/payments/:id/dispute/evidence', async (req, res) => {
    const id = paymentId(req);
    const body = parseOrThrow(DisputeEvidenceBodySchema, req.body ?? {});
    res.json(await payments.submitDisputeEvidence(id, body.evidence, body.submit));
  });

  router.post('/payments/:id/dispute/accept', async (req, res) => {
    res.json(await payments.acceptDispute(paymentId(req)));
  });

  return router;
}
