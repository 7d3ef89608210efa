/**
 * §14.23 and §14.24 at the simulator: transfers short of the amount, above it, and after the intent was
 * cancelled, as `POST /_sim/payment_intents/:id/succeed` with `amount_received` and `late` makes them.
 */
import { describe, expect, it } from '@jest/globals';
import {
  ERROR_CODES,
  ErrorEnvelopeSchema,
  LATE_TRANSFER,
  PARTIAL_FUNDING,
  PaymentIntentSchema,
  type WooshPayError,
} from '../../wooshpay/index.js';
import { directIntent, failure, key, useSimulator, waitFor } from './support.js';

describe('Funding amounts', () => {
  const fx = useSimulator();

  const create = () => fx.sim.client.createPaymentIntent(directIntent({ amount: 1_000_000 }), { idempotencyKey: key() });
  const transfer = async (id: string, body: { amount_received?: number; late?: boolean } = {}) =>
    PaymentIntentSchema.parse(await fx.sim.control(`/_sim/payment_intents/${id}/succeed`, body));
  const attempt = (id: string, body: object) => fx.sim.raw('POST', `/_sim/payment_intents/${id}/succeed`, { body, auth: null });

  it('starts at 0 received, keeps a short transfer waiting for the rest, then succeeds with the total', async () => {
    const pi = await create();
    expect(pi.amount_received).toBe(0);

    const partial = await transfer(pi.id, { amount_received: 400_000 });
    expect(partial).toMatchObject({ status: PARTIAL_FUNDING.status, amount_received: 400_000 });
    expect(partial.next_action?.type).toBe('bank_transfer_id_handle_redirect');
    const event = await fx.recorder.waitForEvent(PARTIAL_FUNDING.eventType, (e) => e.data.object.id === pi.id);
    expect(event.data.object).toMatchObject({ status: 'requires_action', amount_received: 400_000 });
    expect(event.data.previous_attributes).toMatchObject({ amount_received: 0 });
    expect((await fx.sim.client.retrievePaymentIntent(pi.id)).amount_received).toBe(400_000);
    expect(fx.recorder.types()).not.toContain('payment_intent.succeeded');

    const rest = await transfer(pi.id); // default: the rest of the amount
    expect(rest).toMatchObject({ status: 'succeeded', amount_received: 1_000_000 });
    await fx.recorder.waitForEvent('payment_intent.succeeded', (e) => e.data.object.id === pi.id);
    // One charge holds everything received, raised by the second transfer.
    const charges = await fx.sim.client.listCharges({ payment_intent: pi.id });
    expect(charges.data.map((c) => [c.id, c.amount])).toEqual([[partial.latest_charge, 1_000_000]]);
  });

  it('refuses a total that does not exceed what was already received', async () => {
    const pi = await create();
    await transfer(pi.id, { amount_received: 300_000 });
    for (const amount_received of [300_000, 200_000]) {
      const res = await attempt(pi.id, { amount_received });
      expect(res.status).toBe(400);
      expect(ErrorEnvelopeSchema.parse(await res.json()).error).toMatchObject({ code: ERROR_CODES.parameterInvalid, param: 'amount_received' });
    }
    expect((await attempt(pi.id, { amount_received: -1 })).status).toBe(400);
    expect((await attempt(pi.id, { amount_received: 1.5 })).status).toBe(400);
    expect((await attempt(pi.id, { surprise: true })).status).toBe(400);
    expect((await fx.sim.client.retrievePaymentIntent(pi.id)).amount_received).toBe(300_000);
  });

  it('succeeds an overpaid transfer with amount_received above the amount, all of it refundable', async () => {
    const pi = await create();
    const paid = await transfer(pi.id, { amount_received: 1_250_000 });
    expect(paid).toMatchObject({ status: 'succeeded', amount: 1_000_000, amount_received: 1_250_000 });
    const excess = await fx.sim.client.createRefund({ payment_intent: pi.id, amount: 250_000 }, { idempotencyKey: key() });
    expect(excess.status).toBe('pending');
    const rest = await fx.sim.client.createRefund({ payment_intent: pi.id }, { idempotencyKey: key() });
    expect(rest.amount).toBe(1_000_000);
    expect(await failure<WooshPayError>(fx.sim.client.createRefund({ payment_intent: pi.id, amount: 1 }, { idempotencyKey: key() })))
      .toMatchObject({ status: 400, code: ERROR_CODES.chargeAlreadyRefunded });
  });

  it('lands a late transfer on a cancelled intent only when asked, and lets it be refunded', async () => {
    const pi = await create();
    await fx.sim.client.cancelPaymentIntent(pi.id, { cancellation_reason: 'expired' }, { idempotencyKey: key() });
    const refused = await attempt(pi.id, {});
    expect(refused.status).toBe(400);
    expect(ErrorEnvelopeSchema.parse(await refused.json()).error.code).toBe(ERROR_CODES.paymentIntentUnexpectedState);
    expect(await failure<WooshPayError>(fx.sim.client.createRefund({ payment_intent: pi.id }, { idempotencyKey: key() })))
      .toMatchObject({ status: 400, code: ERROR_CODES.paymentIntentUnexpectedState });

    const late = await transfer(pi.id, { amount_received: 600_000, late: true });
    expect(late).toMatchObject({ status: LATE_TRANSFER.status, amount_received: 600_000, cancellation_reason: 'expired' });
    const event = await fx.recorder.waitForEvent(LATE_TRANSFER.eventType, (e) => e.data.object.id === pi.id);
    expect(event.data.object).toMatchObject({ status: 'canceled', amount_received: 600_000 });
    const more = await transfer(pi.id, { late: true }); // default total: the amount
    expect(more).toMatchObject({ status: 'canceled', amount_received: 1_000_000 });

    const refund = await fx.sim.client.createRefund({ payment_intent: pi.id }, { idempotencyKey: key() });
    expect(refund).toMatchObject({ amount: 1_000_000, status: 'pending' });
    await waitFor(() => fx.recorder.types().filter((t) => t === LATE_TRANSFER.eventType).length === 2, 'two late-funding events');
    expect(fx.recorder.types()).not.toContain('payment_intent.succeeded');
  });

  it('keeps a partially funded Checkout session open, completes it when paid in full, and leaves an expired one expired', async () => {
    const params = {
      mode: 'payment' as const,
      success_url: 'https://shop.example/ok',
      line_items: [{ quantity: 1, price_data: { currency: 'IDR', unit_amount: 500_000, product_data: { name: 'Tea' } } }],
    };
    const session = await fx.sim.client.createCheckoutSession(params, { idempotencyKey: key() });
    await transfer(session.payment_intent ?? '', { amount_received: 100_000 });
    expect(await fx.sim.client.retrieveCheckoutSession(session.id)).toMatchObject({ status: 'open', payment_status: 'unpaid' });
    // The hosted page's button pays in full: what is still due.
    const paid = await fetch(session.url ?? '', { method: 'POST', redirect: 'manual' });
    expect(paid.status).toBe(303);
    expect(await fx.sim.client.retrieveCheckoutSession(session.id)).toMatchObject({ status: 'complete', payment_status: 'paid' });
    expect(await fx.sim.client.retrievePaymentIntent(session.payment_intent ?? '')).toMatchObject({ status: 'succeeded', amount_received: 500_000 });

    const abandoned = await fx.sim.client.createCheckoutSession(params, { idempotencyKey: key() });
    await fx.sim.client.expireCheckoutSession(abandoned.id, { idempotencyKey: key() });
    await transfer(abandoned.payment_intent ?? '', { amount_received: 500_000, late: true });
    expect(await fx.sim.client.retrieveCheckoutSession(abandoned.id)).toMatchObject({ status: 'expired' });
    expect(await fx.sim.client.retrievePaymentIntent(abandoned.payment_intent ?? '')).toMatchObject({ status: 'canceled', amount_received: 500_000 });
  });

  it('shows what was received on the hosted page, whose button still pays the rest in full', async () => {
    const pi = await create();
    await transfer(pi.id, { amount_received: 250_000 });
    const page = await (await fetch(`${fx.sim.url}/v1/receives/c12/pay/${pi.id}`)).text();
    expect(page).toMatch(/id="received">Rp\s?2\.500,00</);
    expect(page).toContain('id="pay"');
    await fetch(`${fx.sim.url}/v1/receives/c12/pay/${pi.id}`, { method: 'POST', redirect: 'manual' });
    expect(await fx.sim.client.retrievePaymentIntent(pi.id)).toMatchObject({ status: 'succeeded', amount_received: 1_000_000 });
  });
});
