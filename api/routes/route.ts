/**
 * One entry of the intake API's route table: what express registers (method, path, auth, how the body is
 * read, the schemas the input is parsed with, the handler) and what the OpenAPI document says about it
 * (summary, examples, responses per status). Both are built from the same entry, so the document cannot
 * describe a route, a parameter or a schema the app does not have.
 */
import type { Client } from '@temporalio/client';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { Example } from '../openapi/examples.js';
import type { PaymentsService } from '../payments-service.js';
import type { ResponseComponent } from '../response-schemas.js';

export type Method = 'get' | 'post';

/** What the handlers need from the running app. */
export interface RouteDependencies {
  client: Client;
  payments: PaymentsService;
  /** `POST /webhooks/wooshpay`; it reads the raw body itself (signatures cover the exact bytes). */
  webhookHandler: RequestHandler;
  /** Built once per app from this same table. */
  openApiDocument: object;
}

export interface ResponseSpec {
  description: string;
  /** The JSON body's component; without it, `mediaType` with a plain schema. */
  schema?: ResponseComponent;
  mediaType?: 'text/plain' | 'application/json';
  examples?: Example[];
  headers?: Record<string, { description: string; schema: object }>;
}

export interface BodySpec<S extends z.ZodType = z.ZodType> {
  /** Name under `components.schemas`. */
  component: string;
  schema: S;
  /** Parts of `schema` shown as components of their own (a `oneOf`'s variants, a shared item shape), by name. */
  parts?: Record<string, z.ZodType>;
  required: boolean;
  examples: Example[];
  /**
   * `json`: parsed as JSON and validated with `schema` before the handler runs (a 400 names the parameter).
   * `raw`: handed over as bytes for the handler to verify and parse itself (webhook signatures).
   */
  read: 'json' | 'raw';
}

export interface RouteSpec {
  method: Method;
  /** OpenAPI path template (`/v1/payments/{id}`); `{id}` is a payment id, checked before the handler runs. */
  path: string;
  operationId: string;
  tag: 'Payments' | 'Webhooks' | 'Operations';
  summary: string;
  description?: string;
  /** `bearer`: one of `API_KEYS`; only the `/v1` routes, which share one router behind the key check. */
  auth: 'bearer' | 'none';
  /** A required `Idempotency-Key` header. */
  idempotencyKey?: boolean;
  /** A header the handler checks itself, documented with the operation. */
  header?: { name: string; description: string };
  query?: z.ZodObject;
  body?: BodySpec;
  responses: Record<number, ResponseSpec>;
}

/** What the route's own spec says it parsed, and nothing else; behind the bearer key, also whose key it was. */
export type RouteInput<S extends RouteSpec> = (S['auth'] extends 'bearer' ? { merchantId: string } : unknown) &
  (S['path'] extends `${string}{id}${string}` ? { paymentId: string } : unknown) &
  (S['idempotencyKey'] extends true ? { idempotencyKey: string } : unknown) &
  (S['body'] extends { read: 'json'; schema: infer B extends z.ZodType } ? { body: z.output<B> } : unknown) &
  (S['query'] extends z.ZodObject ? { query: z.output<S['query']> } : unknown);

export type RouteHandler<Input> = (input: Input, res: Response, req: Request, next: NextFunction) => unknown;

export interface Route<S extends RouteSpec = RouteSpec, Input = RouteInput<S>> {
  spec: S;
  /** Called once per app; thrown errors and rejected promises reach the app's error handler. */
  handler(deps: RouteDependencies): RouteHandler<Input>;
}

/** Any entry of the table; only the express builder calls a handler, with the input its spec describes. */
export type AnyRoute = Route<RouteSpec, never>;

/** Pairs a spec with its handler, typing the handler's input from the spec. */
export function defineRoute<const S extends RouteSpec>(spec: S, handler: (deps: RouteDependencies) => RouteHandler<RouteInput<S>>): Route<S> {
  return { spec, handler };
}

/** A route whose handler reads the request itself (health, metrics, the signed webhook body). */
export function defineExpressRoute<const S extends RouteSpec>(spec: S, handler: (deps: RouteDependencies) => RequestHandler): Route<S, unknown> {
  return {
    spec,
    handler: (deps) => {
      const handle = handler(deps);
      return (_input, res, req, next) => handle(req, res, next);
    },
  };
}
