/**
 * A WooshPay call cut off by the worker shutting down is not a refusal: Temporal's cancellation reaches
 * Temporal as one, the call is retried with the same idempotency key on the next worker, and the refund
 * WooshPay committed meanwhile is the one the payment records (never marked failed, never made twice).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { directPayment, newKey, startStack, type Stack } from '../helpers/stack.js';
import { sleep } from '../simulator/support.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ settings: { refundPollMs: 1_000 } });
  await stack.sim('/_sim/settings', { refundAutoSettleMs: 0 });
});
afterAll(async () => {
  await stack?.close();
});

describe('a refund call cut off by a worker shutdown', () => {
  it('is retried after the restart and finds the refund WooshPay committed', async () => {
    const created = await stack.call('POST', '/v1/payments', { idempotencyKey: newKey('paid'), body: directPayment({ amount: 1_000_000 }) });
    await stack.sim(`/_sim/payment_intents/${created.body.payment_intent}/succeed`);
    await stack.waitForPayment(created.body.id, (p) => p.status === 'succeeded');

    // WooshPay holds the refund for 6 s, then commits it: longer than the worker's 2 s shutdown grace.
    await stack.sim('/_sim/faults', { kind: 'latency', latencyMs: 6_000, pathPrefix: '/v1/refunds', method: 'POST', times: 1 });
    const requested = stack.call('POST', `/v1/payments/${created.body.id}/refunds`, { idempotencyKey: newKey('refund'), body: {} });
    await sleep(1_000); // the activity's call is now waiting at WooshPay
    await stack.stopWorker(); // the grace runs out: Temporal cancels the activity, its call is aborted
    await stack.startWorker();
    await requested;

    const done = await stack.waitForPayment(created.body.id, (p) => p.status === 'refunded', 60_000);
    expect(done.refunds).toHaveLength(1);
    expect(done.refunds[0]).toMatchObject({ status: 'succeeded', amount: 1_000_000, provider_refund: expect.stringMatching(/^re_/) });
    expect(done.amount_refunded).toBe(1_000_000);
    // One refund at WooshPay: the charge was refunded once, in full.
    const intent = await stack.wooshpay.retrievePaymentIntent(created.body.payment_intent);
    const charge = await stack.wooshpay.retrieveCharge(intent.latest_charge ?? '');
    expect(charge.amount_refunded).toBe(1_000_000);
    expect((await stack.wooshpay.retrieveRefund(done.refunds[0].provider_refund)).amount).toBe(1_000_000);
  }, 90_000);
});
