/** `GET /_sim/requests`: what the simulator was asked, per route and object id (the bench's exactly-once checks). */
import { describe, expect, it } from '@jest/globals';
import { directIntent, key, useSimulator } from './support.js';

const fx = useSimulator();

async function requests(): Promise<Record<string, { total: number; byId: Record<string, number> }>> {
  const response = await fetch(`${fx.sim.url}/_sim/requests`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { routes: Record<string, { total: number; byId: Record<string, number> }> }).routes;
}

describe('request counts', () => {
  it('counts every request per route and per object id, answered or refused, and forgets them on reset', async () => {
    const pi = await fx.sim.client.createPaymentIntent(directIntent(), { idempotencyKey: key() });
    const cancelKey = key();
    await fx.sim.client.cancelPaymentIntent(pi.id, { cancellation_reason: 'customer cancelled' }, { idempotencyKey: cancelKey });
    await fx.sim.client.cancelPaymentIntent(pi.id, { cancellation_reason: 'customer cancelled' }, { idempotencyKey: cancelKey });
    await fx.sim.raw('POST', `/v1/payment_intents/${pi.id}/cancel`, { body: {}, headers: { 'Idempotency-Key': key() } });
    await fx.sim.client.retrievePaymentIntent(pi.id);

    const routes = await requests();
    expect(routes['POST /v1/payment_intents']).toEqual({ total: 1, byId: {} });
    expect(routes['POST /v1/payment_intents/:id/cancel']).toEqual({ total: 3, byId: { [pi.id]: 3 } });
    expect(routes['GET /v1/payment_intents/:id']).toEqual({ total: 1, byId: { [pi.id]: 1 } });
    expect(routes['GET /_sim/requests']).toBeUndefined();

    // The reset's own request is counted before it runs, then forgotten with the rest.
    await fx.sim.control('/_sim/reset');
    expect(await requests()).toEqual({});
  });
});
