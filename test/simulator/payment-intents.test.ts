import { describe, expect, it } from '@jest/globals';
import {
  ERROR_CODES,
  ErrorEnvelopeSchema,
  isEventType,
  listEnvelope,
  PaymentIntentSchema,
  redirectUrlOf,
  type PaymentIntent,
  type WooshPayError,
} from '../../wooshpay/index.js';
import { directIntent, failure, getWithJsonBody, key, useSimulator, waitFor } from './support.js';

describe('PaymentIntents', () => {
  const fx = useSimulator();

  const create = (overrides: Parameters<typeof directIntent>[0] = {}) =>
    fx.sim.client.createPaymentIntent(directIntent(overrides), { idempotencyKey: key() });

  it('creates a confirmed bank transfer in requires_action, with a redirect the simulator serves', async () => {
    const idempotencyKey = key();
    const pi = await fx.sim.client.createPaymentIntent(directIntent({ merchant_order_id: 'order-1' }), { idempotencyKey });
    expect(pi).toMatchObject({ object: 'payment_intent', status: 'requires_action', amount: 1_000_000, currency: 'IDR', livemode: false });
    expect(pi.id).toMatch(/^pi_\d{19}$/);
    expect(pi.client_secret).toMatch(new RegExp(`^${pi.id}_secret_[A-Za-z0-9]{24}$`));
    expect(pi.next_action?.type).toBe('bank_transfer_id_handle_redirect');
    const url = redirectUrlOf(pi);
    expect(url).toBe(`${fx.sim.url}/v1/receives/c12/pay/${pi.id}`);
    const page = await fetch(url ?? '');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');

    const created = await fx.recorder.waitForEvent('payment_intent.created', (e) => e.data.object.id === pi.id);
    const action = await fx.recorder.waitForEvent('payment_intent.requires_action', (e) => e.data.object.id === pi.id);
    expect(created.request).toEqual({ id: expect.stringMatching(/^req_/), idempotency_key: idempotencyKey });
    expect(action.data.previous_attributes).toMatchObject({ status: 'requires_confirmation' });
    expect(await fx.sim.client.retrieveEvent(action.id)).toEqual(action);
  });

  it('creates unconfirmed intents and confirms them', async () => {
    const bare = await fx.sim.client.createPaymentIntent({ amount: 500_000, currency: 'IDR' }, { idempotencyKey: key() });
    expect(bare.status).toBe('requires_payment_method');
    const withMethod = await create({ confirm: false });
    expect(withMethod.status).toBe('requires_confirmation');
    const confirmed = await fx.sim.client.confirmPaymentIntent(withMethod.id, {}, { idempotencyKey: key() });
    expect(confirmed.status).toBe('requires_action');
    expect(redirectUrlOf(confirmed)).toContain(withMethod.id);
    const confirmedBare = await fx.sim.client.confirmPaymentIntent(bare.id, { payment_method_data: { type: 'bank_transfer_id' } }, { idempotencyKey: key() });
    expect(confirmedBare.status).toBe('requires_action');
    expect(await failure(fx.sim.client.confirmPaymentIntent(bare.id, {}, { idempotencyKey: key() }))).toMatchObject({
      status: 400,
      code: ERROR_CODES.paymentIntentUnexpectedState,
    });
  });

  it('refuses what the simulator does not implement, naming the parameter', async () => {
    expect(await failure(create({ payment_method_data: { type: 'card' } }))).toMatchObject({
      status: 400,
      code: ERROR_CODES.paymentMethodUnsupported,
      param: 'payment_method_data[type]',
    });
    expect(await failure(create({ currency: 'USD' }))).toMatchObject({ status: 400, param: 'currency' });
    expect(await failure(create({ amount: 99 }))).toMatchObject({ status: 400, code: ERROR_CODES.amountTooSmall, param: 'amount' });
    expect(await failure(create({ capture_method: 'manual' }))).toMatchObject({ status: 400, param: 'capture_method' });
    expect(await failure(fx.sim.client.createPaymentIntent({ amount: 100_000, currency: 'IDR', confirm: true }, { idempotencyKey: key() }))).toMatchObject({
      status: 400,
      code: ERROR_CODES.parameterMissing,
      param: 'payment_method_data',
    });
  });

  it('retrieves, and lists newest first with cursors, limits and a created filter', async () => {
    const made: PaymentIntent[] = [];
    for (let i = 0; i < 5; i++) made.push(await create({ amount: 100_000 + i }));
    const newestFirst = made.map((pi) => pi.id).reverse();

    expect(await fx.sim.client.retrievePaymentIntent(made[0].id)).toMatchObject({ id: made[0].id, amount: 100_000 });
    const page1 = await fx.sim.client.listPaymentIntents({ limit: 2 });
    expect(page1).toMatchObject({ object: 'list', url: '/v1/payment_intents', has_more: true });
    expect(page1.data.map((pi) => pi.id)).toEqual(newestFirst.slice(0, 2));
    const page2 = await fx.sim.client.listPaymentIntents({ limit: 2, starting_after: page1.data[1].id });
    expect(page2.data.map((pi) => pi.id)).toEqual(newestFirst.slice(2, 4));
    const page3 = await fx.sim.client.listPaymentIntents({ limit: 2, starting_after: page2.data[1].id });
    expect(page3).toMatchObject({ has_more: false });
    expect(page3.data.map((pi) => pi.id)).toEqual(newestFirst.slice(4));
    const back = await fx.sim.client.listPaymentIntents({ limit: 2, ending_before: page3.data[0].id });
    expect(back.data.map((pi) => pi.id)).toEqual(newestFirst.slice(2, 4));

    const since = await fx.sim.client.listPaymentIntents({ created: { gte: made[3].created } });
    expect(since.data.map((pi) => pi.id)).toEqual(expect.arrayContaining(newestFirst.slice(0, 2)));
    expect(since.data.every((pi) => pi.created >= made[3].created)).toBe(true);

    expect(await failure(fx.sim.client.listPaymentIntents({ starting_after: 'pi_missing' }))).toMatchObject({
      status: 400,
      code: ERROR_CODES.resourceMissing,
      param: 'starting_after',
    });
  });

  it('reads list parameters from a JSON body on GET as the documentation declares them (§14.8)', async () => {
    await create();
    await create();
    const response = await getWithJsonBody(`${fx.sim.url}/v1/payment_intents`, { limit: 1 });
    expect(response.status).toBe(200);
    const list = listEnvelope(PaymentIntentSchema).parse(response.json);
    expect(list.data).toHaveLength(1);
    expect(list.has_more).toBe(true);
  });

  it("searches by merchant_order_id and by metadata['key']", async () => {
    const mine = await create({ merchant_order_id: 'order-1234', metadata: { cart: 'c-9', merchant_order_id: 'order-1234' } });
    await create({ merchant_order_id: 'order-9999', metadata: { cart: 'c-1' } });

    const byOrder = await fx.sim.client.searchPaymentIntents({ query: "merchant_order_id:'order-1234'" });
    expect(byOrder).toMatchObject({ object: 'list', url: '/v1/payment_intents/search' });
    expect(byOrder.data.map((pi) => pi.id)).toEqual([mine.id]);
    const byMetadata = await fx.sim.client.searchPaymentIntents({ query: `metadata['cart']:"c-9" AND status:'requires_action'` });
    expect(byMetadata.data.map((pi) => pi.id)).toEqual([mine.id]);
    const either = await fx.sim.client.searchPaymentIntents({ query: "merchant_order_id:'order-1234' OR merchant_order_id:'order-9999'" });
    expect(either.data).toHaveLength(2);
    expect((await fx.sim.client.searchPaymentIntents({ query: "merchant_order_id:'nope'" })).data).toEqual([]);

    for (const query of ["secret:'x'", 'merchant_order_id', "a:'1' AND b:'2' OR c:'3'"]) {
      expect(await failure(fx.sim.client.searchPaymentIntents({ query }))).toMatchObject({ status: 400, param: 'query' });
    }
  });

  it('cancels only with a reason and only from the documented states', async () => {
    const pi = await create();
    const noReason = await fx.sim.raw('POST', `/v1/payment_intents/${pi.id}/cancel`, { body: {}, headers: { 'Idempotency-Key': key() } });
    expect(noReason.status).toBe(400);
    expect(ErrorEnvelopeSchema.parse(await noReason.json()).error).toMatchObject({ param: 'cancellation_reason', code: ERROR_CODES.parameterMissing });

    const canceled = await fx.sim.client.cancelPaymentIntent(pi.id, { cancellation_reason: 'customer cancelled' }, { idempotencyKey: key() });
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'customer cancelled', next_action: null });
    expect(canceled.canceled_at).toEqual(expect.any(Number));
    const event = await fx.recorder.waitForEvent('payment_intent.canceled');
    expect(event.data.object.id).toBe(pi.id);

    const again = await failure<WooshPayError>(fx.sim.client.cancelPaymentIntent(pi.id, { cancellation_reason: 'again' }, { idempotencyKey: key() }));
    expect(again).toMatchObject({ status: 400, code: ERROR_CODES.paymentIntentUnexpectedState, retryable: false });
    const paid = await create();
    await fx.sim.control(`/_sim/payment_intents/${paid.id}/succeed`);
    expect(await failure(fx.sim.client.cancelPaymentIntent(paid.id, { cancellation_reason: 'late' }, { idempotencyKey: key() }))).toMatchObject({ status: 400 });
  });

  it('moves through processing to succeeded by control, with a charge and an event each step', async () => {
    const pi = await create();
    const processing = PaymentIntentSchema.parse(await fx.sim.control(`/_sim/payment_intents/${pi.id}/processing`));
    expect(processing.status).toBe('processing');
    const succeeded = PaymentIntentSchema.parse(await fx.sim.control(`/_sim/payment_intents/${pi.id}/succeed`));
    expect(succeeded).toMatchObject({ status: 'succeeded', amount_received: 1_000_000, next_action: null });

    const event = await fx.recorder.waitForEvent('payment_intent.succeeded');
    if (!isEventType(event, 'payment_intent.succeeded')) throw new Error('wrong event');
    expect(event.request).toEqual({ id: null, idempotency_key: null });
    expect(event.data.previous_attributes).toMatchObject({ status: 'processing' });
    // §10: delivery order is not guaranteed, only that each change is sent.
    await waitFor(() => fx.recorder.deliveries.length === 4, 'four deliveries');
    expect(fx.recorder.types().sort()).toEqual(['payment_intent.created', 'payment_intent.processing', 'payment_intent.requires_action', 'payment_intent.succeeded']);

    const charge = await fx.sim.client.retrieveCharge(succeeded.latest_charge ?? '');
    expect(charge).toMatchObject({ object: 'charge', amount: 1_000_000, currency: 'IDR', status: 'succeeded', payment_intent: pi.id, disputed: false });
    const charges = await fx.sim.client.listCharges({ payment_intent: pi.id });
    expect(charges.data.map((c) => c.id)).toEqual([charge.id]);
    expect((await fx.sim.raw('POST', `/_sim/payment_intents/${pi.id}/succeed`, { auth: null })).status).toBe(400);
  });

  it('fails a transfer back to requires_payment_method with last_payment_error', async () => {
    const pi = await create();
    const failed = PaymentIntentSchema.parse(await fx.sim.control(`/_sim/payment_intents/${pi.id}/fail`, { code: 'transfer_rejected', message: 'Bank refused' }));
    expect(failed).toMatchObject({ status: 'requires_payment_method', next_action: null, last_payment_error: { code: 'transfer_rejected', message: 'Bank refused' } });
    await fx.recorder.waitForEvent('payment_intent.payment_failed');
  });

  it('expires an unpaid intent by control, as WooshPay cancelling it', async () => {
    const pi = await create();
    const expired = PaymentIntentSchema.parse(await fx.sim.control(`/_sim/payment_intents/${pi.id}/expire`));
    expect(expired).toMatchObject({ status: 'canceled', cancellation_reason: 'automatic' });
    await fx.recorder.waitForEvent('payment_intent.canceled');
  });

  it('cancels unpaid intents by itself after intentAutoExpireMs (§14.15)', async () => {
    fx.sim.simulator.settings.intentAutoExpireMs = 50;
    const pi = await create();
    const event = await fx.recorder.waitForEvent('payment_intent.canceled', (e) => e.data.object.id === pi.id);
    expect(event.data.object).toMatchObject({ status: 'canceled', cancellation_reason: 'automatic' });

    // A paid intent is left alone when its window ends. The window is wide enough for the succeed control to
    // land first even on a loaded machine (at 50 ms it sometimes did not), and the check waits past its end.
    fx.sim.simulator.settings.intentAutoExpireMs = 1_500;
    const paid = await create();
    await fx.sim.control(`/_sim/payment_intents/${paid.id}/succeed`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await fx.sim.client.retrievePaymentIntent(paid.id)).status).toBe('succeeded');
  });
});
