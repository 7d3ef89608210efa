/** The error answers the /v1 routes share, by status, as the route table documents them. */
import type { ResponseSpec, RouteSpec } from '../routes/route.js';
import { EXAMPLES } from './examples.js';

const ERROR_RESPONSES = {
  400: { description: 'Invalid request (the parameter is named in `param`).', schema: 'Error', examples: [EXAMPLES.badRequest] },
  401: { description: 'Missing or invalid API key.', schema: 'Error', examples: [EXAMPLES.unauthorized] },
  404: { description: 'No such payment.', schema: 'Error', examples: [EXAMPLES.notFound] },
  409: { description: 'Not possible in the payment’s current status.', schema: 'Error', examples: [EXAMPLES.state] },
  422: { description: 'Well-formed but refused (amount, provider).', schema: 'Error', examples: [EXAMPLES.unprocessable] },
  405: {
    description: 'The path has no such method; `Allow` lists the ones it has.',
    schema: 'Error',
    examples: [EXAMPLES.methodNotAllowed],
    headers: { Allow: { description: 'The methods this path answers, e.g. `GET, HEAD`.', schema: { type: 'string' } } },
  },
  413: { description: 'The body is larger than the route reads (100 kB of JSON; 1 MB for webhooks).', schema: 'Error', examples: [EXAMPLES.tooLarge] },
  415: {
    description: 'The body is not `application/json`, or its charset or `Content-Encoding` is not one the API reads.',
    schema: 'Error',
    examples: [EXAMPLES.unsupportedMediaType],
  },
  503: {
    description: 'Temporal (or WooshPay) is unavailable or still working; safe to retry with the same Idempotency-Key.',
    schema: 'Error',
    examples: [EXAMPLES.unavailable],
    headers: { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } } },
  },
} satisfies Record<number, ResponseSpec>;

/**
 * What the HTTP layer answers for any route of the table (api/routes/express.ts): 405 on every declared path
 * for its other methods; 413 and 415 wherever a body is read.
 */
export function protocolResponses(spec: Pick<RouteSpec, 'body'>): Record<number, ResponseSpec> {
  return spec.body ? errorResponses(405, 413, 415) : errorResponses(405);
}

/** The shared error answers a route can give, by status. */
export function errorResponses(...statuses: (keyof typeof ERROR_RESPONSES)[]): Record<number, ResponseSpec> {
  return Object.fromEntries(statuses.map((status) => [status, ERROR_RESPONSES[status]]));
}
