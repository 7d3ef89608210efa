/**
 * The WooshPay client's HTTP transport: one request function that checks parameters before the wire, sends
 * with the caller's idempotency key and deadline, and turns every outcome into either WooshPay's parsed answer
 * or a classified `WooshPayError` (refused, unavailable, or ambiguous: a change may have been made). The
 * client (client.ts) is the table of WooshPay's operations on top of it.
 */
import ky, { type KyInstance } from 'ky';
import type { z } from 'zod';
import { ERROR_CODES, IDEMPOTENCY_HEADER, REQUEST_ID_HEADER } from './assumptions.js';
import { WooshPayError, errorFromResponse, uncertainOutcome, type HttpMethod } from './errors.js';
import { describeInvalidParams } from './params.js';
import { fillPath } from './paths.js';

export interface WooshPayClientOptions {
  /** `https://apitest.wooshpay.com`, `https://api.wooshpay.com`, or a simulator's URL. */
  baseUrl: string;
  secretKey: string;
  /** Deadline for a whole call, response body included. */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

export interface RequestOptions {
  /** Aborts the call, e.g. a Temporal activity's cancellation signal. */
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * Every POST carries an idempotency key, and it is the caller's: only the caller knows which
 * attempts are the same operation (an activity derives it from the workflow, not the attempt).
 */
export interface PostOptions extends RequestOptions {
  idempotencyKey: string;
}

type Query = Record<string, unknown>;
export interface Params {
  schema: z.ZodType;
  value: unknown;
}
export const withSchema = (schema: z.ZodType, value: unknown): Params => ({ schema, value });

export function createTransport({ baseUrl, secretKey, timeoutMs = 15_000, fetch }: WooshPayClientOptions) {
  const http = ky.create({
    prefixUrl: baseUrl,
    headers: {
      Authorization: `Basic ${Buffer.from(`${secretKey}:`).toString('base64')}`,
      Accept: 'application/json',
    },
    // Retries belong to Temporal activities, which see the classified error and back off durably.
    retry: 0,
    // ky's own timeout stops at the response headers; our deadline below also covers the body.
    timeout: false,
    throwHttpErrors: false,
    ...(fetch ? { fetch } : {}),
  });

  const request = <S extends z.ZodType>(call: Call<S>) => send(http, timeoutMs, call);

  const get = <S extends z.ZodType>(path: string, schema: S, options: RequestOptions = {}, extra: Pick<Call<S>, 'id' | 'params'> = {}) =>
    request({ method: 'get', path, schema, options, ...extra });
  const post = <S extends z.ZodType>(path: string, schema: S, options: PostOptions, extra: Pick<Call<S>, 'id' | 'params'> = {}) =>
    request({ method: 'post', path, schema, options, ...extra });
  return { request, get, post };
}

interface Call<S extends z.ZodType> {
  method: HttpMethod;
  /** A PATHS template; `:id` is filled from `id`. */
  path: string;
  id?: string;
  schema: S;
  /** Query parameters (GET) or JSON body (POST), checked against their schema first. */
  params?: Params | undefined;
  options: RequestOptions & { idempotencyKey?: string };
}

/** One call: checked, sent under its deadline, and answered with WooshPay's parsed answer or a classified error. */
async function send<S extends z.ZodType>(http: KyInstance, defaultTimeoutMs: number, { method, path: template, id, schema, params, options }: Call<S>) {
  // Everything is checked inside this async function, so a bad call rejects like any other failure.
  const path = resolvePath(template, id);
  const valid = params ? validParams(params.schema, params.value) : undefined;
  const headers: Record<string, string> = {};
  if (method === 'post') {
    if (!options.idempotencyKey) {
      throw new WooshPayError({
        message: `${IDEMPOTENCY_HEADER} is required on every POST (${path})`,
        type: 'invalid_request_error',
        code: ERROR_CODES.idempotencyKeyMissing,
        kind: 'rejected',
      });
    }
    headers[IDEMPOTENCY_HEADER] = options.idempotencyKey;
  }
  // List parameters travel as a query string (§14.8), a POST's as its JSON body.
  const payload =
    method === 'post' ? { json: valid ?? {} } : valid === undefined ? {} : { searchParams: toSearchParams(valid as Query) };
  const deadline = AbortSignal.timeout(options.timeoutMs ?? defaultTimeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;

  let status: number;
  let text: string;
  let responseHeaders: Headers;
  try {
    const response = await http(path.replace(/^\//, ''), {
      method,
      headers,
      signal,
      ...payload,
    });
    status = response.status;
    responseHeaders = response.headers;
    text = await response.text();
  } catch (error) {
    throw transportError(error, { method, path }, deadline, options.signal);
  }

  const requestId = responseHeaders.get(REQUEST_ID_HEADER) ?? undefined;
  if (status < 200 || status >= 300) {
    throw errorFromResponse({ status, method, body: text, retryAfter: responseHeaders.get('Retry-After'), requestId });
  }
  const parsed = schema.safeParse(parseJson(text));
  if (!parsed.success) {
    // WooshPay said yes (a change it answered 2xx for is made) in a shape we cannot read: not a refusal.
    throw new WooshPayError({
      message: `WooshPay ${method.toUpperCase()} ${path} answered a shape we do not recognise: ${parsed.error.message}`,
      status,
      type: 'api_error',
      code: ERROR_CODES.invalidResponse,
      kind: 'ambiguous',
      requestId,
      cause: parsed.error,
    });
  }
  return parsed.data;
}

function resolvePath(template: string, id: string | undefined): string {
  if (id === undefined) return template;
  if (id === '') {
    throw new WooshPayError({
      message: `An id is required for ${template}`,
      type: 'invalid_request_error',
      code: ERROR_CODES.parameterMissing,
      param: 'id',
      kind: 'rejected',
    });
  }
  return fillPath(template, { id });
}

/** Parameters are checked before the wire: a bad call is a bug, reported without a round trip. */
function validParams<S extends z.ZodType>(schema: S, params: unknown): z.output<S> {
  const parsed = schema.safeParse(params);
  if (parsed.success) return parsed.data;
  const { code, param, message } = describeInvalidParams(parsed.error, params);
  throw new WooshPayError({
    message: `Invalid WooshPay request parameters: ${message}`,
    type: 'invalid_request_error',
    code,
    param,
    kind: 'rejected',
    cause: parsed.error,
  });
}

/** Nested objects in Stripe's bracket notation: `created[gte]=…`. */
function toSearchParams(query: Query): URLSearchParams {
  const params = new URLSearchParams();
  const add = (key: string, value: unknown): void => {
    if (value === undefined || value === null) return;
    if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) add(`${key}[${k}]`, v);
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      params.append(key, String(value));
    }
  };
  for (const [key, value] of Object.entries(query)) add(key, value);
  return params;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Failures at these stages never sent the request: nothing can have changed at WooshPay. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * No HTTP response: the caller's abort (its reason kept as the cause, so a Temporal cancellation stays
 * one), our deadline, or the network. Past the connection, a change may have been made.
 */
function transportError(
  error: unknown,
  call: { method: HttpMethod; path: string },
  deadline: AbortSignal,
  callerSignal?: AbortSignal,
): WooshPayError {
  const { method, path } = call;
  if (callerSignal?.aborted) {
    return new WooshPayError({
      message: `WooshPay call ${path} was aborted by its caller`,
      type: 'api_connection_error',
      code: ERROR_CODES.aborted,
      kind: 'aborted',
      cause: callerSignal.reason ?? error,
    });
  }
  if (deadline.aborted) {
    return new WooshPayError({
      message: `WooshPay call ${path} timed out`,
      type: 'api_connection_error',
      code: ERROR_CODES.timeout,
      kind: uncertainOutcome(method),
      cause: error,
    });
  }
  const detail = error instanceof Error ? `${error.message}${causeMessage(error)}` : String(error);
  return new WooshPayError({
    message: `WooshPay call ${path} failed without a response: ${detail}`,
    type: 'api_connection_error',
    code: ERROR_CODES.networkError,
    kind: NOT_SENT_CODES.has(causeCode(error) ?? '') ? 'unavailable' : uncertainOutcome(method),
    cause: error,
  });
}

/** Duck-typed: fetch's errors may come from another realm (a test runner's VM context), failing `instanceof`. */
function causeCode(error: unknown): string | undefined {
  const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof code === 'string' ? code : undefined;
}

function causeMessage(error: Error): string {
  return error.cause instanceof Error ? ` (${error.cause.message})` : '';
}
