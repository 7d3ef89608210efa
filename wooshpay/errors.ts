import { ERROR_CODES } from './assumptions.js';
import { ErrorEnvelopeSchema } from './schemas.js';

/**
 * What a failed call tells us about WooshPay's state. Only `rejected` is final: money is never
 * released, nor a payment ended, on an answer that does not prove WooshPay did nothing.
 * - `rejected`: a documented 4xx refusal (§2.6) with its envelope, or our own request refused before it
 *   was sent. Nothing changed, and the same call fails the same way.
 * - `ambiguous`: the call may have taken effect, or the object may exist, and we could not read the
 *   answer (a timeout or dropped connection after a change went out, a 2xx we cannot parse, a 5xx
 *   mid-change, a 404 on reading our own object). Retry with the same idempotency key, or read.
 * - `unavailable`: WooshPay did not act (429, 503, nothing sent, a read that failed). Retry later.
 * - `aborted`: our side stopped waiting (an activity cancelled, a worker shutting down): not an answer.
 */
export type WooshPayFailureKind = 'rejected' | 'ambiguous' | 'unavailable' | 'aborted';

/** A call's method: a `get` changes nothing, so an unanswered one changed nothing. */
export type HttpMethod = 'get' | 'post' | 'delete';

export interface WooshPayErrorInit {
  message: string;
  /** HTTP status; undefined when no response arrived. */
  status?: number | undefined;
  type: string;
  code: string;
  kind: WooshPayFailureKind;
  param?: string | undefined;
  declineCode?: string | undefined;
  retryAfterMs?: number | undefined;
  requestId?: string | undefined;
  cause?: unknown;
}

/**
 * Every failure of a WooshPay call, classified once, so activities only read `kind` (and `retryable`):
 * Temporal retries what is retryable (honouring `retryAfterMs`) and fails the rest at once.
 */
export class WooshPayError extends Error {
  override readonly name = 'WooshPayError';
  readonly status: number | undefined;
  readonly type: string;
  readonly code: string;
  readonly kind: WooshPayFailureKind;
  readonly param: string | undefined;
  readonly declineCode: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly requestId: string | undefined;

  constructor(init: WooshPayErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.type = init.type;
    this.code = init.code;
    this.kind = init.kind;
    this.param = init.param;
    this.declineCode = init.declineCode;
    this.retryAfterMs = init.retryAfterMs;
    this.requestId = init.requestId;
  }

  /** Everything but a refusal is worth repeating: the same key replays a committed change. */
  get retryable(): boolean {
    return this.kind !== 'rejected';
  }
}

/** §2.6: the 4xx statuses WooshPay documents as answers to a request it refused. */
const DOCUMENTED_REFUSALS: ReadonlySet<number> = new Set([400, 401, 402, 403, 404, 409]);

/** Unanswered or half-answered, a change may have been made; a read changes nothing either way. */
export function uncertainOutcome(method: HttpMethod): WooshPayFailureKind {
  return method === 'get' ? 'unavailable' : 'ambiguous';
}

/** An HTTP error status → what it tells us (see `WooshPayFailureKind`). */
export function classifyHttpFailure(
  status: number,
  { method, code, enveloped }: { method: HttpMethod; code?: string | null | undefined; enveloped: boolean },
): WooshPayFailureKind {
  // Both say "not now" before doing anything (429 with Retry-After, 503 Service Unavailable).
  if (status === 429 || status === 503) return 'unavailable';
  if (status === 409 && code === ERROR_CODES.idempotencyKeyInUse) return 'ambiguous'; // the original is still running
  // A 404 on reading an object we hold an id for is not proof it is gone (replication lag, another
  // account's key, a misrouted base URL); taking it as one could release a committed refund.
  if (status === 404 && method === 'get') return 'ambiguous';
  if (enveloped && DOCUMENTED_REFUSALS.has(status)) return 'rejected';
  // 5xx, undocumented 4xx, or a 4xx page from something in between: we do not know what happened.
  return uncertainOutcome(method);
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
  method: HttpMethod;
  /** The response body as text, which may or may not be the documented envelope. */
  body: string;
  retryAfter?: string | null | undefined;
  requestId?: string | null | undefined;
  now?: number;
}

/** An HTTP error response → `WooshPayError`, from the envelope when there is one. */
export function errorFromResponse({ status, method, body, retryAfter, requestId, now }: HttpFailure): WooshPayError {
  const envelope = ErrorEnvelopeSchema.safeParse(safeJson(body));
  const retryAfterMs = parseRetryAfter(retryAfter, now);
  const common = { status, retryAfterMs, requestId: requestId ?? undefined };
  if (!envelope.success) {
    return new WooshPayError({
      ...common,
      message: `WooshPay answered HTTP ${status} without an error envelope: ${body.slice(0, 200)}`,
      type: 'api_error',
      code: ERROR_CODES.unexpectedResponse,
      kind: classifyHttpFailure(status, { method, enveloped: false }),
    });
  }
  const { error } = envelope.data;
  const code = error.code ?? `http_${status}`;
  const kind = classifyHttpFailure(status, { method, code: error.code, enveloped: true });
  const message = error.message ?? `WooshPay answered HTTP ${status} (${error.type}/${code})`;
  return new WooshPayError({
    ...common,
    message:
      status === 404 && kind === 'ambiguous'
        ? `${message} (a 404 on reading an object we hold an id for is not proof that it does not exist; retried)`
        : message,
    type: error.type,
    code,
    kind,
    param: error.param ?? undefined,
    declineCode: error.decline_code ?? undefined,
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
