import { describe, expect, it } from '@jest/globals';
import { DisputeSchema, ERROR_CODES, RefundSchema, type Event, type PaymentIntent } from '../../wooshpay/index.js';
import { directIntent, failure, key, useSimulator, waitFor } from './support.js';

const fx = useSimulator();

async function paidIntent(amount = 1_000_000): Promise<PaymentIntent> {
  const pi = await fx.sim.client.createPaymentIntent(directIntent({ amount }), { idempotencyKey: key() });
  await fx.sim.control(`/_sim/payment_intents/${pi.id}/succeed`);
  return fx.sim.client.retrievePaymentIntent(pi.id);
}

const refund = (payment_intent: string, amount?: number | string) =>
  fx.sim.client.createRefund({ payment_intent, ...(amount === undefined ? {} : { amount }), reason: 'requested_by_customer' }, { idempotencyKey: key() });

const refundEvents = (id: string) => fx.recorder.deliveries.map((d) => d.event).filter((e) => e.type === 'charge.refund.updated' && e.data.object.id === id);

describe('Refunds (§5, §14.2)', () => {
  it('refunds part of a succeeded payment, pending until settled, with charge.refund.updated on every change', async () => {
    const pi = await paidIntent();
    const created = await refund(pi.id, 300_000);
    expect(created).toMatchObject({ object: 'refund', amount: 300_000, currency: 'IDR', status: 'pending', payment_intent: pi.id, charge: pi.latest_charge, reason: 'requested_by_customer' });
    expect(await fx.sim.client.retrieveRefund(created.id)).toEqual(created);

    const settled = RefundSchema.parse(await fx.sim.control(`/_sim/refunds/${created.id}/succeed`));
    expect(settled.status).toBe('succeeded');
    await waitFor(() => refundEvents(created.id).length === 2, 'two refund events');
    expect(refundEvents(created.id).map((e) => (e.data.object as { status: string }).status).sort()).toEqual(['pending', 'succeeded']);
    expect(await fx.sim.client.retrieveCharge(pi.latest_charge ?? '')).toMatchObject({ amount_refunded: 300_000, refunded: false });
    expect((await fx.sim.raw('POST', `/_sim/refunds/${created.id}/fail`, { auth: null })).status).toBe(400);
  });

  it('takes multiple partial refunds up to what remains, and the remainder when amount is omitted', async () => {
    const pi = await paidIntent();
    await refund(pi.id, 200_000);
    await refund(pi.id, '300000');
    const tooMuch = await failure(refund(pi.id, 500_001));
    expect(tooMuch).toMatchObject({ status: 400, code: ERROR_CODES.amountTooLarge, param: 'amount', retryable: false });
    const rest = await refund(pi.id);
    expect(rest.amount).toBe(500_000);
    expect(await failure(refund(pi.id))).toMatchObject({ status: 400, code: ERROR_CODES.chargeAlreadyRefunded });
    expect(await failure(refund(pi.id, 1))).toMatchObject({ status: 400 });
  });

  it('gives a failed refund’s amount back to what can be refunded', async () => {
    const pi = await paidIntent();
    const first = await refund(pi.id);
    expect(first.amount).toBe(1_000_000);
    const failed = RefundSchema.parse(await fx.sim.control(`/_sim/refunds/${first.id}/fail`, { failure_reason: 'lost_or_stolen_card' }));
    expect(failed).toMatchObject({ status: 'failed', failure_reason: 'lost_or_stolen_card' });
    expect((await refund(pi.id)).amount).toBe(1_000_000);
  });

  it('settles by itself after refundAutoSettleMs', async () => {
    fx.sim.simulator.settings.refundAutoSettleMs = 20;
    const pi = await paidIntent();
    const created = await refund(pi.id, 10_000);
    await fx.recorder.waitForEvent('charge.refund.updated', (e) => e.data.object.id === created.id && (e.data.object as { status: string }).status === 'succeeded');
    expect((await fx.sim.client.retrieveRefund(created.id)).status).toBe('succeeded');
  });

  it('refuses refunds of payments that did not succeed, and of unknown ones', async () => {
    const pi = await fx.sim.client.createPaymentIntent(directIntent(), { idempotencyKey: key() });
    expect(await failure(refund(pi.id))).toMatchObject({ status: 400, code: ERROR_CODES.paymentIntentUnexpectedState });
    expect(await failure(refund('pi_unknown'))).toMatchObject({ status: 400, code: ERROR_CODES.resourceMissing, param: 'payment_intent' });
  });

  it('answers 400 refund_unsupported_for_payment_method when refunds are off, as the WooshPay page marks them (§14.1)', async () => {
    const pi = await paidIntent();
    fx.sim.simulator.settings.refundsSupported = false;
    expect(await failure(refund(pi.id))).toMatchObject({ status: 400, type: 'invalid_request_error', code: ERROR_CODES.refundUnsupported, retryable: false });
  });
});

describe('Disputes (§7)', () => {
  const openDispute = async (pi: PaymentIntent, body: object = {}) =>
    DisputeSchema.parse(await fx.sim.control(`/_sim/payment_intents/${pi.id}/dispute`, body));
  const disputeEvents = (id: string): Event[] =>
    fx.recorder.deliveries.map((d) => d.event).filter((e) => e.type.startsWith('charge.dispute.') && e.data.object.id === id);

  it('opens on a succeeded payment, withdrawing the funds, linked through the charge', async () => {
    const pi = await paidIntent();
    const dispute = await openDispute(pi, { reason: 'fraudulent' });
    expect(dispute).toMatchObject({ object: 'dispute', amount: 1_000_000, currency: 'IDR', status: 'needs_response', reason: 'fraudulent', charge: pi.latest_charge, payment_intent: pi.id });
    expect(dispute.evidence_details).toMatchObject({ has_evidence: false, past_due: false, submission_count: 0 });
    expect(await fx.sim.client.retrieveDispute(dispute.id)).toMatchObject({ id: dispute.id, status: 'needs_response' });
    expect(await fx.sim.client.retrieveCharge(pi.latest_charge ?? '')).toMatchObject({ disputed: true, dispute: dispute.id });
    expect((await fx.sim.client.listDisputes({ payment_intent: pi.id })).data.map((d) => d.id)).toEqual([dispute.id]);

    await waitFor(() => disputeEvents(dispute.id).length === 2, 'created and funds_withdrawn');
    expect(disputeEvents(dispute.id).map((e) => e.type).sort()).toEqual(['charge.dispute.created', 'charge.dispute.funds_withdrawn']);
    expect(await failure(refund(pi.id))).toMatchObject({ status: 400, code: ERROR_CODES.chargeDisputed });
    expect((await fx.sim.raw('POST', `/_sim/payment_intents/${pi.id}/dispute`, { body: {}, auth: null })).status).toBe(400);
  });

  it('takes evidence, then a submission, and refuses changes once under review', async () => {
    const pi = await paidIntent();
    const dispute = await openDispute(pi, { amount: 400_000 });
    expect(dispute.amount).toBe(400_000);
    const withEvidence = await fx.sim.client.updateDispute(
      dispute.id,
      { evidence: { product_description: 'Batik shirt, delivered', customer_email_address: 'a@b.example' }, metadata: { case: '7' } },
      { idempotencyKey: key() },
    );
    expect(withEvidence).toMatchObject({ status: 'needs_response', metadata: { case: '7' }, evidence: { product_description: 'Batik shirt, delivered' } });
    expect(withEvidence.evidence_details?.has_evidence).toBe(true);
    const submitted = await fx.sim.client.updateDispute(dispute.id, { submit: true }, { idempotencyKey: key() });
    expect(submitted).toMatchObject({ status: 'under_review', evidence_details: { submission_count: 1 } });
    const updated = await fx.recorder.waitForEvent('charge.dispute.updated', (e) => (e.data.object as { status: string }).status === 'under_review');
    expect(updated.data.previous_attributes).toMatchObject({ status: 'needs_response' });

    expect(await failure(fx.sim.client.updateDispute(dispute.id, { evidence: { receipt: 'x' } }, { idempotencyKey: key() }))).toMatchObject({
      status: 400,
      code: ERROR_CODES.disputeUnexpectedState,
    });
    expect(await failure(fx.sim.client.closeDispute(dispute.id, { idempotencyKey: key() }))).toMatchObject({ status: 400 });
  });

  it('is won by control: funds reinstated, then closed', async () => {
    const pi = await paidIntent();
    const dispute = await openDispute(pi);
    const won = DisputeSchema.parse(await fx.sim.control(`/_sim/disputes/${dispute.id}/close`, { status: 'won' }));
    expect(won.status).toBe('won');
    await waitFor(() => disputeEvents(dispute.id).length === 4, 'four dispute events');
    expect(disputeEvents(dispute.id).map((e) => e.type).sort()).toEqual([
      'charge.dispute.closed',
      'charge.dispute.created',
      'charge.dispute.funds_reinstated',
      'charge.dispute.funds_withdrawn',
    ]);
    expect((await fx.sim.raw('POST', `/_sim/disputes/${dispute.id}/close`, { body: { status: 'lost' }, auth: null })).status).toBe(400);
  });

  it('is lost by control without reinstating funds', async () => {
    const pi = await paidIntent();
    const dispute = await openDispute(pi);
    expect(DisputeSchema.parse(await fx.sim.control(`/_sim/disputes/${dispute.id}/close`, { status: 'lost' })).status).toBe('lost');
    await fx.recorder.waitForEvent('charge.dispute.closed');
    expect(fx.recorder.types()).not.toContain('charge.dispute.funds_reinstated');
  });

  it('is accepted (lost) through POST /v1/disputes/{id}/close', async () => {
    const pi = await paidIntent();
    const dispute = await openDispute(pi);
    const closed = await fx.sim.client.closeDispute(dispute.id, { idempotencyKey: key() });
    expect(closed.status).toBe('lost');
    const event = await fx.recorder.waitForEvent('charge.dispute.closed');
    expect(event.request?.idempotency_key).toEqual(expect.any(String));
  });

  it('marks evidence past due when the window closes', async () => {
    fx.sim.simulator.settings.disputeEvidenceWindowMs = 30;
    const pi = await paidIntent();
    const dispute = await openDispute(pi);
    await waitFor(async () => (await fx.sim.client.retrieveDispute(dispute.id)).evidence_details?.past_due === true, 'past_due');
  });

  it('refuses disputes on unpaid payments and bad control input', async () => {
    const pi = await fx.sim.client.createPaymentIntent(directIntent(), { idempotencyKey: key() });
    expect((await fx.sim.raw('POST', `/_sim/payment_intents/${pi.id}/dispute`, { body: {}, auth: null })).status).toBe(400);
    const paid = await paidIntent();
    expect((await fx.sim.raw('POST', `/_sim/payment_intents/${paid.id}/dispute`, { body: { amount: 2_000_000 }, auth: null })).status).toBe(400);
    const dispute = await openDispute(paid);
    expect((await fx.sim.raw('POST', `/_sim/disputes/${dispute.id}/close`, { body: { status: 'maybe' }, auth: null })).status).toBe(400);
    expect((await fx.sim.raw('POST', '/_sim/disputes/dp_404/close', { body: { status: 'won' }, auth: null })).status).toBe(404);
  });
});
