/**
 * The intake API as a merchant backend calls it, over HTTP only (no Temporal client): what `npm run demo` and
 * `npm run bench` drive. Answers are checked against the same zod schemas the OpenAPI document is made from,
 * so a script notices at once when the API answers something other than what it documents.
 */
import ky, { type KyInstance } from 'ky';
import type { z } from 'zod';
import { ErrorEnvelopeSchema } from '../../api/errors.js';
import { PaymentSchema, ReadySchema, RefundSchema } from '../../api/response-schemas.js';
import type { CreatePaymentBodySchema, CreateRefundBodySchema } from '../../api/schemas.js';
import { describeUnreachable } from './unreachable.js';

export type Payment = z.infer<typeof PaymentSchema>;
export type Refund = z.infer<typeof RefundSchema>;
/** What a caller sends (before the API fills defaults such as `integration`). */
export type CreatePaymentRequest = z.input<typeof CreatePaymentBodySchema>;
export type CreateRefundRequest = z.input<typeof CreateRefundBodySchema>;

/** A non-success answer of the intake API, with its error envelope when it sent one. */
export class IntakeApiError extends Error {
  override readonly name = 'IntakeApiError';
  constructor(
    readonly status: number,
    readonly request: string,
    readonly error: { type: string; code: string; message: string } | undefined,
  ) {
    super(`${request} answered ${status}${error ? ` ${error.type}/${error.code}: ${error.message}` : ''}`);
  }
}

export interface IntakeApiOptions {
  apiUrl: string;
  apiKey: string;
  timeoutMs?: number;
}

export interface IntakeApi {
  readonly url: string;
  /** `GET /readyz`: Temporal answers and the namespace exists. */
  ready(): Promise<z.infer<typeof ReadySchema>>;
  /** `POST /v1/payments`; `status` tells a new payment (201) from an idempotent replay (200). */
  createPayment(body: CreatePaymentRequest, idempotencyKey: string): Promise<{ status: number; payment: Payment }>;
  getPayment(id: string): Promise<Payment>;
  refund(paymentId: string, body: CreateRefundRequest, idempotencyKey: string): Promise<Refund>;
  /** `POST /v1/payments/:id/cancel`: the merchant gives up on a payment still awaiting its transfer. */
  cancel(paymentId: string, reason?: string): Promise<Payment>;
}

export function createIntakeApi({ apiUrl, apiKey, timeoutMs = 15_000 }: IntakeApiOptions): IntakeApi {
  const url = apiUrl.replace(/\/+$/, '');
  // No retries: a script reports what happened instead of hiding a failure behind a second attempt.
  const http: KyInstance = ky.create({
    prefixUrl: url,
    headers: { Authorization: `Bearer ${apiKey}` },
    retry: 0,
    timeout: timeoutMs,
    throwHttpErrors: false,
  });

  async function call<T>(
    method: 'get' | 'post',
    path: string,
    schema: z.ZodType<T>,
    options: { json?: unknown; idempotencyKey?: string; expect?: number[] } = {},
  ): Promise<{ status: number; body: T }> {
    const request = `${method.toUpperCase()} /${path}`;
    let response: Response;
    try {
      // `headers: undefined` would drop the instance's Authorization header, so it is only passed when set.
      response = await http(path, {
        method,
        json: options.json,
        ...(options.idempotencyKey && { headers: { 'Idempotency-Key': options.idempotencyKey } }),
      });
    } catch (err) {
      throw new Error(`${request}: ${describeUnreachable('the intake API', url, err)}`, { cause: err });
    }
    const text = await response.text();
    const json = parseJson(text);
    if (!(options.expect ?? [200]).includes(response.status)) {
      const envelope = ErrorEnvelopeSchema.safeParse(json);
      throw new IntakeApiError(response.status, request, envelope.success ? envelope.data.error : undefined);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new Error(`${request} answered ${response.status} with a body that does not match the API's schema: ${parsed.error.message}`);
    }
    return { status: response.status, body: parsed.data };
  }

  return {
    url,
    async ready() {
      return (await call('get', 'readyz', ReadySchema)).body;
    },
    async createPayment(body, idempotencyKey) {
      const { status, body: payment } = await call('post', 'v1/payments', PaymentSchema, {
        json: body,
        idempotencyKey,
        expect: [200, 201],
      });
      return { status, payment };
    },
    async getPayment(id) {
      return (await call('get', `v1/payments/${encodeURIComponent(id)}`, PaymentSchema)).body;
    },
    async refund(paymentId, body, idempotencyKey) {
      const path = `v1/payments/${encodeURIComponent(paymentId)}/refunds`;
      return (await call('post', path, RefundSchema, { json: body, idempotencyKey, expect: [201] })).body;
    },
    async cancel(paymentId, reason) {
      const path = `v1/payments/${encodeURIComponent(paymentId)}/cancel`;
      return (await call('post', path, PaymentSchema, { json: reason ? { reason } : {} })).body;
    },
  };
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
