/** One route of the table as an OpenAPI operation object: parameters, request body, responses. */
import { z } from 'zod';
import type { ResponseSpec, RouteSpec } from '../routes/route.js';
import { IdempotencyKeySchema, PaymentIdSchema } from '../schemas.js';
import { protocolResponses } from './error-responses.js';
import { EXAMPLES, type Example } from './examples.js';

export type JsonSchema = Record<string, unknown>;

export function stripMeta(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

/** Request-side schemas are rendered as what a client may send (`io: 'input'`: defaults make fields optional). */
function inlineSchema(schema: z.ZodType): JsonSchema {
  return stripMeta(z.toJSONSchema(schema, { io: 'input' }));
}

function mediaExamples(examples: Example[] | undefined): Record<string, { summary: string; value: unknown }> | undefined {
  if (!examples?.length) return undefined;
  return Object.fromEntries(examples.map((e) => [e.name, { summary: e.summary, value: e.value }]));
}

function parameters(spec: RouteSpec): JsonSchema[] {
  const list: JsonSchema[] = [];
  if (spec.path.includes('{id}')) {
    list.push({ name: 'id', in: 'path', required: true, description: 'The payment id (`pay_…`).', schema: inlineSchema(PaymentIdSchema), example: EXAMPLES.payment.value.id });
  }
  if (spec.idempotencyKey) {
    list.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: true,
      description: 'Makes retries safe: the same key and body give the same result.',
      schema: inlineSchema(IdempotencyKeySchema),
      example: 'order-10023-attempt-1',
    });
  }
  if (spec.header) list.push({ name: spec.header.name, in: 'header', required: true, description: spec.header.description, schema: { type: 'string' } });
  if (spec.query) {
    const query = inlineSchema(spec.query) as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      list.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
    }
  }
  return list;
}

function response({ description, schema, mediaType, examples, headers }: ResponseSpec): JsonSchema {
  const content = schema
    ? { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` }, examples: mediaExamples(examples) } }
    : { [mediaType ?? 'application/json']: { schema: mediaType === 'text/plain' ? { type: 'string' } : { type: 'object' } } };
  return { description, content, ...(headers && { headers }) };
}

export function operationObject(spec: RouteSpec): JsonSchema {
  const params = parameters(spec);
  return {
    operationId: spec.operationId,
    tags: [spec.tag],
    summary: spec.summary,
    ...(spec.description && { description: spec.description }),
    security: spec.auth === 'bearer' ? [{ bearerAuth: [] }] : [],
    ...(params.length && { parameters: params }),
    ...(spec.body && {
      requestBody: {
        required: spec.body.required,
        content: {
          'application/json': {
            schema: { $ref: `#/components/schemas/${spec.body.component}` },
            examples: mediaExamples(spec.body.examples),
          },
        },
      },
    }),
    responses: Object.fromEntries(Object.entries({ ...protocolResponses(spec), ...spec.responses }).map(([status, r]) => [status, response(r)])),
  };
}
