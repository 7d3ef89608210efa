/**
 * The OpenAPI 3.1 description of the intake API (`GET /openapi.json`), built from the route table
 * (api/routes/table.ts) that express is built from too, with zod's own `z.toJSONSchema`: request bodies
 * from the schemas the routes parse with, rendered as what a client may send (`io: 'input'`), responses
 * from the schemas that typecheck against the workflow's record (api/response-schemas.ts), as what the API
 * returns. Examples are declared once with the schema they must satisfy (api/openapi/examples.ts).
 */
import { z } from 'zod';
import { type JsonSchema, operationObject, stripMeta } from './openapi/operation.js';
import { RESPONSE_COMPONENTS } from './response-schemas.js';
import type { AnyRoute, Method } from './routes/route.js';
import { ROUTES } from './routes/table.js';

export { EXAMPLES, type Example } from './openapi/examples.js';
export { RESPONSE_COMPONENTS };

/** Request bodies by component name, from the table; one name never stands for two schemas. */
export function requestComponents(routes: readonly AnyRoute[] = ROUTES): Record<string, z.ZodType> {
  const components: Record<string, z.ZodType> = {};
  const add = (name: string, schema: z.ZodType) => {
    const known = components[name];
    if (known && known !== schema) throw new Error(`Two schemas are named ${name}.`);
    components[name] = schema;
  };
  for (const { spec } of routes) {
    if (!spec.body) continue;
    add(spec.body.component, spec.body.schema);
    for (const [name, part] of Object.entries(spec.body.parts ?? {})) add(name, part);
  }
  return components;
}

/**
 * zod renders a discriminated union as a plain `oneOf`; OpenAPI's `discriminator` names the property and the
 * component each value selects, so generators build one type per variant.
 */
function discriminator(schema: z.ZodType, idOf: (schema: z.ZodType) => string | undefined): JsonSchema | undefined {
  if (!(schema instanceof z.ZodDiscriminatedUnion)) return undefined;
  const propertyName = schema.def.discriminator;
  const mapping: Record<string, string> = {};
  for (const option of schema.options as z.ZodObject[]) {
    const id = idOf(option);
    if (!id) throw new Error(`Each variant of a discriminated union needs a component of its own (${propertyName}).`);
    const values = (option.shape[propertyName] as z.ZodType)._zod.values ?? new Set();
    for (const value of values) {
      if (typeof value === 'string') mapping[value] = `#/components/schemas/${id}`;
    }
  }
  return { propertyName, mapping };
}

function componentSchemas(components: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(components)) registry.add(schema, { id });
  // WooshPay's schemas coerce (string amounts, JSON-encoded fields): rendered as what they accept.
  const { schemas } = z.toJSONSchema(registry, { io, uri: (id) => `#/components/schemas/${id}`, unrepresentable: 'any' });
  const idOf = (schema: z.ZodType) => registry.get(schema)?.id;
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const mapping = discriminator(components[id], idOf);
      return [id, { ...stripMeta(schema), ...(mapping && { discriminator: mapping }) }];
    }),
  );
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: Record<string, unknown>;
  paths: Record<string, Partial<Record<Method, JsonSchema>>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, unknown> };
  [key: string]: unknown;
}

export function buildOpenApiDocument(routes: readonly AnyRoute[] = ROUTES): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const { spec } of routes) (paths[spec.path] ??= {})[spec.method] = operationObject(spec);
  return {
    openapi: '3.1.0',
    info: {
      title: 'WooshPay bank-transfer payments — intake API',
      version: '1.0.0',
      description:
        'Indonesian bank-transfer payments through WooshPay, each run by a durable Temporal workflow. Amounts are ' +
        'integers in WooshPay units (IDR with exponent 2). Errors are `{ "error": { "type", "code", "message", "param"? } }`.',
    },
    tags: [
      { name: 'Payments', description: 'For merchant backends: Bearer API key.' },
      { name: 'Webhooks', description: 'For WooshPay: signed events.' },
      { name: 'Operations', description: 'Health, readiness, this document. Metrics are served on a port of their own, not here.' },
    ],
    paths,
    components: {
      schemas: { ...componentSchemas(requestComponents(routes), 'input'), ...componentSchemas(RESPONSE_COMPONENTS, 'output') },
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'One of the keys in API_KEYS.' } },
    },
  };
}
