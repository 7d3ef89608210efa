import { describe, expect, it } from '@jest/globals';
import { CHECKOUT_SESSION_LIFETIME_MS, ERROR_CODES, type CreateCheckoutSessionParams } from '../../wooshpay/index.js';
import { failure, key, useSimulator, waitFor } from './support.js';

const SESSION: CreateCheckoutSessionParams = {
  mode: 'payment',
  success_url: 'https://shop.example/success?session={CHECKOUT_SESSION_ID}',
  cancel_url: 'https://shop.example/cart',
  payment_method_types: ['bank_transfer_id'],
  client_reference_id: 'pay_123',
  metadata: { merchant_order_id: 'order-77' },
  line_items: [
    { quantity: 2, price_data: { currency: 'IDR', unit_amount: 2_500_000, product_data: { name: 'Batik shirt' } } },
    { quantity: 1, price_data: { currency: 'idr', unit_amount: 1_000_000, product_data: { name: 'Shipping' } } },
  ],
};

describe('Checkout Sessions', () => {
  const fx = useSimulator();

  const create = (params: CreateCheckoutSessionParams = SESSION) => fx.sim.client.createCheckoutSession(params, { idempotencyKey: key() });

  it('creates an open, unpaid session with its intent, hosted URL, 24 h expiry and line items', async () => {
    const session = await create();
    expect(session).toMatchObject({
      object: 'checkout.session',
      status: 'open',
      payment_status: 'unpaid',
      mode: 'payment',
      currency: 'IDR',
      amount_total: 6_000_000,
      client_reference_id: 'pay_123',
      metadata: { merchant_order_id: 'order-77' },
    });
    expect(session.id).toMatch(/^cs_\d{19}$/);
    expect(session.expires_at - session.created).toBe(CHECKOUT_SESSION_LIFETIME_MS);
    expect(session.url).toBe(`${fx.sim.url}/pay/${session.id.replace('cs_', 'cs_test_')}`);
    expect(session.line_items?.data.map((item) => [item.description, item.quantity, item.amount_total])).toEqual([
      ['Batik shirt', 2, 5_000_000],
      ['Shipping', 1, 1_000_000],
    ]);
    const pi = await fx.sim.client.retrievePaymentIntent(session.payment_intent ?? '');
    expect(pi).toMatchObject({ amount: 6_000_000, currency: 'IDR', status: 'requires_payment_method', payment_method_types: ['bank_transfer_id'] });
    expect((await fetch(session.url ?? '')).status).toBe(200);
  });

  it('retrieves, lists by payment_intent and pages through line items', async () => {
    const session = await create();
    const other = await create();
    expect(await fx.sim.client.retrieveCheckoutSession(session.id)).toEqual(session);

    const byIntent = await fx.sim.client.listCheckoutSessions({ payment_intent: session.payment_intent ?? '' });
    expect(byIntent).toMatchObject({ object: 'list', url: '/v1/checkout/sessions/list', has_more: false });
    expect(byIntent.data.map((s) => s.id)).toEqual([session.id]);
    expect((await fx.sim.client.listCheckoutSessions({ limit: 1 })).data.map((s) => s.id)).toEqual([other.id]);

    const first = await fx.sim.client.listCheckoutSessionLineItems(session.id, { limit: 1 });
    expect(first).toMatchObject({ has_more: true, url: `/v1/checkout/sessions/${session.id}/line_items` });
    const second = await fx.sim.client.listCheckoutSessionLineItems(session.id, { limit: 1, starting_after: first.data[0]?.id ?? '' });
    expect(second.has_more).toBe(false);
    expect([...first.data, ...second.data].map((item) => item.description).sort()).toEqual(['Batik shirt', 'Shipping']);
    expect(await failure(fx.sim.client.listCheckoutSessionLineItems('cs_404'))).toMatchObject({ status: 404 });
  });

  it('expires on request, cancelling its intent, and cannot expire twice', async () => {
    const session = await create();
    const expired = await fx.sim.client.expireCheckoutSession(session.id, { idempotencyKey: key() });
    expect(expired).toMatchObject({ status: 'expired', payment_status: 'unpaid', url: null });
    const pi = await fx.sim.client.retrievePaymentIntent(session.payment_intent ?? '');
    expect(pi).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' });
    await fx.recorder.waitForEvent('checkout.session.expired', (e) => e.data.object.id === session.id);
    await fx.recorder.waitForEvent('payment_intent.canceled', (e) => e.data.object.id === pi.id);
    expect(await failure(fx.sim.client.expireCheckoutSession(session.id, { idempotencyKey: key() }))).toMatchObject({
      status: 400,
      code: ERROR_CODES.checkoutSessionUnexpectedState,
    });
  });

  it('expires by its own clock and says so with checkout.session.expired', async () => {
    fx.sim.simulator.settings.checkoutSessionLifetimeMs = 80;
    const session = await create();
    expect(session.expires_at - session.created).toBe(80);
    const event = await fx.recorder.waitForEvent('checkout.session.expired');
    expect(event.data.object).toMatchObject({ id: session.id, status: 'expired' });
    expect((await fx.sim.client.retrievePaymentIntent(session.payment_intent ?? '')).status).toBe('canceled');
  });

  it('completes and is paid when its intent succeeds, and then does not expire', async () => {
    fx.sim.simulator.settings.checkoutSessionLifetimeMs = 150;
    const session = await create();
    await fx.sim.control(`/_sim/payment_intents/${session.payment_intent}/succeed`);
    expect(await fx.sim.client.retrieveCheckoutSession(session.id)).toMatchObject({ status: 'complete', payment_status: 'paid' });
    await fx.recorder.waitForEvent('payment_intent.succeeded');
    // Past the lifetime: a completed session stays complete.
    await waitFor(() => Date.now() > session.expires_at + 50, 'the lifetime to pass');
    expect(await fx.sim.client.retrieveCheckoutSession(session.id)).toMatchObject({ status: 'complete' });
    expect(fx.recorder.types()).not.toContain('checkout.session.expired');
    expect(fx.recorder.types()).not.toContain('checkout.session.completed');
  });

  it('sends checkout.session.completed only when asked to (§14.13)', async () => {
    fx.sim.simulator.settings.emitCheckoutSessionCompleted = true;
    const session = await create();
    await fx.sim.control(`/_sim/payment_intents/${session.payment_intent}/succeed`);
    const event = await fx.recorder.waitForEvent('checkout.session.completed');
    expect(event.data.object).toMatchObject({ id: session.id, status: 'complete', payment_status: 'paid' });
  });

  it("refuses to cancel a session's intent directly (§3.3)", async () => {
    const session = await create();
    expect(
      await failure(fx.sim.client.cancelPaymentIntent(session.payment_intent ?? '', { cancellation_reason: 'x' }, { idempotencyKey: key() })),
    ).toMatchObject({ status: 400, code: ERROR_CODES.paymentIntentUnexpectedState });
  });

  it('answers 400 with the parameter for what it cannot build', async () => {
    expect(await failure(create({ ...SESSION, line_items: [{ quantity: 1, price: 'price_123' }] }))).toMatchObject({
      status: 400,
      code: ERROR_CODES.resourceMissing,
      param: 'line_items[0][price]',
    });
    expect(await failure(create({ ...SESSION, mode: 'subscription' }))).toMatchObject({ status: 400, param: 'mode' });
    expect(await failure(create({ ...SESSION, line_items: undefined }))).toMatchObject({ status: 400, param: 'line_items' });
    expect(
      await failure(create({ ...SESSION, line_items: [{ quantity: 1, price_data: { currency: 'USD', unit_amount: 100, product_data: { name: 'x' } } }] })),
    ).toMatchObject({ status: 400, param: 'line_items[0][price_data][currency]' });
  });
});
