/**
 * Fault suite, processes dying: the worker killed -9 inside the create and inside a refund (R9), Temporal down
 * while a webhook arrives (R22), the Temporal server killed -9 under load with payments waiting and started
 * again from its SQLite file (R10). WooshPay retries deliveries on its documented schedule, scaled by 0.002
 * (first retries after 0.12, 0.6, 1.8, 3.6, 7.2 s); every scenario ends with the global invariants.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { newKey } from '../helpers/stack.js';
import { eventIdsFor, notificationsOf, record, sleep, startFaultStack, until, type FaultStack } from './fixture.js';
import { checkInvariants, refundsAtWooshPay } from './invariants.js';

const AMOUNT = 1_000_000;
let stack: FaultStack;

beforeAll(async () => {
  stack = await startFaultStack({ webhookRetryScale: 0.002 });
  await stack.startWorker();
  await stack.sim('/_sim/settings', { refundAutoSettleMs: 0 });
}, 180_000);
afterAll(async () => {
  await stack?.close();
});

async function faultUsed(): Promise<void> {
  await until(async () => ((await (await fetch(`${stack.simulatorUrl}/_sim/faults`)).json()) as { faults: unknown[] }).faults, (f) => f.length === 0, 20_000, 'fault used');
}

async function intentsOf(paymentId: string) {
  return (await stack.wooshpay.searchPaymentIntents({ query: `metadata['payment_id']:'${paymentId}'` })).data;
}

async function pay(payment: { id: string; payment_intent: string }) {
  await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/succeed`, {});
}

describe('worker killed', () => {
  it('R9: kill -9 inside the create and inside a refund: one intent, one refund, both finish', async () => {
    // WooshPay holds each call 3 s: the worker dies while the request is in flight.
    await stack.fault({ kind: 'latency', latencyMs: 3_000, pathPrefix: '/v1/payment_intents', method: 'POST', times: 1 });
    const creating = stack.createPayment(newKey('r9'), { amount: AMOUNT }, 180_000);
    await faultUsed();
    await stack.killWorker();
    await stack.startWorker();
    const payment = await creating;
    expect(await intentsOf(payment.id)).toHaveLength(1);
    await pay(payment);
    await stack.waitForPayment(payment.id, (p) => p.status === 'succeeded');

    await stack.fault({ kind: 'latency', latencyMs: 3_000, pathPrefix: '/v1/refunds', method: 'POST', times: 1 });
    const refundKey = newKey('r9-refund');
    const refunding = stack.refund(payment.id, refundKey, 250_000, 180_000);
    await faultUsed();
    await stack.killWorker();
    await stack.startWorker();
    const refund = await refunding;
    const settled = await stack.waitForPayment(payment.id, (p) => p.amount_refunded === 250_000 && p.amount_refund_pending === 0, 90_000);
    expect(settled.refunds).toEqual([expect.objectContaining({ id: refund.id, status: 'succeeded' })]);
    const atWooshPay = (await refundsAtWooshPay(stack)).filter((r) => r.payment_intent === payment.payment_intent);
    expect(atWooshPay).toHaveLength(1);
    // The same key again returns the same refund.
    expect((await stack.refund(payment.id, refundKey, 250_000)).id).toBe(refund.id);
    record('R9', { workerKills: 2, intents: 1, refundsAtWooshPay: atWooshPay.length, amount_refunded: settled.amount_refunded, invariants: await checkInvariants(stack, { notificationsAtLeastOnce: true }) });
  });
});

describe('Temporal down', () => {
  it('R22: the webhook route answers 503 while Temporal is down; after recovery the event is applied once', async () => {
    const payment = await stack.createPayment(newKey('r22'), { amount: AMOUNT });
    await stack.temporal.kill();
    const downAt = Date.now();
    await pay(payment);
    const [eventId] = await until(() => eventIdsFor(stack, 'payment_intent.succeeded', payment.payment_intent), (ids) => ids.length === 1);
    const direct = await stack.deliver(await stack.signedEvent(eventId));
    expect(direct.status).toBe(503);
    const refused = await until(
      async () => (await stack.sim(`/_sim/webhooks?event_id=${eventId}`)).data as { status: number | null }[],
      (attempts) => attempts.some((a) => a.status === 503),
      30_000,
      'a refused delivery',
    );
    await stack.temporal.start();
    const upAfterMs = Date.now() - downAt;
    const paid = await stack.waitForPayment(payment.id, (p) => p.status === 'succeeded', 120_000);
    expect(paid.amount_received).toBe(AMOUNT);
    const again = await stack.deliver(await stack.signedEvent(eventId));
    expect(again.status).toBe(200);
    await sleep(1_500);
    expect(notificationsOf(stack, payment.id, 'payment.succeeded')).toHaveLength(1);
    const attempts = (await stack.sim(`/_sim/webhooks?event_id=${eventId}`)).data as { status: number | null }[];
    record('R22', {
      temporalDownMs: upAfterMs,
      directDeliveryWhileDown: direct.status,
      wooshpayAttempts: attempts.map((a) => a.status),
      refusedBeforeRecovery: refused.filter((a) => a.status === 503).length,
      succeededNotifications: 1,
      invariants: await checkInvariants(stack, { fiveXXInjected: true }),
    });
  });

  it('R10: kill -9 the Temporal server under load with payments waiting; restarted from its database, all finish', async () => {
    const waiting = await Promise.all(Array.from({ length: 10 }, (_, i) => stack.createPayment(newKey(`r10-wait-${i}`), { amount: AMOUNT })));
    // Killed under load: five creates in flight; five more and five transfers (WooshPay retries) while it is down.
    const creating = Array.from({ length: 5 }, (_, i) => stack.createPayment(newKey(`r10-inflight-${i}`), { amount: AMOUNT }, 180_000));
    await sleep(150);
    await stack.temporal.kill();
    const downAt = Date.now();
    const fiveXXBefore = stack.fiveXX.length;
    creating.push(...Array.from({ length: 5 }, (_, i) => stack.createPayment(newKey(`r10-down-${i}`), { amount: AMOUNT }, 180_000)));
    await Promise.all(waiting.slice(0, 5).map(pay));
    await sleep(6_000);
    const refusedWhileDown = stack.fiveXX.length - fiveXXBefore;
    expect(refusedWhileDown).toBeGreaterThan(0);
    await stack.temporal.start();
    const downMs = Date.now() - downAt;
    const created = await Promise.all(creating);
    await Promise.all([...waiting.slice(5), ...created].map(pay));
    const all = [...waiting, ...created];
    const finished = await Promise.all(all.map((p) => stack.waitForPayment(p.id, (x) => x.status === 'succeeded', 180_000)));
    expect(finished).toHaveLength(20);
    for (const p of all) expect(await intentsOf(p.id)).toHaveLength(1);
    await stack.receiver.waitFor(() => all.every((p) => notificationsOf(stack, p.id, 'payment.succeeded').length >= 1));
    await sleep(1_500);
    const succeededNotes = all.map((p) => notificationsOf(stack, p.id, 'payment.succeeded').length);
    record('R10', {
      waitingBeforeKill: 10,
      createsInFlightAtKill: 5,
      createdWhileDown: 5,
      paidWhileDown: 5,
      temporalDownMs: downMs,
      answered5xxWhileDown: refusedWhileDown,
      succeeded: finished.length,
      succeededNotificationsPerPayment: [...new Set(succeededNotes)],
      invariants: await checkInvariants(stack, { fiveXXInjected: true, notificationsAtLeastOnce: true }),
    });
  });
});
