/**
 * Fault suite, WooshPay's deliveries: the same signed event many times at once and after close (R1), duplicates
 * across continue-as-new (R2), late transfers before and after close (R5), one delivery replayed within the
 * signature tolerance (R14), underpaid and overpaid transfers (R18). The worker and Temporal are real
 * processes; every scenario ends with the global invariants.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PaymentSettings } from '../../workflows/messages.js';
import { newKey } from '../helpers/stack.js';
import { closedRun, eventIdsFor, notificationsOf, record, sleep, startFaultStack, until, type FaultStack } from './fixture.js';
import { checkInvariants } from './invariants.js';

const AMOUNT = 1_000_000;
let stack: FaultStack;

beforeAll(async () => {
  stack = await startFaultStack();
  await stack.startWorker();
  await stack.sim('/_sim/settings', { refundAutoSettleMs: 0 });
}, 180_000);
afterAll(async () => {
  await stack?.close();
});

function useSettings(overrides: Partial<PaymentSettings>): void {
  stack.api.payments.settings = { ...stack.api.payments.settings, ...overrides };
}

async function paidPayment(prefix: string): Promise<any> {
  const payment = await stack.createPayment(newKey(prefix), { amount: AMOUNT });
  await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/succeed`, {});
  return stack.waitForPayment(payment.id, (p) => p.status === 'succeeded');
}

/** Waits for the notification, then a little longer: a second copy would have arrived by then. */
async function settledCount(paymentId: string, type: string): Promise<number> {
  await stack.receiver.waitFor(() => notificationsOf(stack, paymentId, type).length >= 1);
  await sleep(1_500);
  return notificationsOf(stack, paymentId, type).length;
}

describe('duplicates', () => {
  it('R1: the same signed event 20 times at once, and 20 times again after the payment closed', async () => {
    useSettings({ retentionMs: 4_000 });
    const paid = await paidPayment('r1');
    const [eventId] = await eventIdsFor(stack, 'payment_intent.succeeded', paid.payment_intent);
    const delivery = await stack.signedEvent(eventId);

    const open = await Promise.all(Array.from({ length: 20 }, () => stack.deliver(delivery)));
    expect(open.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(await settledCount(paid.id, 'payment.succeeded')).toBe(1);
    expect((await stack.waitForPayment(paid.id, () => true)).amount_received).toBe(AMOUNT);

    const closed = await closedRun(stack, paid.id);
    const late = await Promise.all(Array.from({ length: 20 }, () => stack.deliver(delivery)));
    expect(late.map((a) => [a.status, a.body.ignored])).toEqual(Array(20).fill([200, 'payment_closed']));
    const after = await stack.client.workflow.getHandle(paid.id).describe();
    expect({ runId: after.runId, status: after.status.name }).toEqual({ runId: closed.runId, status: closed.status.name });
    expect(notificationsOf(stack, paid.id, 'payment.succeeded')).toHaveLength(1);
    record('R1', { deliveriesOpen: 20, accepted: open.length, deliveriesAfterClose: 20, ignoredAfterClose: late.length, reopened: 0, succeededNotifications: 1, invariants: await checkInvariants(stack) });
  });

  it('R14: one valid delivery replayed 10 times within the 300 s tolerance is applied once; past it, refused', async () => {
    useSettings({ retentionMs: 60_000 });
    const payment = await stack.createPayment(newKey('r14'), { amount: AMOUNT });
    // WooshPay's own delivery is lost: only the captured one (and its replays) can pay the payment.
    await stack.fault({ kind: 'webhook_drop', eventType: 'payment_intent.succeeded', times: 1 });
    await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/succeed`, {});
    const [eventId] = await until(() => eventIdsFor(stack, 'payment_intent.succeeded', payment.payment_intent), (ids) => ids.length === 1);
    const delivery = await stack.signedEvent(eventId, Math.floor(Date.now() / 1_000) - 240);
    const answers = [];
    for (let i = 0; i < 10; i++) {
      answers.push(await stack.deliver(delivery));
      await sleep(300);
    }
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    await stack.waitForPayment(payment.id, (p) => p.status === 'succeeded');
    expect(await settledCount(payment.id, 'payment.succeeded')).toBe(1);
    const stale = await stack.deliver(await stack.signedEvent(eventId, Math.floor(Date.now() / 1_000) - 301));
    expect(stale.status).toBe(400);
    expect(stale.body.error.code).toBe('signature_timestamp_outside_tolerance');
    record('R14', { replays: 10, accepted: 10, applied: 1, replayPastTolerance: stale.status, invariants: await checkInvariants(stack) });
  });

  it('R2: a refund event applied before continue-as-new stays applied once after it, and after close', async () => {
    useSettings({ retentionMs: 25_000, continueAsNewAfterEvents: 60 });
    try {
      const paid = await paidPayment('r2');
      const { runId: firstRun } = await stack.client.workflow.getHandle(paid.id).describe();
      const refund = await stack.call('POST', `/v1/payments/${paid.id}/refunds`, { idempotencyKey: newKey(), body: { amount: 100_000 } });
      expect(refund.status).toBe(201);
      const refunded = await stack.waitForPayment(paid.id, (p) => p.amount_refunded === 100_000);
      const providerRefund = refunded.refunds[0].provider_refund as string;
      const refundEvents = await until(() => eventIdsFor(stack, 'charge.refund.updated', providerRefund), (ids) => ids.length === 2);
      const first = await stack.client.workflow.getHandle(paid.id).describe();
      // The refund was applied in the first run: the seen-event set must carry it over.
      expect(first.runId).toBe(firstRun);

      const [intentEvent] = await eventIdsFor(stack, 'payment_intent.succeeded', paid.payment_intent);
      const padding = await stack.signedEvent(intentEvent);
      let signals = 0;
      await until(
        async () => {
          await stack.deliver(padding);
          signals++;
          return stack.client.workflow.getHandle(paid.id).describe();
        },
        (d) => d.runId !== first.runId,
        60_000,
        'continue-as-new',
      );
      // The refund's `pending` event (refundEvents[0]) is kept back for after close: only the first run saw it, so
      // only a carried seen-event set can tell the closed payment it is a duplicate.
      expect((await stack.deliver(await stack.signedEvent(refundEvents[1]))).status).toBe(200);
      await sleep(1_500);
      const after = await stack.waitForPayment(paid.id, () => true);
      expect(after).toMatchObject({ amount_refunded: 100_000, amount_refund_pending: 0, status: 'partially_refunded' });
      expect(after.refunds).toHaveLength(1);
      const refundNotes = stack.receiver.received.filter((n) => n.body.id === `${refunded.refunds[0].id}.refund.succeeded`);
      expect(refundNotes).toHaveLength(1);

      // Closed: a redelivered refund event is a duplicate, not a reason to reopen the payment.
      const closed = await closedRun(stack, paid.id, 90_000);
      const again = await stack.deliver(await stack.signedEvent(refundEvents[0]));
      expect([again.status, again.body.ignored]).toEqual([200, 'payment_closed']);
      expect((await stack.client.workflow.getHandle(paid.id).describe()).runId).toBe(closed.runId);
      record('R2', { paddingSignals: signals, runsBeforeClose: 'first→continued', refundEventsRedelivered: 2, amount_refunded: after.amount_refunded, refundNotifications: refundNotes.length, reopenedAfterClose: false, invariants: await checkInvariants(stack) });
    } finally {
      const { continueAsNewAfterEvents: _drop, ...rest } = stack.api.payments.settings;
      stack.api.payments.settings = rest;
    }
  });
});

describe('late and partial money', () => {
  it('R5: a late transfer before close (same run) and after close (reopened), each duplicated by WooshPay, recorded once', async () => {
    useSettings({ retentionMs: 60_000 });
    const before = await stack.createPayment(newKey('r5-open'), { amount: AMOUNT });
    stack.receiver.failNext(1_000); // the merchant is down: the expired payment stays open to tell it
    let openRun: string;
    try {
      await stack.sim(`/_sim/payment_intents/${before.payment_intent}/expire`);
      await stack.waitForPayment(before.id, (p) => p.status === 'expired');
      openRun = (await stack.client.workflow.getHandle(before.id).describe()).runId;
      await stack.fault({ kind: 'webhook_duplicate', copies: 3, eventType: 'payment_intent.succeeded', times: 1 });
      await stack.sim(`/_sim/payment_intents/${before.payment_intent}/succeed`, { late: true, amount_received: 300_000 });
      const late = await stack.waitForPayment(before.id, (p) => p.review !== null);
      expect(late).toMatchObject({ status: 'expired', amount_received: 300_000, paid_at: null });
      expect(late.review).toMatchObject({ reason: 'paid_after_expiry', amount: 300_000 });
    } finally {
      stack.receiver.failNext(0);
    }
    expect((await stack.client.workflow.getHandle(before.id).describe()).runId).toBe(openRun);
    expect(await settledCount(before.id, 'payment.requires_review')).toBe(1);

    const after = await stack.createPayment(newKey('r5-closed'), { amount: AMOUNT });
    await stack.sim(`/_sim/payment_intents/${after.payment_intent}/expire`);
    await stack.waitForPayment(after.id, (p) => p.status === 'expired');
    const closed = await closedRun(stack, after.id);
    await stack.fault({ kind: 'webhook_duplicate', copies: 3, eventType: 'payment_intent.succeeded', times: 1 });
    await stack.sim(`/_sim/payment_intents/${after.payment_intent}/succeed`, { late: true });
    const reopened = await stack.waitForPayment(after.id, (p) => p.review !== null);
    expect(reopened).toMatchObject({ status: 'expired', amount_received: AMOUNT });
    expect(reopened.review).toMatchObject({ reason: 'paid_after_expiry', amount: AMOUNT, policy: 'review' });
    expect((await stack.client.workflow.getHandle(after.id).describe()).runId).not.toBe(closed.runId);
    expect(await settledCount(after.id, 'payment.requires_review')).toBe(1);
    const search = await stack.client.workflow.getHandle(after.id).describe();
    expect(search.searchAttributes.PaymentReview).toEqual(['paid_after_expiry']);
    record('R5', {
      beforeClose: { received: 300_000, review: 'paid_after_expiry', sameRun: true, reviewNotifications: 1, copiesDelivered: 3 },
      afterClose: { received: AMOUNT, review: 'paid_after_expiry', reopened: true, reviewNotifications: 1, copiesDelivered: 3 },
      invariants: await checkInvariants(stack),
    });
  });

  it('R18: underpaid (then expired, and topped up) and overpaid transfers', async () => {
    const short = await stack.createPayment(newKey('r18-under'), { amount: AMOUNT });
    await stack.sim(`/_sim/payment_intents/${short.payment_intent}/succeed`, { amount_received: 400_000 });
    const partial = await stack.waitForPayment(short.id, (p) => p.amount_received === 400_000);
    expect(partial).toMatchObject({ status: 'requires_action', amount_due: 600_000, paid_at: null });
    await stack.sim(`/_sim/payment_intents/${short.payment_intent}/expire`);
    const expired = await stack.waitForPayment(short.id, (p) => p.status === 'expired' && p.review !== null);
    expect(expired.review).toMatchObject({ reason: 'underpaid', amount: 400_000 });

    const topped = await stack.createPayment(newKey('r18-topup'), { amount: AMOUNT });
    await stack.sim(`/_sim/payment_intents/${topped.payment_intent}/succeed`, { amount_received: 250_000 });
    await stack.waitForPayment(topped.id, (p) => p.amount_due === 750_000);
    await stack.sim(`/_sim/payment_intents/${topped.payment_intent}/succeed`, { amount_received: AMOUNT });
    const full = await stack.waitForPayment(topped.id, (p) => p.status === 'succeeded');
    expect(full).toMatchObject({ amount_received: AMOUNT, amount_due: 0, review: null });

    const over = await stack.createPayment(newKey('r18-over'), { amount: AMOUNT });
    await stack.sim(`/_sim/payment_intents/${over.payment_intent}/succeed`, { amount_received: 1_250_000 });
    const overpaid = await stack.waitForPayment(over.id, (p) => p.status === 'succeeded' && p.review !== null);
    expect(overpaid.review).toMatchObject({ reason: 'overpaid', amount: 250_000 });
    expect(await settledCount(over.id, 'payment.succeeded')).toBe(1);
    record('R18', {
      underpaid: { received: 400_000, dueWhileOpen: 600_000, atExpiry: 'expired + review underpaid 400000' },
      toppedUp: { received: AMOUNT, status: full.status },
      overpaid: { received: 1_250_000, status: 'succeeded', review: 'overpaid 250000' },
      invariants: await checkInvariants(stack),
    });
  });
});
