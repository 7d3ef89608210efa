import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { ERROR_CODES, REQUEST_ID_HEADER } from '../../wooshpay/assumptions.js';
import { PATHS } from '../../wooshpay/paths.js';
import {
  CancelPaymentIntentParamsSchema,
  ConfirmPaymentIntentParamsSchema,
  CreateCheckoutSessionParamsSchema,
  CreatePaymentIntentParamsSchema,
  CreateRefundParamsSchema,
  CreateWebhookEndpointParamsSchema,
  ListChargesParamsSchema,
  ListCheckoutSessionsParamsSchema,
  ListDisputesParamsSchema,
  ListParamsSchema,
  ListPaymentIntentsParamsSchema,
  SearchPaymentIntentsParamsSchema,
  UpdateDisputeParamsSchema,
  UpdateWebhookEndpointParamsSchema,
} from '../../wooshpay/schemas.js';
import { ApiError, notFound, parseParams } from '../api-error.js';
import { randomAlphanumeric } from '../ids.js';
import { paginate } from '../list.js';
import {
  createCheckoutSession,
  expireCheckoutSession,
  getStoredSession,
  listCheckoutSessions,
  listLineItems,
  sessionView,
} from '../resources/checkout-sessions.js';
import { acceptDispute, getDispute, updateDispute } from '../resources/disputes.js';
import {
  cancelPaymentIntent,
  confirmPaymentIntent,
  createPaymentIntent,
  getPaymentIntent,
  listPaymentIntents,
  searchPaymentIntents,
} from '../resources/payment-intents.js';
import { createRefund, getRefund } from '../resources/refunds.js';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  endpointView,
  getWebhookEndpoint,
  updateWebhookEndpoint,
} from '../resources/webhook-endpoints.js';
import type { Simulation } from '../simulation.js';
import { apiHandler } from './api-handler.js';

const TEST_KEY_PREFIX = 'sk_test_';

/** The `/v1` endpoints of the reference (§3–§9), behind Basic auth with a test secret key. */
export function apiRoutes(sim: Simulation): Router {
  const router = express.Router();
  // Paths are absolute (`/v1/…`, shared with the client), so the router is mounted at the root and
  // scopes its middleware to `/v1` itself.
  router.use('/v1', identifyRequest, authenticate);
  const handle = (operation: Parameters<typeof apiHandler>[1]) => apiHandler(sim, operation);

  router.post(PATHS.paymentIntents, handle(({ input, origin, baseUrl }) =>
    createPaymentIntent(sim, parseParams(CreatePaymentIntentParamsSchema, input), origin, baseUrl)));
  router.get(PATHS.paymentIntents, handle(({ input }) =>
    listPaymentIntents(sim, parseParams(ListPaymentIntentsParamsSchema, input))));
  router.get(PATHS.paymentIntentsSearch, handle(({ input }) =>
    searchPaymentIntents(sim, parseParams(SearchPaymentIntentsParamsSchema, input))));
  router.get(PATHS.paymentIntent, handle(({ params }) => getPaymentIntent(sim, params.id)));
  router.post(PATHS.paymentIntentConfirm, handle(({ params, input, origin, baseUrl }) =>
    confirmPaymentIntent(sim, params.id, parseParams(ConfirmPaymentIntentParamsSchema, input), origin, baseUrl)));
  router.post(PATHS.paymentIntentCancel, handle(({ params, input, origin }) => {
    const { cancellation_reason } = parseParams(CancelPaymentIntentParamsSchema, input);
    return cancelPaymentIntent(sim, params.id, cancellation_reason, origin);
  }));

  router.post(PATHS.checkoutSessions, handle(({ input, origin, baseUrl }) =>
    createCheckoutSession(sim, parseParams(CreateCheckoutSessionParamsSchema, input), origin, baseUrl)));
  router.get(PATHS.checkoutSessionsList, handle(({ input }) =>
    listCheckoutSessions(sim, parseParams(ListCheckoutSessionsParamsSchema, input))));
  router.get(PATHS.checkoutSession, handle(({ params }) => sessionView(sim, getStoredSession(sim, params.id))));
  router.post(PATHS.checkoutSessionExpire, handle(({ params, origin }) => expireCheckoutSession(sim, params.id, origin)));
  router.get(PATHS.checkoutSessionLineItems, handle(({ params, input }) =>
    listLineItems(sim, params.id, parseParams(ListParamsSchema, input))));

  router.post(PATHS.refunds, handle(({ input, origin }) => createRefund(sim, parseParams(CreateRefundParamsSchema, input), origin)));
  router.get(PATHS.refund, handle(({ params }) => getRefund(sim, params.id)));

  router.get(PATHS.chargesList, handle(({ input }) => {
    const params = parseParams(ListChargesParamsSchema, input);
    const charges = [...sim.store.charges.values()].filter((c) => !params.payment_intent || c.payment_intent === params.payment_intent);
    return paginate(charges, params, PATHS.chargesList);
  }));
  router.get(PATHS.charge, handle(({ params }) => {
    const charge = sim.store.charges.get(params.id);
    if (!charge) throw notFound('charge', params.id);
    return charge;
  }));

  router.get(PATHS.disputesList, handle(({ input }) => {
    const params = parseParams(ListDisputesParamsSchema, input);
    const disputes = [...sim.store.disputes.values()].filter(
      (d) => (!params.charge || d.charge === params.charge) && (!params.payment_intent || d.payment_intent === params.payment_intent),
    );
    // §7: the list page gives the envelope `url` as "/v1/disputes".
    return paginate(disputes, params, '/v1/disputes');
  }));
  router.get(PATHS.dispute, handle(({ params }) => getDispute(sim, params.id)));
  router.post(PATHS.disputeUpdate, handle(({ params, input, origin }) =>
    updateDispute(sim, params.id, parseParams(UpdateDisputeParamsSchema, input), origin)));
  router.post(PATHS.disputeClose, handle(({ params, origin }) => acceptDispute(sim, params.id, origin)));

  router.post(PATHS.webhookEndpoints, handle(({ input }) =>
    createWebhookEndpoint(sim, parseParams(CreateWebhookEndpointParamsSchema, input))));
  router.get(PATHS.webhookEndpoints, handle(({ input }) => {
    const page = paginate(sim.store.webhookEndpoints.values(), parseParams(ListParamsSchema, input), PATHS.webhookEndpoints);
    return { ...page, data: page.data.map(endpointView) };
  }));
  router.get(PATHS.webhookEndpoint, handle(({ params }) => endpointView(getWebhookEndpoint(sim, params.id))));
  router.post(PATHS.webhookEndpointUpdate, handle(({ params, input }) =>
    endpointView(updateWebhookEndpoint(sim, params.id, parseParams(UpdateWebhookEndpointParamsSchema, input)))));
  router.delete(PATHS.webhookEndpointDelete, handle(({ params }) => deleteWebhookEndpoint(sim, params.id)));

  router.get(PATHS.event, handle(({ params }) => {
    const event = sim.store.events.get(params.id);
    if (!event) throw notFound('event', params.id);
    return event;
  }));

  router.use('/v1', (req) => {
    throw new ApiError(404, 'invalid_request_error', ERROR_CODES.urlUnrecognized, `Unrecognized request URL (${req.method}: ${req.originalUrl})`);
  });
  return router;
}

function identifyRequest(_req: Request, res: Response, next: NextFunction): void {
  const requestId = `req_${randomAlphanumeric(14)}`;
  res.locals.requestId = requestId;
  res.set(REQUEST_ID_HEADER, requestId);
  next();
}

/** §1: `Authorization: Basic base64("<sk>:")`; the simulator is test mode, so only `sk_test_` keys. */
function authenticate(req: Request, res: Response, next: NextFunction): void {
  const header = req.get('authorization');
  if (!header) {
    throw new ApiError(401, 'invalid_request_error', ERROR_CODES.apiKeyMissing,
      'You did not provide an API key. Use HTTP Basic auth with your secret key as the username.');
  }
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  const username = match ? Buffer.from(match[1], 'base64').toString('utf8').split(':')[0] ?? '' : '';
  if (!username.startsWith(TEST_KEY_PREFIX) || username.length === TEST_KEY_PREFIX.length) {
    throw new ApiError(401, 'invalid_request_error', ERROR_CODES.apiKeyInvalid,
      'Invalid API key: the simulator accepts test secret keys (sk_test_…) with HTTP Basic auth.');
  }
  res.locals.apiKey = username;
  next();
}
