/**
 * One error envelope for every answer that is not a success: `{ error: { type, code, message, param? } }`.
 * Bad input is always a 4xx with a clear message; a 5xx means our side or Temporal failed, and never
 * carries a stack trace.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { logOf } from './request-log.js';

export const API_ERROR_TYPES = [
  'invalid_request_error',
  'authentication_error',
  'not_found',
  'idempotency_error',
  'state_error',
  'api_error',
] as const;
export type ApiErrorType = (typeof API_ERROR_TYPES)[number];

export const ErrorEnvelopeSchema = z.object({
  error: z.object({
    type: z.enum(API_ERROR_TYPES),
    code: z.string(),
    message: z.string(),
    param: z.string().optional(),
    payment: z.string().optional(),
  }),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelopeSchema>;

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly type: ApiErrorType,
    readonly code: string,
    message: string,
    readonly extra: { param?: string; payment?: string; retryAfterSeconds?: number } = {},
  ) {
    super(message);
  }

  toEnvelope(): ErrorEnvelope {
    return {
      error: {
        type: this.type,
        code: this.code,
        message: this.message,
        ...(this.extra.param !== undefined && { param: this.extra.param }),
        ...(this.extra.payment !== undefined && { payment: this.extra.payment }),
      },
    };
  }
}

/** The first zod issue as a 400 naming the offending parameter. */
export function invalidRequest(error: z.ZodError, prefix = ''): ApiError {
  const issue = error.issues[0];
  const param = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  const message = param ? `${param}: ${issue.message}` : issue.message;
  const code = issue.code === 'unrecognized_keys' ? 'parameter_unknown' : param ? 'parameter_invalid' : 'invalid_request';
  // An unknown key is named with where it sits (`evidence.product_descripton`), a top-level one alone (`amuont`).
  const unknown = issue.code === 'unrecognized_keys' ? [param, (issue as { keys: string[] }).keys[0]].filter(Boolean).join('.') : undefined;
  return new ApiError(400, 'invalid_request_error', code, message, { param: unknown ?? (param || undefined) });
}

export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, prefix = ''): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidRequest(parsed.error, prefix);
  return parsed.data;
}

export const notFoundRoute: RequestHandler = (req, _res, next) => {
  next(new ApiError(404, 'not_found', 'route_not_found', `No route for ${req.method} ${req.path}.`));
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const apiError = toApiError(err);
    if (apiError.status >= 500) {
      (logOf(res) ?? logger).error({ err, method: req.method, path: req.path }, 'request failed');
    }
    if (apiError.extra.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(apiError.extra.retryAfterSeconds));
    res.status(apiError.status).json(apiError.toEnvelope());
  };
}

function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  // The router could not percent-decode a path parameter: the only one is a payment id, and no payment has it.
  if (err instanceof URIError) return new ApiError(404, 'not_found', 'payment_not_found', 'No payment has that id (it is not valid in a URL).');
  const e = err as { type?: string; status?: number; expose?: boolean; message?: string };
  // body-parser's own errors: malformed JSON, too large, wrong charset.
  if (e && typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) {
    if (e.type === 'entity.parse.failed') return new ApiError(400, 'invalid_request_error', 'invalid_json', 'The body is not valid JSON.');
    if (e.type === 'entity.too.large') return new ApiError(413, 'invalid_request_error', 'body_too_large', 'The body is too large.');
    // An unknown charset or Content-Encoding.
    if (e.status === 415) return new ApiError(415, 'invalid_request_error', 'unsupported_media_type', e.message ?? 'Unsupported media type.');
    return new ApiError(e.status, 'invalid_request_error', 'invalid_request', e.message ?? 'Bad request.');
  }
  return new ApiError(500, 'api_error', 'internal_error', 'Something went wrong on our side; it is safe to retry with the same Idempotency-Key.');
}
