/**
 * The webhook route's answers for what is not a plain delivery: events we do not act on, events of no
 * payment of ours, statuses and shapes we do not know (kept, never refused), a signed body that is no
 * WooshPay event, and Temporal or WooshPay being unreachable (503, so WooshPay retries).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApiServer, type ApiServer } from '../../api/server.js';
import { loadConfig } from '../../config/config.js';
import { createLogger } from '../../config/logger.js';
import { signWebhookPayload } from '../../wooshpay/index.js';
import { directPayment, newKey, startStack, type Stack } from '../helpers/stack.js';

const SECRET = 'whsec_route_test_secret_0123456789';
let stack: Stack;
let isolated: ApiServer;

beforeAll(async () => {
  stack = await startStack();
  // A second API that verifies with a secret we know, so the test can sign events itself.
  isolated = await startApiServer({
    config: loadConfig({
      PORT: '0',
      TEMPORAL_ADDRESS: process.env.TEMPORAL_TEST_ADDRESS,
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
      API_KEYS: 'route_test_key_0123456789',
      WOOSHPAY_BASE_URL: stack.simulatorUrl,
      WOOSHPAY_SECRET_KEY: 'sk_test_route',
      WOOSHPAY_WEBHOOK_SECRETS: `whsec_retired_secret_000000,${SECRET}`,
    }),
    logger: createLogger('test', 'silent'),
  });
});
afterAll(async () => {
  await isolated?.close();
  await stack?.close();
});

function event(type: string, object: Record<string, unknown>) {
  return JSON.stringify({ id: `evt_${newKey()}`, object: 'event', type, created: Date.now(), data: { object } });
}

async function deliver(api: ApiServer, body: string, secret = SECRET) {
  const res = await fetch(`${api.url}/webhooks/wooshpay`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Wooshpay-Signature': signWebhookPayload({ rawBody: body, secret }) },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** The ids of the WooshPay events signalled to a payment, read from its Temporal history. */
async function signalledEventIds(paymentId: string): Promise<string[]> {
  const history = await stack.env.client.workflow.getHandle(paymentId).fetchHistory();
  return (history.events ?? [])
    .filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'wooshpayEvent')
    .map((e) => {
      const payload = e.workflowExecutionSignaledEventAttributes?.input?.payloads?.[0]?.data;
      return payload ? (JSON.parse(Buffer.from(payload).toString('utf8')) as { id: string }).id : '';
    });
}

describe('POST /webhooks/wooshpay', () => {
  it('acknowledges event types the payment does not act on', async () => {
    const res = await deliver(isolated, event('charge.captured', { id: 'ch_1', object: 'charge', amount: 1, currency: 'IDR', created: 1, status: 'succeeded' }));
    expect(res).toEqual({ status: 200, body: { received: true, ignored: 'event_type' } });
  });

  it('acknowledges an event of an intent that is not ours', async () => {
    const foreign = await stack.wooshpay.createPaymentIntent(
      { amount: 1_000_000, currency: 'IDR', confirm: true, payment_method_data: { type: 'bank_transfer_id' }, return_url: 'https://other.example' },
      { idempotencyKey: newKey() },
    );
    const res = await deliver(isolated, event('payment_intent.succeeded', { ...foreign, status: 'succeeded', metadata: {} }));
    expect(res).toEqual({ status: 200, body: { received: true, ignored: 'no_payment' } });
  });

  it('answers 503 when WooshPay cannot find the intent yet: a 404 on a read is not proof it does not exist', async () => {
    const res = await deliver(
      isolated,
      event('payment_intent.succeeded', { id: 'pi_unknown', object: 'payment_intent', amount: 1, currency: 'IDR', status: 'succeeded', created: 1, metadata: {} }),
    );
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({ type: 'api_error' });
  });

  it('keeps an event with a status WooshPay does not document: delivered to the payment, not refused', async () => {
    const created = await stack.call('POST', '/v1/payments', { idempotencyKey: newKey(), body: directPayment() });
    const intent = await stack.wooshpay.retrievePaymentIntent(created.body.payment_intent);
    const body = event('payment_intent.processing', { ...intent, status: 'requires_review' });
    expect(await deliver(isolated, body)).toEqual({ status: 200, body: { received: true } });
    expect(await signalledEventIds(created.body.id)).toContain(JSON.parse(body).id);
  });

  it('keeps an event whose object it cannot read, telling the payment something happened to it', async () => {
    const created = await stack.call('POST', '/v1/payments', { idempotencyKey: newKey(), body: directPayment() });
    const body = event('payment_intent.succeeded', {
      id: created.body.payment_intent,
      object: 'payment_intent',
      amount: 'ten thousand',
      metadata: { payment_id: created.body.id },
    });
    expect(await deliver(isolated, body)).toEqual({ status: 200, body: { received: true } });
    expect(await signalledEventIds(created.body.id)).toContain(JSON.parse(body).id);
  });

  it('accepts a signature made with any configured secret (rotation) and delivers to the payment', async () => {
    const created = await stack.call('POST', '/v1/payments', { idempotencyKey: newKey(), body: directPayment() });
    const intent = await stack.wooshpay.retrievePaymentIntent(created.body.payment_intent);
    const body = event('payment_intent.processing', { ...intent, status: 'processing' });
    expect((await deliver(isolated, body, 'whsec_retired_secret_000000')).body).toEqual({ received: true });
    const paid = await stack.waitForPayment(created.body.id, (p) => p.provider_status === 'processing');
    expect(paid.status).toBe('requires_action');
  });

  it('refuses a signed body that is not a WooshPay event, and an unsigned one', async () => {
    const res = await deliver(isolated, JSON.stringify({ hello: 'world' }));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'event_invalid' });
    const unsigned = await fetch(`${isolated.url}/webhooks/wooshpay`, { method: 'POST', body: '{}' });
    expect(unsigned.status).toBe(400);
  });

  it('answers 503 while Temporal is unreachable, so WooshPay delivers again', async () => {
    const down = await startApiServer({
      config: loadConfig({
        PORT: '0',
        TEMPORAL_ADDRESS: '127.0.0.1:1',
        API_KEYS: 'route_test_key_0123456789',
        WOOSHPAY_BASE_URL: stack.simulatorUrl,
        WOOSHPAY_SECRET_KEY: 'sk_test_route',
        WOOSHPAY_WEBHOOK_SECRETS: SECRET,
      }),
      logger: createLogger('test', 'silent'),
    });
    try {
      const body = event('payment_intent.succeeded', {
        id: 'pi_1',
        object: 'payment_intent',
        amount: 1,
        currency: 'IDR',
        status: 'succeeded',
        created: 1,
        metadata: { payment_id: 'pay_aaaaaaaaaaaaaaaaaaaaaaaa' },
      });
      const res = await fetch(`${down.url}/webhooks/wooshpay`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Wooshpay-Signature': signWebhookPayload({ rawBody: body, secret: SECRET }) },
        body,
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(await res.json()).toMatchObject({ error: { type: 'api_error' } });
    } finally {
      await down.close();
    }
  });
});
