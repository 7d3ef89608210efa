/** The error answers the /v1 routes share, by status, as the route table documents them. */
import type { ResponseSpec } from '../routes/route.js';
import { EXAMPLES } from './examples.js';

const ERROR_RESPONSES = {
  400: { description: 'Invalid request (the parameter is named in `param`).', schema: 'Error', examples: [EXAMPLES.badRequest] },
  401: { description: 'Missing or invalid API key.', schema: 'Error', examples: [EXAMPLES.unauthorized] },
  404: { description: 'No such payment.', schema: 'Error', examples: [EXAMPLES.notFound] },
  409: { description: 'Not possible in the payment’s current status.', schema: 'Error', examples: [EXAMPLES.state] },
  422: { description: 'Well-formed but refused (amount, provider).', schema: 'Error', examples: [EXAMPLES.unprocessable] },
  503: {
    description: 'Temporal (or WooshPay) is unavailable or still working; safe to retry with the same Idempotency-Key.',
    schema: 'Error',
    examples: [EXAMPLES.unavailable],
    headers: { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } } },
  },
} satisfies Record<number, ResponseSpec>;

/** The shared error answers a route can give, by status. */
export function errorResponses(...statuses: (keyof typeof ERROR_RESPONSES)[]): Record<number, ResponseSpec> {
  return Object.fromEntries(statuses.map((status) => [status, ERROR_RESPONSES[status]]));
}
