import type { z } from 'zod';
import { WEBHOOK_SECRET_PREFIX, WEBHOOK_SECRET_RANDOM_LENGTH } from '../../wooshpay/assumptions.js';
import type {
  CreateWebhookEndpointParamsSchema,
  DeletedWebhookEndpoint,
  UpdateWebhookEndpointParamsSchema,
  WebhookEndpoint,
} from '../../wooshpay/schemas.js';
import { notFound } from '../api-error.js';
import { newId, randomAlphanumeric } from '../ids.js';
import { applyChanges, SIMULATED_API_VERSION, type Simulation } from '../simulation.js';
import type { StoredWebhookEndpoint } from '../store.js';

/** §8: the secret is in the create answer only. */
export function endpointView({ secret: _secret, ...endpoint }: StoredWebhookEndpoint): WebhookEndpoint {
  return endpoint;
}

export function getWebhookEndpoint(sim: Simulation, id: string): StoredWebhookEndpoint {
  const endpoint = sim.store.webhookEndpoints.get(id);
  if (!endpoint) throw notFound('webhook_endpoint', id);
  return endpoint;
}

export function createWebhookEndpoint(
  sim: Simulation,
  params: z.output<typeof CreateWebhookEndpointParamsSchema>,
): StoredWebhookEndpoint {
  const endpoint: StoredWebhookEndpoint = {
    id: newId('we_'),
    object: 'webhook_endpoint',
    url: params.url,
    enabled_events: params.enabled_events,
    status: 'enabled',
    created: sim.now(),
    livemode: false,
    api_version: params.api_version ?? SIMULATED_API_VERSION,
    description: params.description ?? null,
    metadata: params.metadata ?? {},
    // §14.19
    secret: `${WEBHOOK_SECRET_PREFIX}${randomAlphanumeric(WEBHOOK_SECRET_RANDOM_LENGTH)}`,
  };
  sim.store.webhookEndpoints.set(endpoint.id, endpoint);
  return endpoint;
}

export function updateWebhookEndpoint(
  sim: Simulation,
  id: string,
  { disabled, ...params }: z.output<typeof UpdateWebhookEndpointParamsSchema>,
): StoredWebhookEndpoint {
  const endpoint = getWebhookEndpoint(sim, id);
  applyChanges(endpoint, {
    ...(params.url === undefined ? {} : { url: params.url }),
    ...(params.enabled_events === undefined ? {} : { enabled_events: params.enabled_events }),
    ...(params.description === undefined ? {} : { description: params.description }),
    ...(params.metadata === undefined ? {} : { metadata: { ...endpoint.metadata, ...params.metadata } }),
    ...(disabled === undefined ? {} : { status: disabled ? 'disabled' : 'enabled' }),
  });
  return endpoint;
}

export function deleteWebhookEndpoint(sim: Simulation, id: string): DeletedWebhookEndpoint {
  getWebhookEndpoint(sim, id);
  sim.store.webhookEndpoints.delete(id);
  return { id, object: 'webhook_endpoint', deleted: true };
}
