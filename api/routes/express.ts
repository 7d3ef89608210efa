/**
 * Registers the route table on an express app. Each route's input is read as its spec declares — the
 * payment id (404 when malformed), the Idempotency-Key, the JSON body and the query, each parsed with the
 * spec's own schema (400 naming the parameter) — before its handler runs, so the handler only ever sees
 * what the OpenAPI document promises.
 */
import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
import type { ApiKeyEntry } from '../../config/merchants.js';
import { merchantOf, requireApiKey } from '../auth.js';
import { ApiError, parseOrThrow } from '../errors.js';
import { IdempotencyKeySchema, PaymentIdSchema } from '../schemas.js';
import { paymentNotFound } from '../temporal-errors.js';
import type { AnyRoute, RouteDependencies, RouteSpec } from './route.js';

/** Where the bearer-key routes live; the key is checked for every path under it, known or not. */
const AUTHENTICATED_PREFIX = '/v1';
const JSON_BODY_LIMIT = '100kb';
const RAW_BODY_LIMIT = '1mb';

export function registerRoutes(app: Express, routes: readonly AnyRoute[], deps: RouteDependencies, apiKeys: readonly ApiKeyEntry[]): void {
  const authenticated = express.Router();
  authenticated.use(requireApiKey(apiKeys), express.json({ limit: JSON_BODY_LIMIT, strict: true }));
  let authenticatedMounted = false;

  for (const route of routes) {
    const { spec } = route;
    const handle = route.handler(deps);
    const handler: RequestHandler = (req, res, next) => handle(inputOf(spec, req, res) as never, res, req, next);
    const underPrefix = spec.path.startsWith(`${AUTHENTICATED_PREFIX}/`);
    if ((spec.auth === 'bearer') !== underPrefix) {
      throw new Error(`${spec.operationId}: exactly the routes under ${AUTHENTICATED_PREFIX}/ take the bearer key.`);
    }
    if (spec.auth === 'bearer') {
      if (spec.body?.read === 'raw') throw new Error(`${spec.operationId}: ${AUTHENTICATED_PREFIX} bodies are JSON.`);
      authenticated[spec.method](expressPath(spec.path.slice(AUTHENTICATED_PREFIX.length)), handler);
      if (!authenticatedMounted) app.use(AUTHENTICATED_PREFIX, authenticated);
      authenticatedMounted = true;
    } else {
      app[spec.method](expressPath(spec.path), ...bodyReader(spec), handler);
    }
  }
}

/** `/v1/payments/{id}` → `/v1/payments/:id`. */
export function expressPath(openApiPath: string): string {
  return openApiPath.replace(/\{(\w+)\}/g, ':$1');
}

function bodyReader(spec: RouteSpec): RequestHandler[] {
  if (!spec.body) return [];
  // Raw: any content type, as the exact bytes (a webhook signature covers them).
  if (spec.body.read === 'raw') return [express.raw({ type: () => true, limit: RAW_BODY_LIMIT })];
  return [express.json({ limit: JSON_BODY_LIMIT, strict: true })];
}

/** The input the spec declares, in the order a client would fix its request: which payment, key, body, query. */
function inputOf(spec: RouteSpec, req: Request, res: Response): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  if (spec.auth === 'bearer') input.merchantId = merchantOf(res);
  if (spec.path.includes('{id}')) input.paymentId = paymentId(req);
  if (spec.idempotencyKey) input.idempotencyKey = idempotencyKey(req);
  if (spec.body?.read === 'json') input.body = parseOrThrow(spec.body.schema, req.body ?? {});
  if (spec.query) input.query = parseOrThrow(spec.query, req.query);
  return input;
}

function paymentId(req: Request): string {
  const id = req.params.id;
  if (!PaymentIdSchema.safeParse(id).success) throw paymentNotFound(String(id));
  return id as string;
}

function idempotencyKey(req: Request): string {
  const parsed = IdempotencyKeySchema.safeParse(req.get('idempotency-key'));
  if (!parsed.success) {
    throw new ApiError(400, 'invalid_request_error', 'idempotency_key_missing', parsed.error.issues[0].message, {
      param: 'Idempotency-Key',
    });
  }
  return parsed.data;
}
