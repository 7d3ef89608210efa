/**
 * Fault suite, WooshPay answering badly: half its answers 5xx and a tenth timing out for a while (R6), a create
 * and a refund committed and then the connection dropped (R7), 429 with Retry-After (R8). The worker is a real
 * process with a 2 s WooshPay timeout; every scenario ends with the global invariants.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { TIMESTAMP_UNIT_MS } from '../../wooshpay/index.js';
import { newKey } from '../helpers/stack.js';
import { record, startFaultStack, until, type FaultStack } from './fixture.js';
import { checkInvariants, refundsAtWooshPay } from './invariants.js';

const AMOUNT = 1_000_000;
let stack: FaultStack;

beforeAll(async () => {
  stack = await startFaultStack({ workerEnv: { WOOSHPAY_TIMEOUT_MS: '2000' } });
  await stack.startWorker();
  await stack.sim('/_sim/settings', { refundAutoSettleMs: 0 });
}, 180_000);
afterEach(async () => {
  await stack.clearFaults();
});
afterAll(async () => {
  await stack?.close();
});

async function activeFaults(): Promise<unknown[]> {
  return ((await (await fetch(`${stack.simulatorUrl}/_sim/faults`)).json()) as { faults: unknown[] }).faults;
}

async function intentsOf(paymentId: string) {
  return (await stack.wooshpay.searchPaymentIntents({ query: `metadata['payment_id']:'${paymentId}'` })).data;
}

describe('WooshPay answering badly', () => {
  it('R6: 50 % 5xx and 10 % timeouts for a while, then healthy: every payment finishes', async () => {
    const COUNT = 8;
    const FAULT_BUDGET = 100_000;
    const FAULTY_WINDOW_MS = 15_000;
    await stack.fault([
      // `times` far above what the window uses, so what remains tells how often each fault fired.
      { kind: 'error', status: 500, rate: 0.5, pathPrefix: '/v1/', times: FAULT_BUDGET },
      // Held past the worker's 2 s timeout, then executed: the request went out and its answer is unknown.
      { kind: 'latency', latencyMs: 3_000, rate: 0.1, pathPrefix: '/v1/', times: FAULT_BUDGET },
      // A tenth of a few dozen calls can be none: one call that the tenth spared times out regardless.
      { kind: 'latency', latencyMs: 3_000, rate: 1, pathPrefix: '/v1/', times: 1 },
    ]);
    const started = Date.now();
    const fiveXXBefore = stack.fiveXX.length;
    // Under the faults: every payment is created, paid and asked for a refund.
    const payments = await Promise.all(
      Array.from({ length: COUNT }, async (_, i) => {
        const payment = await stack.createPayment(newKey(`r6-${i}`), { amount: AMOUNT }, 180_000);
        await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/succeed`, {});
        await stack.waitForPayment(payment.id, (p) => p.status === 'succeeded', 120_000);
        const refund = stack.refund(payment.id, newKey(`r6-refund-${i}`), 200_000, 180_000);
        return { payment, refund };
      }),
    );
    await new Promise((r) => setTimeout(r, Math.max(0, FAULTY_WINDOW_MS - (Date.now() - started))));
    const faultyForMs = Date.now() - started;
    const fired = ((await activeFaults()) as { kind: string; remaining: number }[]).map((f) => [f.kind, FAULT_BUDGET - f.remaining]);
    await stack.clearFaults();
    // The one-shot timeout was used (it is gone), and the 5xx fired.
    expect(fired).toEqual([['error', expect.any(Number)], ['latency', expect.any(Number)]]);
    expect(fired[0][1]).toBeGreaterThan(0);
    const timeouts = (fired[1][1] as number) + 1;
    await Promise.all(payments.map((p) => p.refund));
    const finished = await Promise.all(
      payments.map(({ payment }) => stack.waitForPayment(payment.id, (p) => p.amount_refunded === 200_000 && p.amount_refund_pending === 0, 120_000)),
    );
    expect(finished.map((p) => p.status)).toEqual(Array(COUNT).fill('partially_refunded'));
    for (const p of finished) expect(await intentsOf(p.id)).toHaveLength(1);
    const refunds = await refundsAtWooshPay(stack);
    expect(refunds.filter((r) => finished.some((p) => p.payment_intent === r.payment_intent))).toHaveLength(COUNT);
    record('R6', {
      payments: COUNT,
      faultyForMs,
      faultsFired: { error: fired[0][1], latency: timeouts },
      intakeAnswered5xxWhileFaulty: stack.fiveXX.length - fiveXXBefore,
      finished: finished.length,
      intentsPerPayment: 1,
      refundsAtWooshPay: COUNT,
      invariants: await checkInvariants(stack, { fiveXXInjected: true }),
    });
  });

  it('R7: a create and a refund committed, then the connection dropped: one intent and one refund at WooshPay', async () => {
    await stack.fault({ kind: 'commit_then_drop', pathPrefix: '/v1/payment_intents', method: 'POST', times: 1 });
    const payment = await stack.createPayment(newKey('r7'), { amount: AMOUNT });
    expect(await activeFaults()).toEqual([]); // the drop happened
    expect(await intentsOf(payment.id)).toHaveLength(1);
    await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/succeed`, {});
    await stack.waitForPayment(payment.id, (p) => p.status === 'succeeded');

    await stack.fault({ kind: 'commit_then_drop', pathPrefix: '/v1/refunds', method: 'POST', times: 1 });
    await stack.refund(payment.id, newKey('r7-refund'), 300_000);
    expect(await activeFaults()).toEqual([]);
    const refunded = await stack.waitForPayment(payment.id, (p) => p.amount_refunded === 300_000);
    expect(refunded.refunds).toHaveLength(1);
    const atWooshPay = (await refundsAtWooshPay(stack)).filter((r) => r.payment_intent === payment.payment_intent);
    expect(atWooshPay.map((r) => [r.amount, r.status])).toEqual([[300_000, 'succeeded']]);
    record('R7', { intentsAtWooshPay: 1, refundsAtWooshPay: atWooshPay.length, amount_refunded: refunded.amount_refunded, invariants: await checkInvariants(stack) });
  });

  it('R8: 429 with Retry-After: 4 — the create is tried again no sooner than WooshPay asked', async () => {
    await stack.fault({ kind: 'error', status: 429, retryAfterSeconds: 4, pathPrefix: '/v1/payment_intents', method: 'POST', times: 1 });
    const key = newKey('r8');
    const creating = stack.createPayment(key, { amount: AMOUNT });
    const refusedAt = (await until(activeFaults, (f) => f.length === 0, 30_000, 'the 429 answered'), Date.now());
    const payment = await creating;
    // The intent exists only after the retry: its creation time at WooshPay is at least 4 s after the 429.
    const [intent] = await intentsOf(payment.id);
    // `refusedAt` is seen by polling, after the 429 itself: the measured wait is if anything too short.
    const waitedMs = intent.created * TIMESTAMP_UNIT_MS - refusedAt;
    expect(waitedMs).toBeGreaterThanOrEqual(3_500); // a retry on the default schedule would come after ~1 s
    expect(waitedMs).toBeLessThan(15_000);
    const answeredAfterMs = Date.now() - refusedAt;
    record('R8', { retryAfterSeconds: 4, intentCreatedAfterMs: waitedMs, paymentAnsweredAfterMs: answeredAfterMs, invariants: await checkInvariants(stack) });
  });
});
