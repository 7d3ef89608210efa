/**
 * The routes outside `/v1`: WooshPay's webhook, health, readiness and the OpenAPI document. Metrics are not
 * among them: they have a listener of their own (API_METRICS_PORT, api/metrics.ts).
 */
import { SIGNATURE_HEADER, EventSchema } from '../../wooshpay/index.js';
import { livenessHandler, readinessHandler } from '../health.js';
import { errorResponses } from '../openapi/error-responses.js';
import { EXAMPLES } from '../openapi/examples.js';
import { defineExpressRoute } from './route.js';

const receiveWooshPayEvent = defineExpressRoute(
  {
    method: 'post',
    path: '/webhooks/wooshpay',
    operationId: 'receiveWooshPayEvent',
    tag: 'Webhooks',
    summary: 'WooshPay webhook endpoint',
    description:
      `Called by WooshPay, not by merchants. The raw body must carry a valid \`${SIGNATURE_HEADER}\`; 2xx once the ` +
      'event is durably signalled to its payment, 503 so WooshPay delivers again when Temporal is unreachable.',
    auth: 'none',
    header: {
      name: SIGNATURE_HEADER,
      description: '`t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">` with the endpoint’s signing secret.',
    },
    // Raw: the signature covers the exact bytes WooshPay sent; the handler verifies, then parses.
    body: { component: 'WooshPayEvent', schema: EventSchema, required: true, read: 'raw', examples: [EXAMPLES.webhookEvent] },
    responses: {
      200: { description: 'Accepted (or acknowledged and ignored).', schema: 'WebhookAck', examples: [EXAMPLES.webhookAck, EXAMPLES.webhookIgnored] },
      400: { description: 'Bad signature or not a WooshPay event; nothing changed.', schema: 'Error', examples: [EXAMPLES.badSignature] },
      ...errorResponses(503),
    },
  },
  ({ webhookHandler }) => webhookHandler,
);

const health = defineExpressRoute(
  {
    method: 'get',
    path: '/healthz',
    operationId: 'health',
    tag: 'Operations',
    summary: 'Liveness: the process is up',
    auth: 'none',
    responses: { 200: { description: 'Up.', schema: 'Health', examples: [EXAMPLES.health] } },
  },
  () => livenessHandler,
);

const ready = defineExpressRoute(
  {
    method: 'get',
    path: '/readyz',
    operationId: 'ready',
    tag: 'Operations',
    summary: 'Readiness: Temporal answers and the namespace exists',
    auth: 'none',
    responses: {
      200: { description: 'Ready for traffic.', schema: 'Ready', examples: [EXAMPLES.ready] },
      503: { description: 'Not ready.', schema: 'NotReady', examples: [EXAMPLES.notReady] },
    },
  },
  ({ client }) => readinessHandler(client),
);

const openapi = defineExpressRoute(
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openapi',
    tag: 'Operations',
    summary: 'This document',
    auth: 'none',
    responses: { 200: { description: 'OpenAPI 3.1.', mediaType: 'application/json' } },
  },
  ({ openApiDocument }) => (_req, res) => void res.json(openApiDocument),
);

export const OPERATIONS_ROUTES = [receiveWooshPayEvent, health, ready, openapi] as const;
