import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ERROR_CODES, ErrorEnvelopeSchema, PATHS } from '../../wooshpay/index.js';
import { basicAuth, key, startSimulator, type RunningSimulator } from './support.js';

describe('authentication, errors and bad input', () => {
  let sim: RunningSimulator;
  let ids: { pi: string; session: string; dispute: string; refund: string; endpoint: string };
  const unexpected: unknown[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ log: (_message, error) => unexpected.push(error) });
    const pi = await sim.client.createPaymentIntent(
      { amount: 1_000_000, currency: 'IDR', confirm: true, payment_method_data: { type: 'bank_transfer_id' } },
      { idempotencyKey: key() },
    );
    await sim.control(`/_sim/payment_intents/${pi.id}/succeed`);
    const session = await sim.client.createCheckoutSession(
      { mode: 'payment', success_url: 'https://s.example', line_items: [{ quantity: 1, price_data: { currency: 'IDR', unit_amount: 100_000, product_data: { name: 'x' } } }] },
      { idempotencyKey: key() },
    );
    const refund = await sim.client.createRefund({ payment_intent: pi.id, amount: 1 }, { idempotencyKey: key() });
    const dispute = await sim.control<{ id: string }>(`/_sim/payment_intents/${pi.id}/dispute`, { amount: 10 });
    const endpoint = await sim.client.createWebhookEndpoint({ url: 'http://127.0.0.1:9/x', enabled_events: ['x'] }, { idempotencyKey: key() });
    ids = { pi: pi.id, session: session.id, dispute: dispute.id, refund: refund.id, endpoint: endpoint.id };
  });
  afterAll(() => sim.close());

  const envelopeOf = async (response: Response) => ErrorEnvelopeSchema.parse(await response.json()).error;

  it('answers 401 without a key, with a live key, or with a malformed header', async () => {
    for (const auth of [null, basicAuth('sk_live_123'), basicAuth('sk_test_'), basicAuth('pk_test_123'), 'Bearer sk_test_123', 'Basic !!!']) {
      const response = await sim.raw('GET', `/v1/payment_intents/${ids.pi}`, { auth });
      expect(response.status).toBe(401);
      const error = await envelopeOf(response);
      expect(error.type).toBe('invalid_request_error');
      expect([ERROR_CODES.apiKeyMissing, ERROR_CODES.apiKeyInvalid]).toContain(error.code);
    }
    expect((await sim.raw('GET', `/v1/payment_intents/${ids.pi}`)).status).toBe(200);
  });

  it('answers unknown objects with 404 resource_missing, and unknown URLs with 404 url_unrecognized', async () => {
    for (const path of ['/v1/payment_intents/pi_0', '/v1/checkout/sessions/cs_0', '/v1/refunds/re_0', '/v1/charges/ch_0', '/v1/disputes/dp_0', '/v1/events/evt_0', '/v1/webhook_endpoints/we_0']) {
      const response = await sim.raw('GET', path);
      expect(response.status).toBe(404);
      expect(await envelopeOf(response)).toMatchObject({ type: 'invalid_request_error', code: ERROR_CODES.resourceMissing });
    }
    const unknown = await sim.raw('GET', '/v1/customers');
    expect(unknown.status).toBe(404);
    expect((await envelopeOf(unknown)).code).toBe(ERROR_CODES.urlUnrecognized);
    expect(unknown.headers.get('Request-Id')).toMatch(/^req_[A-Za-z0-9]{14}$/);
  });

  it('answers a body that is not JSON with 400 parse_error', async () => {
    const response = await sim.raw('POST', '/v1/payment_intents', { body: '{"amount": 1000,', headers: { 'Idempotency-Key': key() } });
    expect(response.status).toBe(400);
    expect(await envelopeOf(response)).toMatchObject({ type: 'invalid_request_error', code: ERROR_CODES.parseError });
  });

  it('answers 400 with the parameter for each missing or wrong field', async () => {
    const cases: [string, object, string][] = [
      ['/v1/payment_intents', { currency: 'IDR' }, 'amount'],
      ['/v1/payment_intents', { amount: '1000', currency: 'IDR' }, 'amount'],
      ['/v1/payment_intents', { amount: 1000, currency: 'IDR', payment_method_data: { type: 'cash' } }, 'payment_method_data[type]'],
      ['/v1/checkout/sessions', { mode: 'payment', success_url: 'https://s', line_items: [{ quantity: 1 }] }, 'line_items[0][price_data]'],
      ['/v1/refunds', { amount: 10 }, 'payment_intent'],
      ['/v1/refunds', { payment_intent: ids.pi, amount: -5 }, 'amount'],
      [`/v1/disputes/${ids.dispute}`, { evidence: { not_a_field: 'x' } }, 'evidence'],
      ['/v1/webhook_endpoints', { url: 'not a url', enabled_events: ['*'] }, 'url'],
    ];
    for (const [path, body, param] of cases) {
      const response = await sim.raw('POST', path, { body, headers: { 'Idempotency-Key': key() } });
      expect(response.status).toBe(400);
      expect(await envelopeOf(response)).toMatchObject({ type: 'invalid_request_error', param });
    }
  });

  it('never crashes and never answers 5xx, whatever the body', async () => {
    const bodies = ['null', '[]', '"text"', '42', 'true', '{}', '{"amount":1e400}', '{"amount":{"$gt":1}}', '{"__proto__":{"polluted":1}}',
      '{"constructor":{"prototype":{"polluted":1}}}', JSON.stringify({ amount: 1000, currency: 'IDR', metadata: { a: { deep: true } } }),
      JSON.stringify({ line_items: 'all', mode: 'payment', success_url: 1 }), JSON.stringify({ evidence: null, submit: 'yes' }),
      JSON.stringify({ url: 'x'.repeat(5000), enabled_events: [null] }), JSON.stringify({ cancellation_reason: ['a'] })];
    const posts = [
      PATHS.paymentIntents, `/v1/payment_intents/${ids.pi}/cancel`, `/v1/payment_intents/${ids.pi}/confirm`, PATHS.checkoutSessions,
      `/v1/checkout/sessions/${ids.session}/expire`, PATHS.refunds, `/v1/disputes/${ids.dispute}`, `/v1/disputes/${ids.dispute}/close`,
      PATHS.webhookEndpoints, `/v1/webhook_endpoints/${ids.endpoint}`,
      `/_sim/payment_intents/${ids.pi}/fail`, `/_sim/payment_intents/${ids.pi}/dispute`, `/_sim/disputes/${ids.dispute}/close`,
      `/_sim/refunds/${ids.refund}/fail`, '/_sim/faults', '/_sim/settings',
    ];
    for (const path of posts) {
      for (const body of bodies) {
        const response = await sim.raw('POST', path, { body, headers: { 'Idempotency-Key': key() } });
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400) ErrorEnvelopeSchema.parse(await response.json());
        else await response.arrayBuffer();
      }
    }
    const gets = ['/v1/payment_intents?limit=0', '/v1/payment_intents?limit=abc', '/v1/payment_intents?created[gt]=soon',
      '/v1/payment_intents?created=1&created[gt]=2', '/v1/payment_intents?__proto__[polluted]=1', '/v1/payment_intents/search',
      "/v1/payment_intents/search?query=metadata['x", '/v1/checkout/sessions/list?customer_details=abc', '/v1/webhook_endpoints?limit=101',
      '/v1/payment_intents/%E0%A4%A', '/_sim/webhooks?event_id[x]=1'];
    for (const path of gets) {
      const response = await sim.raw('GET', path);
      expect(response.status).toBeLessThan(500);
      await response.arrayBuffer();
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(unexpected).toEqual([]);
  });
});
