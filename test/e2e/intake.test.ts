/**
 * The intake contract over HTTP: validation, auth, the error envelope, and Idempotency-Key semantics —
 * with the real API, worker, simulator and Temporal dev server.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { checkoutPayment, directPayment, newKey, startStack, type Stack } from '../helpers/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

async function intentsFor(paymentId: string) {
  const found = await stack.wooshpay.searchPaymentIntents({ query: `metadata['payment_id']:'${paymentId}'` });
  return found.data;
}

describe('POST /v1/payments', () => {
  it('creates a direct payment and returns the redirect URL, the intent and expires_at in one call', async () => {
    const before = Date.now();
    const res = await stack.call('POST', '/v1/payments', {
      idempotencyKey: newKey(),
      body: directPayment({ merchant_order_id: 'order-1', metadata: { cart: '42' }, expires_in: 3600 }),
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      object: 'payment',
      status: 'requires_action',
      amount: 1_000_000,
      currency: 'IDR',
      settlement_currency: 'USD',
      integration: 'direct',
      merchant_order_id: 'order-1',
      metadata: { cart: '42' },
      amount_refunded: 0,
      refunds: [],
      dispute: null,
    });
    expect(res.body.id).toMatch(/^pay_[a-z0-9]{24}$/);
    expect(res.body.payment_intent).toMatch(/^pi_/);
    expect(res.body.redirect_url).toContain(res.body.payment_intent);
    expect(res.body.expires_at).toBeGreaterThanOrEqual(before + 3600_000);
    expect(res.body.expires_at).toBeLessThan(before + 3600_000 + 60_000);

    // WooshPay received what the reference documents for bank_transfer_id, with our id for routing.
    const intent = await stack.wooshpay.retrievePaymentIntent(res.body.payment_intent);
    expect(intent).toMatchObject({ status: 'requires_action', amount: 1_000_000, currency: 'IDR', merchant_order_id: 'order-1' });
    expect(intent.metadata).toMatchObject({ payment_id: res.body.id, cart: '42' });
    expect(intent.next_action?.type).toBe('bank_transfer_id_handle_redirect');
  });

  it('replays the same payment for the same key and body (200), and refuses another body (409)', async () => {
    const key = newKey();
    const first = await stack.call('POST', '/v1/payments', { idempotencyKey: key, body: directPayment() });
    expect(first.status).toBe(201);
    const again = await stack.call('POST', '/v1/payments', { idempotencyKey: key, body: directPayment() });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.payment_intent).toBe(first.body.payment_intent);

    const other = await stack.call('POST', '/v1/payments', { idempotencyKey: key, body: directPayment({ amount: 2_000_000 }) });
    expect(other.status).toBe(409);
    expect(other.body.error).toMatchObject({ type: 'idempotency_error', code: 'idempotency_key_reused' });
    expect(await intentsFor(first.body.id)).toHaveLength(1);
  });

  it('makes one payment and one WooshPay intent from ten concurrent identical requests', async () => {
    const key = newKey('concurrent');
    const results = await Promise.all(
      Array.from({ length: 10 }, () => stack.call('POST', '/v1/payments', { idempotencyKey: key, body: directPayment() })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(9);
    const ids = new Set(results.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    expect(await intentsFor([...ids][0] as string)).toHaveLength(1);
  });

  it('creates a Checkout Session for the checkout integration', async () => {
    const res = await stack.call('POST', '/v1/payments', {
      idempotencyKey: newKey(),
      body: {
        amount: 1_500_000,
        currency: 'idr',
        integration: 'checkout',
        success_url: 'https://shop.example/ok',
        cancel_url: 'https://shop.example/cancel',
        line_items: [
          { name: 'Batik shirt', unit_amount: 500_000, quantity: 2 },
          { name: 'Shipping', unit_amount: 500_000, quantity: 1 },
        ],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ integration: 'checkout', status: 'requires_action', currency: 'IDR' });
    expect(res.body.checkout_session).toMatch(/^cs_/);
    expect(res.body.redirect_url).toBeTruthy();
    const session = await stack.wooshpay.retrieveCheckoutSession(res.body.checkout_session);
    expect(session).toMatchObject({ status: 'open', payment_status: 'unpaid', amount_total: 1_500_000 });
    expect(session.metadata).toMatchObject({ payment_id: res.body.id });
    expect(res.body.expires_at).toBeLessThanOrEqual(session.expires_at);
  });

  it('takes WooshPay’s own line-item shape and sends it to WooshPay as it is; the flat shape makes the same item', async () => {
    const wooshpayShape = {
      price_data: { currency: 'idr', unit_amount: 400_000, product_data: { name: 'Kopi luwak' }, nickname: 'kopi-250g', lookup_key: 'kopi_luwak_250' },
      quantity: 2,
    };
    const res = await stack.call('POST', '/v1/payments', {
      idempotencyKey: newKey('wooshpay-items'),
      body: { ...checkoutPayment(), amount: 1_100_000, line_items: [wooshpayShape, { name: 'Gula aren', unit_amount: 300_000, quantity: 1 }] },
    });
    expect(res.status).toBe(201);
    const items = await stack.wooshpay.listCheckoutSessionLineItems(res.body.checkout_session);
    expect(items.data.map((li) => ({ description: li.description, quantity: li.quantity, amount: li.amount_total, price: li.price }))).toEqual([
      { description: 'Kopi luwak', quantity: 2, amount: 800_000, price: expect.objectContaining({ currency: 'IDR', unit_amount: 400_000, nickname: 'kopi-250g', lookup_key: 'kopi_luwak_250' }) },
      { description: 'Gula aren', quantity: 1, amount: 300_000, price: expect.objectContaining({ currency: 'IDR', unit_amount: 300_000, nickname: null, lookup_key: null }) },
    ]);

    const mixed = await stack.call('POST', '/v1/payments', {
      idempotencyKey: newKey('usd-item'),
      body: { ...checkoutPayment(), line_items: [{ ...wooshpayShape, price_data: { ...wooshpayShape.price_data, currency: 'USD', unit_amount: 150_000 } }] },
    });
    expect(mixed.status).toBe(400);
    expect(mixed.body.error.param).toMatch(/^line_items\.0/);
  });

  it('answers 422 with WooshPay’s reason when WooshPay refuses to create the payment; the payment is failed', async () => {
    // The simulator enforces the documented minimum (1.00 IDR = 100 units); our intake leaves that to WooshPay.
    const key = newKey('refused');
    const res = await stack.call('POST', '/v1/payments', { idempotencyKey: key, body: directPayment({ amount: 50 }) });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', payment: expect.stringMatching(/^pay_/) });
    expect(res.body.error.message).toMatch(/WooshPay refused the payment/);
    const payment = await stack.waitForPayment(res.body.error.payment, (p) => p.status === 'failed');
    expect(payment.failure.code).toBe(res.body.error.code);
    // The same request again gives the same answer, after the payment's workflow has closed.
    const again = await stack.call('POST', '/v1/payments', { idempotencyKey: key, body: directPayment({ amount: 50 }) });
    expect(again.status).toBe(422);
    expect(again.body.error.payment).toBe(res.body.error.payment);
  });

  it.each([
    ['a missing amount', { currency: 'IDR', return_url: 'https://shop.example/r' }, 'amount'],
    ['a fractional amount', directPayment({ amount: 10.5 }), 'amount'],
    ['a negative amount', directPayment({ amount: -1 }), 'amount'],
    ['an amount as a string', directPayment({ amount: '1000' }), 'amount'],
    ['a currency other than IDR', directPayment({ currency: 'USD' }), 'currency'],
    ['a relative return_url', directPayment({ return_url: '/back' }), 'return_url'],
    ['an expires_in under a minute', directPayment({ expires_in: 30 }), 'expires_in'],
    ['an expires_in over seven days', directPayment({ expires_in: 8 * 86400 }), 'expires_in'],
    ['metadata that is not a string map', directPayment({ metadata: { n: 1 } }), 'metadata.n'],
    ['an unknown parameter', directPayment({ amuont: 5 }), 'amuont'],
    ['checkout without line_items', { amount: 100, currency: 'IDR', integration: 'checkout', success_url: 'https://a.b/s', cancel_url: 'https://a.b/c' }, 'line_items'],
    [
      'line items that do not add up to the amount',
      {
        amount: 999,
        currency: 'IDR',
        integration: 'checkout',
        success_url: 'https://a.b/s',
        cancel_url: 'https://a.b/c',
        line_items: [{ name: 'x', unit_amount: 500, quantity: 2 }],
      },
      'line_items',
    ],
  ])('answers 400 with the parameter for %s, and creates nothing', async (_what, body, param) => {
    const key = newKey('bad');
    const res = await stack.call('POST', '/v1/payments', { idempotencyKey: key, body });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', param });
    expect(typeof res.body.error.message).toBe('string');
    // Nothing was started for that key: a corrected request with it creates the payment.
    const fixed = await stack.call('POST', '/v1/payments', { idempotencyKey: key, body: directPayment() });
    expect(fixed.status).toBe(201);
  });

  it('requires an Idempotency-Key, a valid API key and a JSON body', async () => {
    const noKey = await stack.call('POST', '/v1/payments', { body: directPayment() });
    expect(noKey.status).toBe(400);
    expect(noKey.body.error).toMatchObject({ code: 'idempotency_key_missing', param: 'Idempotency-Key' });

    const noAuth = await fetch(`${stack.api.url}/v1/payments`, { method: 'POST' });
    expect(noAuth.status).toBe(401);
    expect(await noAuth.json()).toMatchObject({ error: { type: 'authentication_error' } });
    const badAuth = await stack.call('GET', '/v1/payments', { headers: { Authorization: 'Bearer wrong_key_0123456789' } });
    expect(badAuth.status).toBe(401);

    const malformed = await fetch(`${stack.api.url}/v1/payments`, {
      method: 'POST',
      headers: { Authorization: 'Bearer test_api_key_0123456789', 'Content-Type': 'application/json', 'Idempotency-Key': newKey() },
      body: '{"amount": 10',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_json' } });
  });
});

describe('GET /v1/payments', () => {
  it('reads one payment from its workflow, 404 for an unknown id', async () => {
    const created = await stack.call('POST', '/v1/payments', { idempotencyKey: newKey(), body: directPayment() });
    const read = await stack.call('GET', `/v1/payments/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);

    const unknown = await stack.call('GET', '/v1/payments/pay_aaaaaaaaaaaaaaaaaaaaaaaa');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ type: 'not_found', code: 'payment_not_found' });
    expect((await stack.call('GET', '/v1/payments/not-an-id')).status).toBe(404);
  });

  it('lists payments by status with cursors, from visibility', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await stack.call('POST', '/v1/payments', { idempotencyKey: newKey('list'), body: directPayment({ amount: 100 + i }) });
      ids.push(res.body.id);
    }
    // Visibility is eventually consistent: wait until all three are listed.
    let all: any[] = [];
    for (let attempt = 0; attempt < 50 && ids.some((id) => !all.some((p) => p.id === id)); attempt++) {
      const res = await stack.call('GET', '/v1/payments?status=requires_action&limit=100');
      all = res.body.data;
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const id of ids) expect(all.some((p) => p.id === id && p.status === 'requires_action')).toBe(true);

    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: any } = await stack.call(
        'GET',
        `/v1/payments?status=requires_action&limit=2${cursor ? `&starting_after=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      expect(res.body.object).toBe('list');
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      for (const p of res.body.data) {
        expect(seen.has(p.id)).toBe(false);
        seen.add(p.id);
      }
      cursor = res.body.has_more ? res.body.next_cursor : null;
      pages++;
    } while (cursor && pages < 50);
    for (const id of ids) expect(seen.has(id)).toBe(true);

    expect((await stack.call('GET', '/v1/payments?status=bogus')).status).toBe(400);
    expect((await stack.call('GET', '/v1/payments?limit=1000')).status).toBe(400);
    expect((await stack.call('GET', '/v1/payments?starting_after=%%%')).status).toBe(400);
    // A cursor this API did not make is refused by its checksum, before Temporal is asked.
    for (const garbage of ['LPT1', 'c1.AAAA.xxxxxxxxxxxx', 'c1..', 'x'.repeat(2_000)]) {
      const res = await stack.call('GET', `/v1/payments?starting_after=${encodeURIComponent(garbage)}`);
      expect(res.status).toBe(400);
      expect(res.body.error.param).toBe('starting_after');
    }
  });
});
