import ky from 'ky';
import type { z } from 'zod';
import { ERROR_CODES, IDEMPOTENCY_HEADER, REQUEST_ID_HEADER } from './assumptions.js';
import { WooshPayError, errorFromResponse } from './errors.js';
import { describeInvalidParams } from './params.js';
import { PATHS, fillPath } from './paths.js';
import {
  CancelPaymentIntentParamsSchema,
  ChargeSchema,
  CheckoutSessionSchema,
  ConfirmPaymentIntentParamsSchema,
  CreateCheckoutSessionParamsSchema,
  CreatePaymentIntentParamsSchema,
  CreateRefundParamsSchema,
  CreateWebhookEndpointParamsSchema,
  DeletedWebhookEndpointSchema,
  DisputeSchema,
  EventSchema,
  LineItemSchema,
  ListChargesParamsSchema,
  ListCheckoutSessionsParamsSchema,
  ListDisputesParamsSchema,
  ListParamsSchema,
  ListPaymentIntentsParamsSchema,
  PaymentIntentSchema,
  RefundSchema,
  SearchPaymentIntentsParamsSchema,
  UpdateDisputeParamsSchema,
  UpdateWebhookEndpointParamsSchema,
  WebhookEndpointSchema,
  listEnvelope,
  type CancelPaymentIntentParams,
  type ConfirmPaymentIntentParams,
  type CreateCheckoutSessionParams,
  type CreatePaymentIntentParams,
  type CreateRefundParams,
  type CreateWebhookEndpointParams,
  type ListChargesParams,
  type ListCheckoutSessionsParams,
  type ListDisputesParams,
  type ListParams,
  type ListPaymentIntentsParams,
  type SearchPaymentIntentsParams,
  type UpdateDisputeParams,
  type UpdateWebhookEndpointParams,
} from './schemas.js';

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

const PaymentIntentList = listEnvelope(PaymentIntentSchema);
const CheckoutSessionList = listEnvelope(CheckoutSessionSchema);
const LineItemList = listEnvelope(LineItemSchema);
const ChargeList = listEnvelope(ChargeSchema);
const DisputeList = listEnvelope(DisputeSchema);
const WebhookEndpointList = listEnvelope(WebhookEndpointSchema);

export function createWooshPayClient({ baseUrl, secretKey, timeoutMs = 15_000, fetch }: WooshPayClientOptions) {
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

  interface Call<S extends z.ZodType> {
    method: 'get' | 'post' | 'delete';
    path: string;
    schema: S;
    query?: Query | undefined;
    body?: unknown;
    options: RequestOptions & { idempotencyKey?: string };
  }

  async function request<S extends z.ZodType>({ method, path, schema, query, body, options }: Call<S>) {
    const headers: Record<string, string> = {};
    if (method === 'post') {
      if (!options.idempotencyKey) {
        throw new WooshPayError({
          message: `${IDEMPOTENCY_HEADER} is required on every POST (${path})`,
          type: 'invalid_request_error',
          code: ERROR_CODES.idempotencyKeyMissing,
          retryable: false,
        });
      }
      headers[IDEMPOTENCY_HEADER] = options.idempotencyKey;
    }
    const deadline = AbortSignal.timeout(options.timeoutMs ?? timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;

    let status: number;
    let text: string;
    let responseHeaders: Headers;
    try {
      const response = await http(path.replace(/^\//, ''), {
        method,
        headers,
        signal,
        ...(query ? { searchParams: toSearchParams(query) } : {}),
        ...(body === undefined ? {} : { json: body }),
      });
      status = response.status;
      responseHeaders = response.headers;
      text = await response.text();
    } catch (error) {
      throw transportError(error, path, deadline, options.signal);
    }

    const requestId = responseHeaders.get(REQUEST_ID_HEADER) ?? undefined;
    if (status < 200 || status >= 300) {
      throw errorFromResponse({ status, body: text, retryAfter: responseHeaders.get('Retry-After'), requestId });
    }
    const parsed = schema.safeParse(parseJson(text));
    if (!parsed.success) {
      throw new WooshPayError({
        message: `WooshPay ${method.toUpperCase()} ${path} answered a shape we do not recognise: ${parsed.error.message}`,
        status,
        type: 'api_error',
        code: ERROR_CODES.invalidResponse,
        retryable: false,
        requestId,
        cause: parsed.error,
      });
    }
    return parsed.data;
  }

  const get = <S extends z.ZodType>(path: string, schema: S, options: RequestOptions = {}, query?: Query) =>
    request({ method: 'get', path, schema, query, options });
  const post = <S extends z.ZodType>(path: string, schema: S, options: PostOptions, body: unknown = {}) =>
    request({ method: 'post', path, schema, body, options });

  return {
    createPaymentIntent: (params: CreatePaymentIntentParams, options: PostOptions) =>
      post(PATHS.paymentIntents, PaymentIntentSchema, options, validParams(CreatePaymentIntentParamsSchema, params)),
    retrievePaymentIntent: (id: string, options?: RequestOptions) =>
      get(fillPath(PATHS.paymentIntent, { id }), PaymentIntentSchema, options),
    confirmPaymentIntent: (id: string, params: ConfirmPaymentIntentParams, options: PostOptions) =>
      post(
        fillPath(PATHS.paymentIntentConfirm, { id }),
        PaymentIntentSchema,
        options,
        validParams(ConfirmPaymentIntentParamsSchema, params),
      ),
    cancelPaymentIntent: (id: string, params: CancelPaymentIntentParams, options: PostOptions) =>
      post(
        fillPath(PATHS.paymentIntentCancel, { id }),
        PaymentIntentSchema,
        options,
        validParams(CancelPaymentIntentParamsSchema, params),
      ),
    listPaymentIntents: (params: ListPaymentIntentsParams = {}, options?: RequestOptions) =>
      get(PATHS.paymentIntents, PaymentIntentList, options, validParams(ListPaymentIntentsParamsSchema, params)),
    searchPaymentIntents: (params: SearchPaymentIntentsParams, options?: RequestOptions) =>
      get(
        PATHS.paymentIntentsSearch,
        PaymentIntentList,
        options,
        validParams(SearchPaymentIntentsParamsSchema, params),
      ),

    createCheckoutSession: (params: CreateCheckoutSessionParams, options: PostOptions) =>
      post(
        PATHS.checkoutSessions,
        CheckoutSessionSchema,
        options,
        validParams(CreateCheckoutSessionParamsSchema, params),
      ),
    retrieveCheckoutSession: (id: string, options?: RequestOptions) =>
      get(fillPath(PATHS.checkoutSession, { id }), CheckoutSessionSchema, options),
    expireCheckoutSession: (id: string, options: PostOptions) =>
      post(fillPath(PATHS.checkoutSessionExpire, { id }), CheckoutSessionSchema, options),
    listCheckoutSessionLineItems: (id: string, params: ListParams = {}, options?: RequestOptions) =>
      get(
        fillPath(PATHS.checkoutSessionLineItems, { id }),
        LineItemList,
        options,
        validParams(ListParamsSchema, params),
      ),
    listCheckoutSessions: (params: ListCheckoutSessionsParams = {}, options?: RequestOptions) =>
      get(
        PATHS.checkoutSessionsList,
        CheckoutSessionList,
        options,
        validParams(ListCheckoutSessionsParamsSchema, params),
      ),

    createRefund: (params: CreateRefundParams, options: PostOptions) =>
      post(PATHS.refunds, RefundSchema, options, validParams(CreateRefundParamsSchema, params)),
    retrieveRefund: (id: string, options?: RequestOptions) =>
      get(fillPath(PATHS.refund, { id }), RefundSchema, options),

    retrieveCharge: (id: string, options?: RequestOptions) =>
      get(fillPath(PATHS.charge, { id }), ChargeSchema, options),
    listCharges: (params: ListChargesParams = {}, options?: RequestOptions) =>
      get(PATHS.chargesList, ChargeList, options, validParams(ListChargesParamsSchema, params)),

    retrieveDispute: (id: string, options?: RequestOptions) =>
      get(fillPath(PATHS.dispute, { id }), DisputeSchema, options),
    updateDispute: (id: string, params: UpdateDisputeParams, options: PostOptions) =>
      post(fillPath(PATHS.disputeUpdate, { id }), DisputeSchema, options, validParams(UpdateDisputeParamsSchema, params)),
    /** Accepts the dispute (it ends `lost`). */
    closeDispute: (id: string, options: PostOptions) =>
      post(fillPath(PATHS.disputeClose, { id }), DisputeSchema, options),
    listDisputes: (params: ListDisputesParams = {}, options?: RequestOptions) =>
      get(PATHS.disputesList, DisputeList, options, validParams(ListDisputesParamsSchema, params)),

    /** The answer carries `secret`, the only time WooshPay shows it. */
    createWebhookEndpoint: (params: CreateWebhookEndpointParams, options: PostOptions) =>
      post(
        PATHS.webhookEndpoints,
        WebhookEndpointSchema,
        options,
        validParams(CreateWebhookEndpointParamsSchema, params),
      ),
    listWebhookEndpoints: (params: ListParams = {}, options?: RequestOptions) =>
      get(PATHS.webhookEndpoints, WebhookEndpointList, options, validParams(ListParamsSchema, params)),
    retrieveWebhookEndpoint: (id: string, options?: RequestOptions) =>
      get(fillPath(PATHS.webhookEndpoint, { id }), WebhookEndpointSchema, options),
    updateWebhookEndpoint: (id: string, params: UpdateWebhookEndpointParams, options: PostOptions) =>
      post(
        fillPath(PATHS.webhookEndpointUpdate, { id }),
        WebhookEndpointSchema,
        options,
        validParams(UpdateWebhookEndpointParamsSchema, params),
      ),
    deleteWebhookEndpoint: (id: string, options?: RequestOptions) =>
      request({
        method: 'delete',
        path: fillPath(PATHS.webhookEndpointDelete, { id }),
        schema: DeletedWebhookEndpointSchema,
        options: options ?? {},
      }),

    retrieveEvent: (id: string, options?: RequestOptions) => get(fillPath(PATHS.event, { id }), EventSchema, options),
  };
}

export type WooshPayClient = ReturnType<typeof createWooshPayClient>;

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
    retryable: false,
    cause: parsed.error,
  });
}

/** List parameters travel as a query string (§14.8), nested objects in bracket notation. */
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

/** No HTTP response: our deadline, the caller's abort, or the network. */
function transportError(error: unknown, path: string, deadline: AbortSignal, callerSignal?: AbortSignal): WooshPayError {
  if (deadline.aborted) {
    return new WooshPayError({
      message: `WooshPay call ${path} timed out`,
      type: 'api_connection_error',
      code: ERROR_CODES.timeout,
      retryable: true,
      cause: error,
    });
  }
  if (callerSignal?.aborted) {
    return new WooshPayError({
      message: `WooshPay call ${path} was aborted`,
      type: 'api_connection_error',
      code: ERROR_CODES.aborted,
      retryable: false,
      cause: error,
    });
  }
  const detail = error instanceof Error ? `${error.message}${causeMessage(error)}` : String(error);
  return new WooshPayError({
    message: `WooshPay call ${path} failed without a response: ${detail}`,
    type: 'api_connection_error',
    code: ERROR_CODES.networkError,
    retryable: true,
    cause: error,
  });
}

function causeMessage(error: Error): string {
  return error.cause instanceof Error ? ` (${error.cause.message})` : '';
}
