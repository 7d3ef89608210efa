/**
 * Merchants kept apart over the real stack (API, worker, simulator, Temporal dev server): each payment belongs
 * to the merchant whose key created it, another merchant's key meets the same 404 as an unknown id for every
 * read and action, Idempotency-Keys are per merchant, and notifications go to the merchant's own endpoint
 * under its own secret.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { NOTIFICATION_SIGNATURE_HEADER } from '../../activities/notify.js';
import { fingerprint, idFromKey } from '../../api/idempotency.js';
import { CreatePaymentBodySchema } from '../../api/schemas.js';
import { verifyWebhookSignature } from '../../wooshpay/index.js';
import type { PaymentRequest } from '../../workflows/messages.js';
import { paymentWorkflow } from '../../workflows/payment/workflow.js';
import { MerchantId, PaymentStatus } from '../../workflows/search-attributes.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { API_KEY, directPayment, newKey, NOTIFY_SECRET, startStack, TEST_SETTINGS, type Stack } from '../helpers/stack.js';

const ACME_KEY = 'acme_key_one_0123456789';
const ACME_ROTATED_KEY = 'acme_key_two_0123456789';
const SHOP_KEY = 'shop_key_0123456789abcd';
const ACME_SECRET = 'acme_notify_secret_0123456789';

let stack: Stack;
let acmeReceiver: Receiver;
let defaultReceiver: Receiver;
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  [acmeReceiver, defaultReceiver] = await Promise.all([startReceiver(), startReceiver()]);
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  stack = await startStack({
    env: {
      API_KEYS: `${API_KEY}, acme:${ACME_KEY}, acme:${ACME_ROTATED_KEY}, shop:${SHOP_KEY}`,
      MERCHANT_NOTIFY_URLS: `acme=${acmeReceiver.url}`,
      MERCHANT_NOTIFY_SIGNING_SECRETS: `acme:${ACME_SECRET}`,
    },
    settings: { defaultNotifyUrl: defaultReceiver.url, notificationRetry: { initialIntervalMs: 200, maximumIntervalMs: 1_000 } },
    logger: pino({ level: 'info' }, sink),
  });
  await stack.sim('/_sim/settings', { refundAutoSettleMs: 0 });
});
afterAll(async () => {
  await stack?.close();
  await Promise.all([acmeReceiver?.close(), defaultReceiver?.close()]);
});

type Call = Stack['call'];
/** The intake API with one merchant's key. */
const as =
  (key: string): Call =>
  (method, path, options = {}) =>
    stack.call(method, path, { ...options, headers: { ...options.headers, Authorization: `Bearer ${key}` } });
const acme = as(ACME_KEY);
const shop = as(SHOP_KEY);
/** The `default` merchant: the stack's own key, a bare entry of API_KEYS. */
const byDefault = as(API_KEY);

async function waitFor(call: Call, id: string, predicate: (p: any) => boolean): Promise<any> {
  const deadline = Date.now() + 30_000;
  let last: unknown;
  while (Date.now() < deadline) {
    const res = await call('GET', `/v1/payments/${id}`);
    last = res.body;
    if (res.status === 200 && predicate(res.body)) return res.body;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`payment ${id} did not get there; last seen ${JSON.stringify(last)}`);
}

async function paidPayment(call: Call): Promise<any> {
  const created = await call('POST', '/v1/payments', { idempotencyKey: newKey('paid'), body: directPayment() });
  expect(created.status).toBe(201);
  await stack.sim(`/_sim/payment_intents/${created.body.payment_intent}/succeed`);
  return waitFor(call, created.body.id, (p) => p.status === 'succeeded');
}

async function listIds(call: Call): Promise<string[]> {
  const res = await call('GET', '/v1/payments?limit=100');
  expect(res.status).toBe(200);
  return (res.body.data as { id: string }[]).map((p) => p.id);
}

/** Polls until the merchant's list shows the payment (visibility is eventually consistent). */
async function untilListed(call: Call, id: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await listIds(call)).includes(id)) {
    if (Date.now() > deadline) throw new Error(`${id} never listed`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** What an id that was never issued gets, for the same path: the answer a foreign payment must match exactly. */
async function unknownAnswer(method: string, path: string, paymentId: string, options: Parameters<Call>[2] = {}) {
  const unknownId = `pay_${'z'.repeat(paymentId.length - 4)}`;
  const res = await shop(method, path.replace(paymentId, unknownId), options);
  return { status: res.status, body: JSON.parse(JSON.stringify(res.body).replaceAll(unknownId, paymentId)) as unknown };
}

async function expectForeign(method: string, path: string, paymentId: string, options: Parameters<Call>[2] = {}) {
  const res = await shop(method, path, options);
  expect({ status: res.status, body: res.body as unknown }).toEqual(await unknownAnswer(method, path, paymentId, options));
  expect(res.status).toBe(404);
  return res;
}

describe('merchants', () => {
  it('the same Idempotency-Key and body from two merchants make two payments; a merchant’s keys all reach its own', async () => {
    const key = newKey('order');
    const fromAcme = await acme('POST', '/v1/payments', { idempotencyKey: key, body: directPayment() });
    const fromShop = await shop('POST', '/v1/payments', { idempotencyKey: key, body: directPayment() });
    expect([fromAcme.status, fromShop.status]).toEqual([201, 201]);
    expect(fromShop.body.id).not.toBe(fromAcme.body.id);
    expect(fromShop.body.payment_intent).not.toBe(fromAcme.body.payment_intent);

    // Rotation: acme's second key is the same merchant, so the same key replays the same payment.
    const rotated = await as(ACME_ROTATED_KEY)('POST', '/v1/payments', { idempotencyKey: key, body: directPayment() });
    expect(rotated.status).toBe(200);
    expect(rotated.headers.get('idempotent-replayed')).toBe('true');
    expect(rotated.body.id).toBe(fromAcme.body.id);
    expect((await as(ACME_ROTATED_KEY)('GET', `/v1/payments/${fromAcme.body.id}`)).body.id).toBe(fromAcme.body.id);

    // The merchant is on the workflow for operators and for the list.
    const described = await stack.api.client.workflow.getHandle(fromAcme.body.id).describe();
    expect(described.typedSearchAttributes.get(MerchantId)).toBe('acme');
    const shopDescribed = await stack.api.client.workflow.getHandle(fromShop.body.id).describe();
    expect(shopDescribed.typedSearchAttributes.get(MerchantId)).toBe('shop');
  });

  it('another merchant reads, lists, cancels and refunds nothing of a payment: the 404 of an unknown id', async () => {
    const open = await acme('POST', '/v1/payments', { idempotencyKey: newKey(), body: directPayment() });
    expect(open.status).toBe(201);
    const id = open.body.id as string;

    await expectForeign('GET', `/v1/payments/${id}`, id);
    await expectForeign('POST', `/v1/payments/${id}/cancel`, id, { body: { reason: 'not mine' } });
    await untilListed(acme, id);
    expect(await listIds(shop)).not.toContain(id);
    expect(await listIds(byDefault)).not.toContain(id);
    // Still open, untouched by the refused cancel.
    expect((await acme('GET', `/v1/payments/${id}`)).body.status).toBe('requires_action');

    const paid = await paidPayment(acme);
    const refundKey = newKey('refund');
    await expectForeign('POST', `/v1/payments/${paid.id}/refunds`, paid.id, { idempotencyKey: refundKey, body: { amount: 1_000 } });
    const own = await acme('POST', `/v1/payments/${paid.id}/refunds`, { idempotencyKey: refundKey, body: { amount: 1_000 } });
    expect(own.status).toBe(201);
    // The owner's refund exists under that key now; another merchant sending the same key is still refused,
    // not answered with the owner's refund.
    await expectForeign('POST', `/v1/payments/${paid.id}/refunds`, paid.id, { idempotencyKey: refundKey, body: { amount: 1_000 } });
    const after = await waitFor(acme, paid.id, (p) => p.amount_refunded === 1_000);
    expect(after.refunds).toHaveLength(1);
  });

  it('another merchant cannot act on a dispute; a closed payment is 409 to its merchant and 404 to any other', async () => {
    const paid = await paidPayment(acme);
    await stack.sim(`/_sim/payment_intents/${paid.payment_intent}/dispute`, { amount: 1_000_000 });
    await waitFor(acme, paid.id, (p) => p.status === 'disputed');
    await expectForeign('POST', `/v1/payments/${paid.id}/dispute/evidence`, paid.id, {
      body: { evidence: { product_description: 'not mine' }, submit: true },
    });
    await expectForeign('POST', `/v1/payments/${paid.id}/dispute/accept`, paid.id, { body: {} });
    const still = await acme('GET', `/v1/payments/${paid.id}`);
    expect(still.body.dispute).toMatchObject({ status: expect.not.stringMatching(/lost|won/), evidence_submitted: false });

    const open = await acme('POST', '/v1/payments', { idempotencyKey: newKey(), body: directPayment() });
    expect((await acme('POST', `/v1/payments/${open.body.id}/cancel`, { body: {} })).status).toBe(200);
    const handle = stack.api.client.workflow.getHandle(open.body.id);
    await handle.result().catch(() => undefined);
    expect((await acme('POST', `/v1/payments/${open.body.id}/cancel`, { body: {} })).body.error.code).toBe('payment_closed');
    await expectForeign('POST', `/v1/payments/${open.body.id}/cancel`, open.body.id, { body: {} });
    await expectForeign('GET', `/v1/payments/${open.body.id}`, open.body.id);
  });

  it('a default key still reaches a payment created before merchants (same id, no MerchantId), and only default does', async () => {
    const key = newKey('before');
    const body = directPayment({ merchant_order_id: 'from-before' });
    const parsed = CreatePaymentBodySchema.parse(body);
    if (parsed.integration !== 'direct') throw new Error('a direct body is expected here');
    // As the API started payments before merchants: no merchantId in the request, no MerchantId attribute.
    const paymentId = idFromKey('pay', 'payment', key);
    const request: PaymentRequest = {
      paymentId,
      requestFingerprint: fingerprint(parsed),
      intakeId: randomUUID(),
      amount: parsed.amount,
      currency: parsed.currency,
      integration: parsed.integration,
      returnUrl: parsed.return_url,
      merchantOrderId: parsed.merchant_order_id,
      metadata: parsed.metadata,
      expiresAt: Date.now() + 3_600_000,
      createdAt: Date.now(),
    };
    await stack.api.client.workflow.start(paymentWorkflow, {
      workflowId: paymentId,
      taskQueue: stack.taskQueue,
      args: [{ request, settings: TEST_SETTINGS }],
      typedSearchAttributes: [{ key: PaymentStatus, value: 'processing' }],
    });

    const retried = await stack.call('POST', '/v1/payments', { idempotencyKey: key, body });
    expect(retried.status).toBe(200);
    expect(retried.body.id).toBe(paymentId);
    expect((await stack.call('GET', `/v1/payments/${paymentId}`)).body.merchant_order_id).toBe('from-before');
    await untilListed(byDefault, paymentId);
    expect(await listIds(acme)).not.toContain(paymentId);
    await expectForeign('GET', `/v1/payments/${paymentId}`, paymentId);

    // The same key from acme is acme's own, new payment.
    const acmes = await acme('POST', '/v1/payments', { idempotencyKey: key, body });
    expect(acmes.status).toBe(201);
    expect(acmes.body.id).not.toBe(paymentId);
  });

  it('notifies each merchant at its own URL under its own secret; the others at NOTIFY_URL under NOTIFY_SIGNING_SECRET', async () => {
    const [acmePaid, shopPaid] = await Promise.all([paidPayment(acme), paidPayment(shop)]);
    const succeeded = (receiver: Receiver, id: string) =>
      receiver.waitFor((all) => all.some((n) => n.body.data.object.id === id && n.body.type === 'payment.succeeded'));
    const verify = (receiver: Receiver, id: string, secret: string) => {
      const n = receiver.received.find((r) => r.body.data.object.id === id && r.body.type === 'payment.succeeded')!;
      const header = n.headers[NOTIFICATION_SIGNATURE_HEADER.toLowerCase()];
      return () => verifyWebhookSignature({ rawBody: n.rawBody, header, secrets: [secret] });
    };
    await Promise.all([succeeded(acmeReceiver, acmePaid.id), succeeded(defaultReceiver, shopPaid.id)]);
    expect(verify(acmeReceiver, acmePaid.id, ACME_SECRET)).not.toThrow();
    expect(verify(acmeReceiver, acmePaid.id, NOTIFY_SECRET)).toThrow();
    expect(verify(defaultReceiver, shopPaid.id, NOTIFY_SECRET)).not.toThrow();
    expect(acmeReceiver.received.some((n) => n.body.data.object.id === shopPaid.id)).toBe(false);
    expect(defaultReceiver.received.some((n) => n.body.data.object.id === acmePaid.id)).toBe(false);

    // A payment's own notify_url comes before its merchant's; the secret stays the merchant's.
    const own = await acme('POST', '/v1/payments', { idempotencyKey: newKey(), body: directPayment({ notify_url: defaultReceiver.url }) });
    await stack.sim(`/_sim/payment_intents/${own.body.payment_intent}/succeed`);
    await succeeded(defaultReceiver, own.body.id);
    expect(verify(defaultReceiver, own.body.id, ACME_SECRET)).not.toThrow();
    expect(acmeReceiver.received.some((n) => n.body.data.object.id === own.body.id)).toBe(false);
  });

  it('names the merchant in every log line of a request, and no key', async () => {
    const missing = `pay_${'q'.repeat(24)}`;
    const requestId = `merchant-log-${randomUUID()}`;
    expect((await shop('GET', `/v1/payments/${missing}`, { headers: { 'X-Request-Id': requestId } })).status).toBe(404);
    const anonymousId = `${requestId}-anonymous`;
    expect((await as('not_a_key_0123456789abc')('GET', '/v1/payments', { headers: { 'X-Request-Id': anonymousId } })).status).toBe(401);
    await new Promise((r) => setTimeout(r, 100));
    const lines = logLines.filter((l) => l.requestId === requestId);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatchObject({ merchant: 'shop', paymentId: missing });
    // Before the key is known there is no merchant to name.
    expect(logLines.find((l) => l.requestId === anonymousId)).not.toHaveProperty('merchant');
    expect(logLines.some((l) => l.merchant === 'acme' && l.route === '/v1/payments' && l.method === 'POST')).toBe(true);
    const all = JSON.stringify(logLines);
    for (const secret of [ACME_KEY, ACME_ROTATED_KEY, SHOP_KEY, ACME_SECRET]) expect(all).not.toContain(secret);
  });
});
