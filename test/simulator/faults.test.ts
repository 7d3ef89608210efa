import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { ActiveFault, DeliveryAttempt } from '../../simulator/index.js';
import { createWooshPayClient, ERROR_CODES, type WooshPayError } from '../../wooshpay/index.js';
import {
  directIntent,
  failure,
  key,
  sleep,
  startRecorder,
  startSimulator,
  waitFor,
  type Recorder,
  type RunningSimulator,
} from './support.js';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ webhookRetryScale: 1e-6 });
});
beforeEach(() => sim.simulator.reset());
afterAll(() => sim.close());

const addFault = (fault: object) => sim.control<{ faults: ActiveFault[] }>('/_sim/faults', fault);
const createIntent = (idempotencyKey = key()) => sim.client.createPaymentIntent(directIntent(), { idempotencyKey });
const countIntents = async () => (await sim.client.listPaymentIntents({ limit: 100 })).data.length;

describe('API faults', () => {
  it('answers 503 with Retry-After, then recovers after the given number of uses', async () => {
    await addFault({ kind: 'error', status: 503, retryAfterSeconds: 2, times: 2 });
    for (let i = 0; i < 2; i++) {
      const error = await failure<WooshPayError>(createIntent());
      expect(error).toMatchObject({ status: 503, type: 'api_error', retryable: true, retryAfterMs: 2_000 });
    }
    await createIntent();
    expect(await countIntents()).toBe(1);
  });

  it('answers 429 rate_limit and 500, both retryable, and never executes the request', async () => {
    await addFault({ kind: 'error', status: 429, retryAfterSeconds: 1, times: 1 });
    expect(await failure(createIntent())).toMatchObject({ status: 429, code: ERROR_CODES.rateLimit, retryable: true, retryAfterMs: 1_000 });
    await addFault({ kind: 'error', status: 500, times: 1 });
    expect(await failure(createIntent())).toMatchObject({ status: 500, retryable: true, retryAfterMs: undefined });
    expect(await countIntents()).toBe(0);
  });

  it('targets a path prefix and a method, and fires at its rate', async () => {
    await addFault({ kind: 'error', status: 500, pathPrefix: '/v1/refunds' });
    await addFault({ kind: 'error', status: 502, method: 'DELETE' });
    await addFault({ kind: 'error', status: 504, rate: 0 });
    const pi = await createIntent();
    await sim.control(`/_sim/payment_intents/${pi.id}/succeed`);
    expect(await failure(sim.client.createRefund({ payment_intent: pi.id }, { idempotencyKey: key() }))).toMatchObject({ status: 500 });
    expect(await failure(sim.client.deleteWebhookEndpoint('we_1'))).toMatchObject({ status: 502 });
    expect((await sim.client.retrievePaymentIntent(pi.id)).status).toBe('succeeded');
  });

  it('adds latency: a short client timeout gives up although the intent is created', async () => {
    await addFault({ kind: 'latency', latencyMs: 300, times: 1 });
    const impatient = createWooshPayClient({ baseUrl: sim.url, secretKey: 'sk_test_simulator_suite_0123456789', timeoutMs: 50 });
    const idempotencyKey = key();
    expect(await failure(impatient.createPaymentIntent(directIntent(), { idempotencyKey }))).toMatchObject({ code: ERROR_CODES.timeout, retryable: true });
    const created = await waitFor(async () => (await sim.client.listPaymentIntents()).data[0], 'the slow create to commit');
    // The retry with the same key finds the object the timed-out call created.
    expect((await createIntent(idempotencyKey)).id).toBe(created.id);
  });

  it('commits, then drops the connection: the caller sees a hang-up, the retry the same object', async () => {
    await addFault({ kind: 'commit_then_drop', pathPrefix: '/v1/payment_intents', method: 'POST', times: 1 });
    const idempotencyKey = key();
    const error = await failure<WooshPayError>(createIntent(idempotencyKey));
    expect(error).toMatchObject({ type: 'api_connection_error', code: ERROR_CODES.networkError, retryable: true, status: undefined });
    const [committed] = (await sim.client.listPaymentIntents()).data;
    expect(committed?.status).toBe('requires_action');
    const retried = await createIntent(idempotencyKey);
    expect(retried.id).toBe(committed?.id);
    expect(await countIntents()).toBe(1);
  });

  it('lists, removes used-up and clears faults, and refuses malformed ones', async () => {
    const { faults } = await addFault([
      { kind: 'error', status: 500, times: 1 },
      { kind: 'latency', latencyMs: 1 },
    ]);
    expect(faults.map((f) => [f.kind, f.remaining])).toEqual([
      ['error', 1],
      ['latency', null],
    ]);
    await failure(createIntent());
    const listed = (await (await fetch(`${sim.url}/_sim/faults`)).json()) as { faults: ActiveFault[] };
    expect(listed.faults.map((f) => f.kind)).toEqual(['latency']);
    expect((await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' })).status).toBe(200);
    expect(((await (await fetch(`${sim.url}/_sim/faults`)).json()) as { faults: unknown[] }).faults).toEqual([]);

    for (const bad of [{ kind: 'error', status: 418 }, { kind: 'explode' }, { kind: 'latency' }, { kind: 'error', status: 500, rate: 2 }]) {
      expect((await sim.raw('POST', '/_sim/faults', { body: bad, auth: null })).status).toBe(400);
    }
  });
});

describe('webhook faults', () => {
  let recorder: Recorder;
  beforeEach(async () => {
    recorder = await startRecorder(sim.client, ['payment_intent.created', 'payment_intent.requires_action', 'payment_intent.succeeded']);
  });
  afterEach(() => recorder.close());

  const log = async () => ((await (await fetch(`${sim.url}/_sim/webhooks`)).json()) as { data: DeliveryAttempt[] }).data;

  it('drops a delivery: never sent, never retried, logged as dropped', async () => {
    await addFault({ kind: 'webhook_drop', eventType: 'payment_intent.requires_action' });
    const pi = await createIntent();
    await sim.control(`/_sim/payment_intents/${pi.id}/succeed`);
    await recorder.waitForEvent('payment_intent.succeeded');
    await sleep(50);
    expect(recorder.types().sort()).toEqual(['payment_intent.created', 'payment_intent.succeeded']);
    const dropped = (await log()).filter((entry) => entry.outcome === 'dropped');
    expect(dropped).toMatchObject([{ event_type: 'payment_intent.requires_action', attempt: 1, status: null }]);
  });

  it('duplicates a delivery: the same event arrives twice', async () => {
    await addFault({ kind: 'webhook_duplicate', eventType: 'payment_intent.created', times: 1 });
    const pi = await createIntent();
    await waitFor(() => recorder.deliveries.filter((d) => d.event.type === 'payment_intent.created').length === 2, 'two copies');
    const copies = recorder.deliveries.filter((d) => d.event.type === 'payment_intent.created');
    expect(copies[0]?.event.id).toBe(copies[1]?.event.id);
    expect(copies[0]?.rawBody.equals(copies[1]?.rawBody ?? Buffer.alloc(0))).toBe(true);
    expect(copies[0]?.event.data.object.id).toBe(pi.id);
  });

  it('reorders deliveries: the later event arrives first', async () => {
    await addFault({ kind: 'webhook_reorder', window: 2, times: 2 });
    const pi = await createIntent();
    await waitFor(() => recorder.deliveries.length === 2, 'both events');
    expect(recorder.types()).toEqual(['payment_intent.requires_action', 'payment_intent.created']);
    expect(recorder.deliveries.every((d) => d.event.data.object.id === pi.id)).toBe(true);
  });

  it('releases a partial reorder window after holdMs', async () => {
    await addFault({ kind: 'webhook_reorder', window: 5, holdMs: 50, eventType: 'payment_intent.created', times: 1 });
    await createIntent();
    await waitFor(() => recorder.deliveries.length === 2, 'both events');
    expect(recorder.types()).toEqual(['payment_intent.requires_action', 'payment_intent.created']);
  });
});
