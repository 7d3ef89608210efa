/**
 * Refunds over real HTTP: full, partial, multiple partial, concurrent, failed, refused, disabled, and the
 * webhook that overtakes its own create call.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { directPayment, newKey, startStack, type Stack } from '../helpers/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ settings: { refundPollMs: 1_000 } });
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(async () => {
  await stack.sim('/_sim/settings', { refundAutoSettleMs: 0, refundsSupported: true });
  await stack.clearFaults();
});

async function paidPayment(amount = 1_000_000): Promise<any> {
  const res = await stack.call('POST', '/v1/payments', { idempotencyKey: newKey('paid'), body: directPayment({ amount }) });
  expect(res.status).toBe(201);
  await stack.sim(`/_sim/payment_intents/${res.body.payment_intent}/succeed`);
  return stack.waitForPayment(res.body.id, (p) => p.status === 'succeeded');
}

function refund(paymentId: string, body: Record<string, unknown> = {}, key = newKey('refund')) {
  return stack.call('POST', `/v1/payments/${paymentId}/refunds`, { idempotencyKey: key, body });
}

/** The invariant, read from the API: refunded + pending + lost ≤ amount. */
function expectLedger(p: any): void {
  expect(p.amount_refunded + p.amount_refund_pending + p.amount_lost).toBeLessThanOrEqual(p.amount);
}

describe('refunds', () => {
  it('refunds everything that remains when no amount is given', async () => {
    const payment = await paidPayment();
    const res = await refund(payment.id, { reason: 'requested_by_customer' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ object: 'refund', amount: 1_000_000, reason: 'requested_by_customer', payment: payment.id });
    expect(res.body.id).toMatch(/^re_/);
    const done = await stack.waitForPayment(payment.id, (p) => p.status === 'refunded');
    expect(done.amount_refunded).toBe(1_000_000);
    expect(done.refunds[0]).toMatchObject({ status: 'succeeded', provider_refund: expect.stringMatching(/^re_/) });
    expectLedger(done);
  });

  it('takes two partial refunds, then the rest, and refuses more', async () => {
    const payment = await paidPayment(1_000_000);
    expect((await refund(payment.id, { amount: 300_000 })).status).toBe(201);
    await stack.waitForPayment(payment.id, (p) => p.status === 'partially_refunded' && p.amount_refunded === 300_000);
    expect((await refund(payment.id, { amount: 200_000 })).status).toBe(201);
    const rest = await refund(payment.id);
    expect(rest.status).toBe(201);
    expect(rest.body.amount).toBe(500_000);
    const done = await stack.waitForPayment(payment.id, (p) => p.status === 'refunded');
    expect(done.refunds.map((r: any) => r.amount)).toEqual([300_000, 200_000, 500_000]);
    const more = await refund(payment.id, { amount: 1 });
    expect(more.status).toBe(422);
    expect(more.body.error).toMatchObject({ type: 'invalid_request_error', code: 'amount_exceeds_refundable' });
  });

  it('refuses an over-refund before anything is written or sent to WooshPay', async () => {
    const payment = await paidPayment(1_000);
    const res = await refund(payment.id, { amount: 1_001 });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('amount_exceeds_refundable');
    const after = (await stack.call('GET', `/v1/payments/${payment.id}`)).body;
    expect(after.refunds).toEqual([]);
    expect(after.amount_refund_pending).toBe(0);
    // Not an update in history either: the validator rejected it.
    const history = await stack.env.client.workflow.getHandle(payment.id).fetchHistory();
    expect((history.events ?? []).some((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'refund')).toBe(false);
  });

  it('accepts exactly two of three concurrent 40% refunds', async () => {
    const payment = await paidPayment(1_000_000);
    const results = await Promise.all([0, 1, 2].map(() => refund(payment.id, { amount: 400_000 })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 201, 422]);
    expect(results.find((r) => r.status === 422)!.body.error.code).toBe('amount_exceeds_refundable');
    const done = await stack.waitForPayment(payment.id, (p) => p.amount_refunded === 800_000);
    expect(done.status).toBe('partially_refunded');
    expectLedger(done);
  });

  it('answers the same refund for the same Idempotency-Key, 409 for another body', async () => {
    const payment = await paidPayment();
    const key = newKey('same');
    const first = await refund(payment.id, { amount: 100_000 }, key);
    const again = await refund(payment.id, { amount: 100_000 }, key);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    const other = await refund(payment.id, { amount: 200_000 }, key);
    expect(other.status).toBe(409);
    expect(other.body.error.type).toBe('idempotency_error');
    const done = await stack.waitForPayment(payment.id, (p) => p.amount_refunded === 100_000);
    expect(done.refunds).toHaveLength(1);
  });

  it('releases the amount of a refund that fails at WooshPay', async () => {
    await stack.sim('/_sim/settings', { refundAutoSettleMs: null });
    const payment = await paidPayment(1_000_000);
    const res = await refund(payment.id, { amount: 600_000 });
    expect(res.body.status).toBe('pending');
    const pending = await stack.waitForPayment(payment.id, (p) => p.refunds[0]?.provider_refund);
    expect(pending.amount_refund_pending).toBe(600_000);
    // While it is pending, only the rest can be refunded.
    expect((await refund(payment.id, { amount: 500_000 })).status).toBe(422);
    await stack.sim(`/_sim/refunds/${pending.refunds[0].provider_refund}/fail`);
    const released = await stack.waitForPayment(payment.id, (p) => p.refunds[0].status === 'failed');
    expect(released).toMatchObject({ amount_refund_pending: 0, amount_refunded: 0, status: 'succeeded' });
    expect(released.refunds[0].failure_reason).toBeTruthy();
    expect((await refund(payment.id, { amount: 1_000_000 })).status).toBe(201);
  });

  it('follows a pending refund by polling when its webhook is lost', async () => {
    await stack.sim('/_sim/settings', { refundAutoSettleMs: null });
    const payment = await paidPayment();
    await refund(payment.id, { amount: 10_000 });
    const pending = await stack.waitForPayment(payment.id, (p) => p.refunds[0]?.provider_refund);
    await stack.sim('/_sim/faults', { kind: 'webhook_drop', eventType: 'charge.refund.updated' });
    await stack.sim(`/_sim/refunds/${pending.refunds[0].provider_refund}/succeed`);
    await stack.waitForPayment(payment.id, (p) => p.refunds[0].status === 'succeeded' && p.amount_refunded === 10_000);
  });

  it('applies charge.refund.updated that arrives before the create call returns', async () => {
    const payment = await paidPayment();
    // WooshPay creates (and settles) the refund, but our create call loses its answer and is retried.
    await stack.sim('/_sim/faults', { kind: 'commit_then_drop', pathPrefix: '/v1/refunds', method: 'POST', times: 1 });
    const res = await refund(payment.id, { amount: 250_000 });
    expect(res.status).toBe(201);
    const done = await stack.waitForPayment(payment.id, (p) => p.amount_refunded === 250_000);
    expect(done.refunds).toHaveLength(1);
    const listed = await stack.wooshpay.retrieveRefund(done.refunds[0].provider_refund);
    expect(listed.metadata).toMatchObject({ refund_id: done.refunds[0].id, payment_id: payment.id });
  });

  it('marks the refund failed with WooshPay’s reason when WooshPay refuses it', async () => {
    await stack.sim('/_sim/settings', { refundsSupported: false });
    const payment = await paidPayment();
    const res = await refund(payment.id, { amount: 5_000 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'failed', failure_reason: expect.stringMatching(/refund/) });
    const after = (await stack.call('GET', `/v1/payments/${payment.id}`)).body;
    expect(after).toMatchObject({ amount_refund_pending: 0, amount_refunded: 0, status: 'succeeded' });
  });

  it('refuses refunds of an unpaid payment', async () => {
    const res = await stack.call('POST', '/v1/payments', { idempotencyKey: newKey(), body: directPayment() });
    const attempt = await refund(res.body.id, { amount: 1 });
    expect(attempt.status).toBe(409);
    expect(attempt.body.error.type).toBe('state_error');
    expect((await refund(res.body.id, { amount: -5 })).status).toBe(400);
  });
});

describe('refunds disabled for the account', () => {
  it('answers 422 refund_not_supported before any provider call', async () => {
    stack.api.payments.settings = { ...stack.api.payments.settings, refundsEnabled: false };
    try {
      const payment = await paidPayment();
      const res = await refund(payment.id, { amount: 1_000 });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('refund_not_supported');
      const refunds = await stack.wooshpay.searchPaymentIntents({ query: `metadata['payment_id']:'${payment.id}'` });
      expect(refunds.data).toHaveLength(1);
      expect((await stack.call('GET', `/v1/payments/${payment.id}`)).body.refunds).toEqual([]);
    } finally {
      stack.api.payments.settings = { ...stack.api.payments.settings, refundsEnabled: true };
    }
  });
});
