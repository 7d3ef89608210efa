import { ERROR_CODES } from './assumptions.js';
import { ErrorEnvelopeSchema } from './schemas.js';

export interface WooshPayErrorInit {
  message: string;
  /** HTTP status; undefined when no response arrived. */
  status?: number | undefined;
  type: string;
  code: string;
  param?: string | undefined;
  declineCode?: string | undefined;
  retryable: boolean;
  retryAfterMs?: number | undefined;
  requestId?: string | undefined;
  cause?: unknown;
}

/**
 * Every failure of a WooshPay call, classified once so activities only read `retryable`: Temporal
 * retries what is retryable (honouring `retryAfterMs`) and fails the rest at once.
 */
export class WooshPayError extends Error {
  override readonly name = 'WooshPayError';
  readonly status: number | undefined;
  readonly type: string;
  readonly code: string;
  readonly param: string | undefined;
  readonly declineCode: string | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly requestId: string | undefined;

  constructor(init: WooshPayErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.type = init.type;
    this.code = init.code;
    this.param = init.param;
    this.declineCode = init.declineCode;
    this.retryable = init.retryable;
    this.retryAfterMs = init.retryAfterMs;
    this.requestId = init.requestId;
  }
}

/**
 * Which HTTP failures are worth repeating: 429 and 5xx, and a 409 only while the original request
 * with the same idempotency key is still executing. A 409 for a reused key with a different body,
 * like every other 4xx, fails the same way every time.
 */
export function isRetryableStatus(status: number, code?: string | null): boolean {
  if (status === 429 || status >= 500) return true;
  if (status === 409) return code === ERROR_CODES.idempotencyKeyInUse;
  return false;
}

/** `Retry-After` as delay-seconds or an HTTP date, in milliseconds from `now`. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1_000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export interface HttpFailure {
  status: number;
  /** The response body as text, which may or may not be the documented envelope. */
  body: string;
  retryAfter?: string | null | undefined;
  requestId?: string | null | undefined;
  now?: number;
}

/** An HTTP error response → `WooshPayError`, from the envelope when there is one. */
export function errorFromResponse({ status, body, retryAfter, requestId, now }: HttpFailure): WooshPayError {
  const envelope = ErrorEnvelopeSchema.safeParse(safeJson(body));
  const retryAfterMs = parseRetryAfter(retryAfter, now);
  const common = { status, retryAfterMs, requestId: requestId ?? undefined };
  if (!envelope.success) {
    return new WooshPayError({
      ...common,
      message: `WooshPay answered HTTP ${status} without an error envelope: ${body.slice(0, 200)}`,
      type: 'api_error',
      code: ERROR_CODES.unexpectedResponse,
      retryable: isRetryableStatus(status),
    });
  }
  const { error } = envelope.data;
  const code = error.code ?? `http_${status}`;
  return new WooshPayError({
    ...common,
    message: error.message ?? `WooshPay answered HTTP ${status} (${error.type}/${code})`,
    type: error.type,
    code,
    param: error.param ?? undefined,
    declineCode: error.decline_code ?? undefined,
    retryable: isRetryableStatus(status, error.code),
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
