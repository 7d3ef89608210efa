import { ASSUMED_PATHS } from './assumptions.js';

// Every WooshPay path once, in Express's `:param` form: the simulator routes on these and the
// client fills them in, so the two sides of the wire cannot drift apart.
export const PATHS = {
  paymentIntents: '/v1/payment_intents',
  paymentIntentsSearch: '/v1/payment_intents/search',
  paymentIntent: '/v1/payment_intents/:id',
  paymentIntentConfirm: ASSUMED_PATHS.paymentIntentConfirm,
  paymentIntentCancel: '/v1/payment_intents/:id/cancel',
  checkoutSessions: '/v1/checkout/sessions',
  checkoutSessionsList: '/v1/checkout/sessions/list',
  checkoutSession: '/v1/checkout/sessions/:id',
  checkoutSessionExpire: ASSUMED_PATHS.checkoutSessionExpire,
  checkoutSessionLineItems: ASSUMED_PATHS.checkoutSessionLineItems,
  refunds: '/v1/refunds',
  refund: '/v1/refunds/:id',
  charge: '/v1/charges/:id',
  chargesList: '/v1/charges/list',
  dispute: ASSUMED_PATHS.dispute,
  disputeUpdate: ASSUMED_PATHS.disputeUpdate,
  disputeClose: '/v1/disputes/:id/close',
  disputesList: '/v1/disputes/list',
  webhookEndpoints: '/v1/webhook_endpoints',
  webhookEndpoint: '/v1/webhook_endpoints/:id',
  webhookEndpointUpdate: ASSUMED_PATHS.webhookEndpointUpdate,
  webhookEndpointDelete: ASSUMED_PATHS.webhookEndpointDelete,
  event: '/v1/events/:id',
} as const;

export type PathTemplate = (typeof PATHS)[keyof typeof PATHS];

/** Fills `:name` segments, encoding each value so an id can never change the path's shape. */
export function fillPath(template: string, params: Record<string, string> = {}): string {
  return template.replace(/:([A-Za-z_]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === '') throw new TypeError(`Missing path parameter "${name}" for ${template}`);
    return encodeURIComponent(value);
  });
}
