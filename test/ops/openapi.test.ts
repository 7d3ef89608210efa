/**
 * GET /openapi.json: the express app and the document are built from one route table (api/routes/table.ts);
 * read from the live app, every route it registers is described and nothing else. Every example satisfies the zod
 * schema it is shown under (the same schemas the routes validate with), every `$ref` resolves, and the
 * response schemas agree with the workflow's record both at compile time and on a real record.
 */
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import express, { type Express } from 'express';
import type { z } from 'zod';
import { createApp } from '../../api/app.js';
import { createApiMetrics } from '../../api/metrics.js';
import { buildOpenApiDocument, EXAMPLES, requestComponents, RESPONSE_COMPONENTS } from '../../api/openapi.js';
import type { PaymentsService } from '../../api/payments-service.js';
import { type MutuallyAssignable, PaymentSchema } from '../../api/response-schemas.js';
import { registerRoutes } from '../../api/routes/express.js';
import type { AnyRoute, RouteDependencies } from '../../api/routes/route.js';
import { ROUTES } from '../../api/routes/table.js';
import { createLogger } from '../../config/logger.js';
import type { PaymentRecord } from '../../workflows/messages.js';
import { initialRecord } from '../../workflows/payment-state.js';

type Assert<T extends true> = T;
// The agreement check in api/response-schemas.ts is not vacuous: a schema missing one field fails it.
// @ts-expect-error `closed_at` is missing, so the schema and PaymentRecord are not mutually assignable.
export type DriftedSchemaIsCaught = Assert<MutuallyAssignable<z.infer<ReturnType<typeof PaymentSchema.omit<{ closed_at: true }>>>, PaymentRecord>>;

const COMPONENTS: Record<string, z.ZodType> = { ...requestComponents(), ...RESPONSE_COMPONENTS };

function testApp(): Express {
  return createApp({
    client: {} as Client,
    payments: {} as PaymentsService,
    apiKeys: [{ merchantId: 'default', key: 'test_key_0123456789abcdef' }],
    logger: createLogger('openapi-test', 'silent'),
    metrics: createApiMetrics(),
    webhookHandler: (_req, res) => void res.status(204).end(),
  });
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
  rawPath?: string;
}

/** Every `METHOD /path` the app (and the routers mounted in it) registers, in OpenAPI path syntax. */
function registeredRoutes(app: Express): string[] {
  const routes: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && method !== '_all') routes.push(`${method.toUpperCase()} ${prefix}${layer.route.path}`.replace(/:(\w+)/g, '{$1}'));
        }
      } else if (layer.handle.stack) {
        walk(layer.handle.stack, `${prefix}${layer.rawPath && layer.rawPath !== '/' ? layer.rawPath : ''}`);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return routes.sort();
}

/** Every `examples` map in the document with the schema `$ref` beside it. */
function documentedExamples(node: unknown, found: { ref: string | undefined; value: unknown; where: string }[] = [], where = '$'): typeof found {
  if (Array.isArray(node)) node.forEach((child, i) => documentedExamples(child, found, `${where}[${i}]`));
  else if (node && typeof node === 'object') {
    const media = node as { schema?: { $ref?: string }; examples?: Record<string, { value: unknown }> };
    if (media.examples && media.schema) {
      for (const [name, e] of Object.entries(media.examples)) found.push({ ref: media.schema.$ref, value: e.value, where: `${where}.examples.${name}` });
    }
    for (const [key, child] of Object.entries(node)) documentedExamples(child, found, `${where}.${key}`);
  }
  return found;
}

describe('OpenAPI document', () => {
  const doc = buildOpenApiDocument();

  it('describes exactly the routes the live express app registers', () => {
    const app = testApp();
    const registered = registeredRoutes(app);
    // The walk must see the mounted /v1 router and the app's own routes, or the comparison proves nothing.
    expect(registered).toEqual(expect.arrayContaining(['GET /v1/payments/{id}', 'POST /webhooks/wooshpay', 'GET /openapi.json']));
    const described = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(described).toEqual(registered);
    expect(ROUTES.length).toBe(registered.length);
  });

  it('keeps the bearer key to the /v1 routes when building the app from a table', () => {
    const misplaced = ROUTES.map((route): AnyRoute => ({ ...route, spec: { ...route.spec, auth: route.spec.path === '/healthz' ? 'bearer' : route.spec.auth } }));
    expect(() => registerRoutes(express(), misplaced, {} as RouteDependencies, [{ merchantId: 'default', key: 'k' }])).toThrow(/health: exactly the routes under \/v1\//);
    const unauthenticated = ROUTES.map((route): AnyRoute => ({ ...route, spec: { ...route.spec, auth: 'none' } }));
    expect(() => registerRoutes(express(), unauthenticated, {} as RouteDependencies, [{ merchantId: 'default', key: 'k' }])).toThrow(/createPayment/);
  });

  it('is OpenAPI 3.1 with unique operation ids, a summary and responses for every operation', () => {
    expect(doc.openapi).toBe('3.1.0');
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    for (const ops of Object.values(doc.paths)) {
      for (const op of Object.values(ops)) {
        expect(op).toEqual(expect.objectContaining({ summary: expect.any(String), responses: expect.any(Object) }));
        expect(Object.keys(op.responses as object).length).toBeGreaterThan(0);
      }
    }
  });

  it('requires the bearer key exactly on the /v1 routes', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const op of Object.values(ops)) {
        expect({ path, security: op.security }).toEqual({ path, security: path.startsWith('/v1/') ? [{ bearerAuth: [] }] : [] });
      }
    }
  });

  it('resolves every $ref to a component', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of new Set(refs)) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(Object.keys(doc.components.schemas)).toContain(ref.replace('#/components/schemas/', ''));
    }
  });

  it('renders the request schemas the routes validate with (variants, required fields, strictness)', () => {
    type ObjectSchema = { required: string[]; additionalProperties: boolean; properties: Record<string, { const?: string; default?: string }> };
    const create = doc.components.schemas.CreatePaymentRequest as { oneOf: { $ref: string }[]; discriminator: { propertyName: string; mapping: Record<string, string> } };
    expect(create.oneOf).toEqual([{ $ref: '#/components/schemas/DirectPaymentRequest' }, { $ref: '#/components/schemas/CheckoutPaymentRequest' }]);
    expect(create.discriminator).toEqual({
      propertyName: 'integration',
      mapping: { direct: '#/components/schemas/DirectPaymentRequest', checkout: '#/components/schemas/CheckoutPaymentRequest' },
    });
    const direct = doc.components.schemas.DirectPaymentRequest as ObjectSchema;
    const checkout = doc.components.schemas.CheckoutPaymentRequest as ObjectSchema;
    expect([...direct.required].sort()).toEqual(['amount', 'currency', 'return_url']);
    expect(direct.properties.integration).toMatchObject({ const: 'direct', default: 'direct' });
    expect(Object.keys(direct.properties)).not.toContain('success_url');
    expect([...checkout.required].sort()).toEqual(['amount', 'cancel_url', 'currency', 'integration', 'line_items', 'success_url']);
    expect(Object.keys(checkout.properties)).not.toContain('return_url');
    expect([direct.additionalProperties, checkout.additionalProperties]).toEqual([false, false]);
    expect(doc.components.schemas.FlatLineItem).toMatchObject({ deprecated: true });
    const cursor = (doc.paths['/v1/payments'].get!.parameters as { name: string; schema: { description: string } }[]).find((p) => p.name === 'starting_after');
    expect(cursor?.schema.description).toMatch(/^Opaque/);
    const payment = doc.components.schemas.Payment as { required: string[] };
    expect([...payment.required].sort()).toEqual(Object.keys(PaymentSchema.shape).sort());
  });

  it('documents 405 on every operation, 413 and 415 where a body is read, and Retry-After on every 503 of the shared errors', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const op of Object.values(ops)) {
        const responses = op.responses as Record<string, { headers?: Record<string, unknown> }>;
        expect({ path, allow: Boolean(responses['405']?.headers?.Allow) }).toEqual({ path, allow: true });
        const readsBody = Boolean(op.requestBody);
        expect({ path, op: op.operationId, 413: '413' in responses, 415: '415' in responses }).toEqual({ path, op: op.operationId, 413: readsBody, 415: readsBody });
        if ('503' in responses && path !== '/readyz') expect({ path, retryAfter: Boolean(responses['503'].headers?.['Retry-After']) }).toEqual({ path, retryAfter: true });
      }
    }
  });

  it('validates every declared example against its zod schema', () => {
    for (const [key, e] of Object.entries(EXAMPLES)) {
      const parsed = e.schema.safeParse(e.value);
      expect({ key, issues: parsed.success ? [] : parsed.error.issues }).toEqual({ key, issues: [] });
    }
  });

  it('shows only declared examples, each under the schema it was validated with', () => {
    const found = documentedExamples(doc.paths);
    expect(found.length).toBeGreaterThanOrEqual(Object.keys(EXAMPLES).length);
    const declared = Object.values(EXAMPLES);
    for (const f of found) {
      const component = f.ref?.replace('#/components/schemas/', '');
      const match = declared.find((e) => e.value === f.value);
      expect({ where: f.where, declared: Boolean(match) }).toEqual({ where: f.where, declared: true });
      expect({ where: f.where, schemaMatches: COMPONENTS[component ?? ''] === match!.schema }).toEqual({ where: f.where, schemaMatches: true });
      const parsed = COMPONENTS[component ?? ''].safeParse(f.value);
      expect({ where: f.where, ok: parsed.success }).toEqual({ where: f.where, ok: true });
    }
    // Every declared example is shown somewhere.
    for (const [key, e] of Object.entries(EXAMPLES)) {
      expect({ key, shown: found.some((f) => f.value === e.value) }).toEqual({ key, shown: true });
    }
  });

  it('rejects an example that does not match (the check above can fail)', () => {
    expect(EXAMPLES.createDirect.schema.safeParse({ ...EXAMPLES.createDirect.value, currency: 'USD' }).success).toBe(false);
    expect(PaymentSchema.safeParse({ ...EXAMPLES.payment.value, unexpected: true }).success).toBe(false);
  });

  it('describes a record the workflow really makes', () => {
    const record = initialRecord({
      paymentId: 'pay_k3vq7x2mhd4nq6rj5wz2a7bc',
      requestFingerprint: 'f',
      intakeId: 'i',
      amount: 10_000,
      currency: 'IDR',
      integration: 'direct',
      returnUrl: 'https://shop.example/return',
      metadata: {},
      expiresAt: 1_767_312_000_000,
      createdAt: 1_767_225_600_000,
    });
    expect(PaymentSchema.parse(record)).toEqual(record);
  });

  it('is served at GET /openapi.json without an API key', async () => {
    const server = testApp().listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/openapi.json`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/application\/json/);
      expect(await response.json()).toEqual(JSON.parse(JSON.stringify(doc)));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
