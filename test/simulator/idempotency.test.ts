import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  createWooshPayClient,
  ERROR_CODES,
  ErrorEnvelopeSchema,
  PaymentIntentSchema,
  WooshPayError,
  type PaymentIntent,
} from '../../wooshpay/index.js';
import { basicAuth, directIntent, failure, key, startSimulator, type RunningSimulator } from './support.js';

describe('Idempotency-Key (§14.11)', () => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator();
  });
  beforeEach(() => sim.simulator.reset());
  afterAll(() => sim.close());

  const countIntents = async () => (await sim.client.listPaymentIntents({ limit: 100 })).data.length;
  const post = (path: string, body: string, idempotencyKey: string) =>
    sim.raw('POST', path, { body, headers: { 'Idempotency-Key': idempotencyKey } });

  it('replays the stored answer for the same key and body, without a second object', async () => {
    const idempotencyKey = key();
    const first = await post('/v1/payment_intents', JSON.stringify(directIntent()), idempotencyKey);
    const firstBody = PaymentIntentSchema.parse(await first.json());
    await sim.control(`/_sim/payment_intents/${firstBody.id}/succeed`);

    // Same parameters in another key order are the same request.
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(directIntent()).reverse()));
    const replay = await post('/v1/payment_intents', reordered, idempotencyKey);
    expect(replay.status).toBe(200);
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    // The answer as it was first given, although the intent has since succeeded.
    expect(PaymentIntentSchema.parse(await replay.json())).toEqual(firstBody);
    expect(firstBody.status).toBe('requires_action');
    expect(await countIntents()).toBe(1);
  });

  it('answers 409 idempotency_error for the same key with a different body or path, not retryable', async () => {
    const idempotencyKey = key();
    await sim.client.createPaymentIntent(directIntent(), { idempotencyKey });
    const error = await failure<WooshPayError>(sim.client.createPaymentIntent(directIntent({ amount: 2_000_000 }), { idempotencyKey }));
    expect(error).toBeInstanceOf(WooshPayError);
    expect(error).toMatchObject({ status: 409, type: 'idempotency_error', code: ERROR_CODES.idempotencyKeyReused, retryable: false });

    const otherPath = await post('/v1/refunds', JSON.stringify(directIntent()), idempotencyKey);
    expect(otherPath.status).toBe(409);
    expect(ErrorEnvelopeSchema.parse(await otherPath.json()).error.type).toBe('idempotency_error');
    expect(await countIntents()).toBe(1);
  });

  it('creates one object for ten concurrent requests with one key', async () => {
    const idempotencyKey = key();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => sim.client.createPaymentIntent(directIntent(), { idempotencyKey })),
    );
    expect(new Set(results.map((pi) => pi.id)).size).toBe(1);
    expect(await countIntents()).toBe(1);
  });

  it('answers 409 idempotency_key_in_use, retryable, while the first of ten is still executing', async () => {
    // The first request holds its key while it is slowed down; the nine others arrive meanwhile.
    await sim.control('/_sim/faults', { kind: 'latency', latencyMs: 300, times: 1 });
    const idempotencyKey = key();
    const settled = await Promise.allSettled(
      Array.from({ length: 10 }, () => sim.client.createPaymentIntent(directIntent(), { idempotencyKey })),
    );
    const created = settled.filter((r): r is PromiseFulfilledResult<PaymentIntent> => r.status === 'fulfilled');
    const refused = settled.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as WooshPayError);
    expect(created).toHaveLength(1);
    expect(refused).toHaveLength(9);
    for (const error of refused) {
      expect(error).toMatchObject({ status: 409, type: 'idempotency_error', code: ERROR_CODES.idempotencyKeyInUse, retryable: true });
    }
    // Retried as Temporal would, each gets the one object.
    const retried = await sim.client.createPaymentIntent(directIntent(), { idempotencyKey });
    expect(retried.id).toBe(created[0]?.value.id);
    expect(await countIntents()).toBe(1);
  });

  it('does not store an error: the same key works once the failure is gone', async () => {
    await sim.control('/_sim/faults', { kind: 'error', status: 503, times: 1 });
    const idempotencyKey = key();
    expect(await failure(sim.client.createPaymentIntent(directIntent(), { idempotencyKey }))).toMatchObject({ status: 503, retryable: true });
    const created = await sim.client.createPaymentIntent(directIntent(), { idempotencyKey });
    expect(created.status).toBe('requires_action');
    expect(await countIntents()).toBe(1);
  });

  it('scopes keys to the secret key that used them', async () => {
    const idempotencyKey = key();
    const other = createWooshPayClient({ baseUrl: sim.url, secretKey: 'sk_test_another_account' });
    const mine = await sim.client.createPaymentIntent(directIntent(), { idempotencyKey });
    const theirs = await other.createPaymentIntent(directIntent(), { idempotencyKey });
    expect(theirs.id).not.toBe(mine.id);
    expect(basicAuth('sk_test_x')).toBe(`Basic ${Buffer.from('sk_test_x:').toString('base64')}`);
  });

  it('leaves POSTs without a key unprotected, as the API allows', async () => {
    const body = JSON.stringify(directIntent());
    const a = await sim.raw('POST', '/v1/payment_intents', { body });
    const b = await sim.raw('POST', '/v1/payment_intents', { body });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(await countIntents()).toBe(2);
  });
});
