import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { DeliveryAttempt } from '../../simulator/index.js';
import {
  KnownEventSchema,
  SIGNATURE_HEADER,
  verifyWebhookSignature,
  WEBHOOK_MAX_ATTEMPTS,
  type WooshPayError,
} from '../../wooshpay/index.js';
import {
  directIntent,
  failure,
  key,
  signatureOf,
  sleep,
  startReceiver,
  startSimulator,
  waitFor,
  type Receiver,
  type RunningSimulator,
} from './support.js';

let sim: RunningSimulator;
let receiver: Receiver;

beforeAll(async () => {
  // 1e-6: the 72 h schedule takes about a quarter of a second.
  sim = await startSimulator({ webhookRetryScale: 1e-6 });
});
beforeEach(async () => {
  sim.simulator.reset();
  receiver = await startReceiver();
});
afterEach(() => receiver.close());
afterAll(() => sim.close());

const register = (enabled_events = ['*'], url = receiver.url) =>
  sim.client.createWebhookEndpoint({ url, enabled_events, description: 'test' }, { idempotencyKey: key() });
const createIntent = () => sim.client.createPaymentIntent(directIntent(), { idempotencyKey: key() });

async function deliveryLog(query = ''): Promise<DeliveryAttempt[]> {
  const response = await fetch(`${sim.url}/_sim/webhooks${query}`);
  return ((await response.json()) as { data: DeliveryAttempt[] }).data;
}

describe('webhook endpoints (§8)', () => {
  it('creates with a secret shown once, then retrieves, lists, updates and deletes', async () => {
    const created = await register(['payment_intent.succeeded']);
    expect(created).toMatchObject({ object: 'webhook_endpoint', url: receiver.url, status: 'enabled', enabled_events: ['payment_intent.succeeded'], livemode: false });
    expect(created.id).toMatch(/^we_\d{19}$/);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9]{32}$/);

    const retrieved = await sim.client.retrieveWebhookEndpoint(created.id);
    expect(retrieved.secret).toBeUndefined();
    expect(retrieved).toMatchObject({ id: created.id, url: receiver.url });
    const list = await sim.client.listWebhookEndpoints({ limit: 5 });
    expect(list).toMatchObject({ object: 'list', url: '/v1/webhook_endpoints', has_more: false });
    expect(list.data.map((e) => [e.id, e.secret])).toEqual([[created.id, undefined]]);

    const updated = await sim.client.updateWebhookEndpoint(
      created.id,
      { enabled_events: ['*'], disabled: true, url: 'http://127.0.0.1:9/elsewhere', metadata: { team: 'payments' } },
      { idempotencyKey: key() },
    );
    expect(updated).toMatchObject({ status: 'disabled', enabled_events: ['*'], url: 'http://127.0.0.1:9/elsewhere', metadata: { team: 'payments' } });
    expect(updated.secret).toBeUndefined();

    expect(await sim.client.deleteWebhookEndpoint(created.id)).toEqual({ id: created.id, object: 'webhook_endpoint', deleted: true });
    expect(await failure(sim.client.retrieveWebhookEndpoint(created.id))).toMatchObject({ status: 404 });
  });

  it('refuses an endpoint without a usable URL or events', async () => {
    const raw = (body: object) => sim.raw('POST', '/v1/webhook_endpoints', { body, headers: { 'Idempotency-Key': key() } });
    expect((await raw({ url: 'javascript:alert(1)', enabled_events: ['*'] })).status).toBe(400);
    expect((await raw({ url: 'https://shop.example/hook', enabled_events: [] })).status).toBe(400);
  });
});

describe('webhook delivery (§10, §11)', () => {
  it('POSTs each event, signed over the exact bytes with the endpoint secret', async () => {
    const endpoint = await register();
    const pi = await createIntent();
    await waitFor(() => receiver.deliveries.length === 2, 'two deliveries');
    for (const delivery of receiver.deliveries) {
      expect(delivery.headers['content-type']).toContain('application/json');
      const header = signatureOf(delivery);
      expect(header).toMatch(/^t=\d{10},v1=[0-9a-f]{64}$/);
      expect(verifyWebhookSignature({ rawBody: delivery.rawBody, header, secrets: [endpoint.secret ?? ''] }).timestamp).toBeLessThanOrEqual(Date.now());
      // The very schemas the API's webhook route uses; a known type, not the generic fallback.
      const event = KnownEventSchema.parse(JSON.parse(delivery.rawBody.toString('utf8')));
      expect(event.data.object).toMatchObject({ id: pi.id });
      expect(await sim.client.retrieveEvent(event.id)).toEqual(delivery.event);
    }
    expect(SIGNATURE_HEADER).toBe('Wooshpay-Signature');
  });

  it('sends only the subscribed types, and nothing to disabled or deleted endpoints', async () => {
    await register(['payment_intent.succeeded']);
    const other = await startReceiver();
    const disabled = await register(['*'], other.url);
    await sim.client.updateWebhookEndpoint(disabled.id, { disabled: true }, { idempotencyKey: key() });
    const deleted = await register(['*'], other.url);
    await sim.client.deleteWebhookEndpoint(deleted.id);

    const pi = await createIntent();
    await sim.control(`/_sim/payment_intents/${pi.id}/succeed`);
    await waitFor(() => receiver.deliveries.length === 1, 'the succeeded event');
    await sleep(50);
    expect(receiver.deliveries.map((d) => d.event.type)).toEqual(['payment_intent.succeeded']);
    expect(other.deliveries).toHaveLength(0);
    await other.close();
  });

  it('retries a failing endpoint on the scaled schedule until it recovers', async () => {
    receiver.respond = (_delivery, index) => (index < 3 ? 500 : 200);
    const endpoint = await register(['payment_intent.succeeded']);
    const pi = await createIntent();
    await sim.control(`/_sim/payment_intents/${pi.id}/succeed`);

    await waitFor(() => receiver.deliveries.length === 4, 'four attempts');
    const ids = new Set(receiver.deliveries.map((d) => d.event.id));
    expect(ids.size).toBe(1);
    for (const delivery of receiver.deliveries) {
      expect(() => verifyWebhookSignature({ rawBody: delivery.rawBody, header: signatureOf(delivery), secrets: [endpoint.secret ?? ''] })).not.toThrow();
    }
    const log = await waitFor(async () => {
      const entries = await deliveryLog(`?endpoint_id=${endpoint.id}`);
      return entries.length === 4 && entries;
    }, 'four log entries');
    expect(log.map((e) => [e.attempt, e.outcome, e.status])).toEqual([
      [1, 'failed', 500],
      [2, 'failed', 500],
      [3, 'failed', 500],
      [4, 'succeeded', 200],
    ]);
    expect(log[0]).toMatchObject({ event_type: 'payment_intent.succeeded', url: receiver.url, error: 'HTTP 500' });
    expect(log[0]?.next_attempt_at).toEqual(expect.any(Number));
    expect(log[3]?.next_attempt_at).toBeNull();
    await sleep(30);
    expect(receiver.deliveries).toHaveLength(4);
  });

  it('counts an endpoint that does not answer in time as a failed attempt', async () => {
    sim.simulator.settings.webhookTimeoutMs = 100;
    receiver.respond = async (_delivery, index) => {
      if (index === 0) await sleep(400);
      return 200;
    };
    const endpoint = await register(['payment_intent.created']);
    await createIntent();
    const log = await waitFor(async () => {
      const entries = await deliveryLog(`?endpoint_id=${endpoint.id}`);
      return entries.some((e) => e.outcome === 'succeeded') && entries;
    }, 'a successful attempt');
    expect(log[0]).toMatchObject({ attempt: 1, outcome: 'failed', status: null, error: 'no answer within 100 ms' });
    expect(log.at(-1)).toMatchObject({ outcome: 'succeeded', status: 200 });
  });

  it('gives up after 18 attempts', async () => {
    sim.simulator.settings.webhookRetryScale = 1e-7;
    receiver.respond = () => 503;
    const endpoint = await register(['payment_intent.created']);
    await createIntent();
    const log = await waitFor(async () => {
      const entries = await deliveryLog(`?endpoint_id=${endpoint.id}&event_type=payment_intent.created`);
      return entries.length === WEBHOOK_MAX_ATTEMPTS && entries;
    }, '18 attempts');
    expect(log.map((e) => e.attempt)).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
    expect(log.at(-1)).toMatchObject({ outcome: 'failed', next_attempt_at: null });
    await sleep(50);
    expect(await deliveryLog(`?endpoint_id=${endpoint.id}`)).toHaveLength(18);
  });

  it('reports a refused connection in the log and retries it', async () => {
    const closed = await startReceiver();
    await closed.close();
    const endpoint = await register(['payment_intent.created'], closed.url);
    await createIntent();
    const log = await waitFor(async () => {
      const entries = await deliveryLog(`?endpoint_id=${endpoint.id}`);
      return entries.length >= 2 && entries;
    }, 'two attempts');
    expect(log[0]).toMatchObject({ outcome: 'failed', status: null, error: expect.stringContaining('fetch failed') });
  });

  it('can point an endpoint at a new URL, as an operator does once the API listens', async () => {
    const endpoint = await register(['payment_intent.created'], 'http://127.0.0.1:9/not-yet');
    await sim.client.updateWebhookEndpoint(endpoint.id, { url: receiver.url }, { idempotencyKey: key() });
    await createIntent();
    await waitFor(() => receiver.deliveries.length === 1, 'a delivery at the new URL');
  });

  it('is refused for unknown endpoints', async () => {
    const error = await failure<WooshPayError>(sim.client.updateWebhookEndpoint('we_404', { disabled: true }, { idempotencyKey: key() }));
    expect(error).toMatchObject({ status: 404, retryable: false });
  });
});
