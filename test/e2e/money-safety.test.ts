/**
 * Money on the paths bank transfers really take, over real HTTP: transfers short of the amount or above it,
 * money that lands after the payment expired (before and long after its workflow closed), what
 * LATE_FUNDS_POLICY does with it, and the API's answers on a closed payment.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { verifyWebhookSignature } from '../../wooshpay/index.js';
import { NOTIFICATION_SIGNATURE_HEADER } from '../../activities/notify.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { directPayment, newKey, NOTIFY_SECRET, startStack, TEST_SETTINGS, type Stack } from '../helpers/stack.js';

const AMOUNT = 1_000_000;
let stack: Stack;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  stack = await startStack({
    settings: { defaultNotifyUrl: receiver.url, notificationRetry: { initialIntervalMs: 200, maximumIntervalMs: 1_000 } },
  });
  await stack.sim('/_sim/settings', { refundAutoSettleMs: 0 });
});
afterAll(async () => {
  await stack?.close();
  await receiver?.close();
});

function usePolicy(lateFundsPolicy: 'review' | 'refund'): void {
  stack.api.payments.settings = { ...stack.api.payments.settings, lateFundsPolicy };
}

async function openPayment(): Promise<any> {
  const res = await stack.call('POST', '/v1/payments', { idempotencyKey: newKey('money'), body: directPayment({ amount: AMOUNT }) });
  expect(res.status).toBe(201);
  return res.body;
}

async function transfer(intent: string, body: { amount_received?: number; late?: boolean } = {}): Promise<void> {
  await stack.sim(`/_sim/payment_intents/${intent}/succeed`, body);
}

async function waitClosed(paymentId: string): Promise<void> {
  const handle = stack.env.client.workflow.getHandle(paymentId);
  for (let i = 0; i < 200; i++) {
    if ((await handle.describe()).status.name !== 'RUNNING') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`payment ${paymentId} did not close`);
}

async function reviewAttribute(paymentId: string): Promise<unknown> {
  const described = await stack.env.client.workflow.getHandle(paymentId).describe();
  return described.searchAttributes.PaymentReview?.[0] ?? null;
}

function reviewNotifications(paymentId: string) {
  return receiver.received.filter((n) => n.body.type === 'payment.requires_review' && n.body.data.object.id === paymentId);
}

describe('funding amounts', () => {
  it('an underpaid transfer is never succeeded: the payment shows what is due, and at expiry the money goes to review', async () => {
    usePolicy('review');
    const payment = await openPayment();
    await transfer(payment.payment_intent, { amount_received: 400_000 });
    const partial = await stack.waitForPayment(payment.id, (p) => p.amount_received === 400_000);
    expect(partial).toMatchObject({ status: 'requires_action', amount_due: 600_000, paid_at: null, review: null });

    // WooshPay closes the virtual account: the payment expires holding money that is not enough.
    await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/expire`);
    const expired = await stack.waitForPayment(payment.id, (p) => p.status === 'expired');
    expect(expired).toMatchObject({ amount_received: 400_000, amount_due: 0, paid_at: null });
    expect(expired.review).toMatchObject({ reason: 'underpaid', amount: 400_000, policy: 'review', amount_returned: 0 });
    await receiver.waitFor(() => reviewNotifications(payment.id).length === 1);
    expect(await reviewAttribute(payment.id)).toBe('underpaid');
  });

  it('an overpaid transfer succeeds with the excess flagged', async () => {
    usePolicy('review');
    const payment = await openPayment();
    await transfer(payment.payment_intent, { amount_received: 1_250_000 });
    const paid = await stack.waitForPayment(payment.id, (p) => p.status === 'succeeded' && p.review !== null);
    expect(paid).toMatchObject({ amount_received: 1_250_000, amount_due: 0 });
    expect(paid.review).toMatchObject({ reason: 'overpaid', amount: 250_000, policy: 'review' });
    expect(await reviewAttribute(payment.id)).toBe('overpaid');
  });

  it('under LATE_FUNDS_POLICY=refund the excess of an overpayment goes back through the refund ledger', async () => {
    usePolicy('refund');
    try {
      const payment = await openPayment();
      await transfer(payment.payment_intent, { amount_received: 1_300_000 });
      const settled = await stack.waitForPayment(payment.id, (p) => p.review?.amount_returned === 300_000 && p.amount_refunded === 300_000);
      expect(settled.refunds).toEqual([expect.objectContaining({ amount: 300_000, status: 'succeeded' })]);
      // The payment keeps what it was for; the ledger bound holds.
      expect(settled.status).toBe('partially_refunded');
      expect(settled.amount_refunded + settled.amount_refund_pending + settled.amount_lost).toBeLessThanOrEqual(settled.amount_received);
    } finally {
      usePolicy('review');
    }
  });
});

describe('late transfers', () => {
  it('money that lands after the payment closed opens it again: recorded, flagged, searchable and notified', async () => {
    usePolicy('review');
    const payment = await openPayment();
    await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/expire`);
    await stack.waitForPayment(payment.id, (p) => p.status === 'expired');
    await waitClosed(payment.id);

    await transfer(payment.payment_intent, { late: true });
    const late = await stack.waitForPayment(payment.id, (p) => p.review !== null);
    expect(late).toMatchObject({ status: 'expired', amount_received: AMOUNT, paid_at: null });
    expect(late.review).toMatchObject({ reason: 'paid_after_expiry', amount: AMOUNT, policy: 'review' });
    expect(await reviewAttribute(payment.id)).toBe('paid_after_expiry');

    await receiver.waitFor(() => reviewNotifications(payment.id).length === 1);
    const [signed] = reviewNotifications(payment.id);
    const header = signed.headers[NOTIFICATION_SIGNATURE_HEADER.toLowerCase()];
    expect(() => verifyWebhookSignature({ rawBody: signed.rawBody, header, secrets: [NOTIFY_SECRET] })).not.toThrow();
    expect(signed.body.data.object.review.reason).toBe('paid_after_expiry');

    // It closes again once quiet, holding the record.
    await waitClosed(payment.id);
    expect((await stack.waitForPayment(payment.id, () => true)).review.amount).toBe(AMOUNT);
  });

  it('money that lands after expiry while the workflow is still open is recorded in the same run', async () => {
    usePolicy('review');
    const payment = await openPayment();
    // The merchant's endpoint is down, so the payment stays open to deliver payment.expired.
    receiver.failNext(1_000);
    try {
      await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/expire`);
      await stack.waitForPayment(payment.id, (p) => p.status === 'expired');
      const { runId } = await stack.env.client.workflow.getHandle(payment.id).describe();
      await transfer(payment.payment_intent, { late: true, amount_received: 300_000 });
      const late = await stack.waitForPayment(payment.id, (p) => p.review !== null);
      expect(late.review).toMatchObject({ reason: 'paid_after_expiry', amount: 300_000 });
      const described = await stack.env.client.workflow.getHandle(payment.id).describe();
      expect(described).toMatchObject({ runId, status: { name: 'RUNNING' } });
    } finally {
      receiver.failNext(0);
    }
    await receiver.waitFor(() => reviewNotifications(payment.id).length === 1);
    await waitClosed(payment.id);
  });

  it('under LATE_FUNDS_POLICY=refund a late transfer is returned to the shopper', async () => {
    usePolicy('refund');
    try {
      const payment = await openPayment();
      await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/expire`);
      await stack.waitForPayment(payment.id, (p) => p.status === 'expired');
      await waitClosed(payment.id);
      await transfer(payment.payment_intent, { late: true, amount_received: 700_000 });
      const returned = await stack.waitForPayment(payment.id, (p) => p.amount_refunded === 700_000);
      expect(returned).toMatchObject({ status: 'expired', amount_received: 700_000, amount_refund_pending: 0 });
      expect(returned.review).toMatchObject({ reason: 'paid_after_expiry', amount: 700_000, policy: 'refund', amount_returned: 700_000 });
      expect(returned.refunds).toHaveLength(1);
      const atWooshPay = await stack.wooshpay.retrieveRefund(returned.refunds[0].provider_refund);
      expect(atWooshPay).toMatchObject({ amount: 700_000, status: 'succeeded', payment_intent: payment.payment_intent });
    } finally {
      usePolicy('review');
    }
  });
});

describe('a return WooshPay refuses', () => {
  it('leaves the money held for a person, not tried again and again', async () => {
    usePolicy('refund');
    await stack.sim('/_sim/settings', { refundsSupported: false });
    try {
      const payment = await openPayment();
      await transfer(payment.payment_intent, { amount_received: 1_100_000 });
      const held = await stack.waitForPayment(payment.id, (p) => p.refunds.some((r: any) => r.status === 'failed'));
      expect(held.review).toMatchObject({ reason: 'overpaid', amount: 100_000, policy: 'review', amount_returned: 0 });
      expect(held).toMatchObject({ status: 'succeeded', amount_refunded: 0, amount_refund_pending: 0 });
      await new Promise((r) => setTimeout(r, 1_000));
      expect((await stack.waitForPayment(payment.id, () => true)).refunds).toHaveLength(1);
    } finally {
      await stack.sim('/_sim/settings', { refundsSupported: true });
      usePolicy('review');
    }
  });
});

describe('WooshPay unavailable', () => {
  it('a create WooshPay keeps answering 503 moves from the inline try to the durable activity and completes once it recovers', async () => {
    await stack.sim('/_sim/faults', { kind: 'error', status: 503, method: 'POST', pathPrefix: '/v1/payment_intents' });
    const key = newKey('fallback');
    const body = directPayment({ amount: AMOUNT });
    const first = await stack.call('POST', '/v1/payments', { idempotencyKey: key, body });
    try {
      expect(first.status).toBe(503);
      expect(first.headers.get('retry-after')).not.toBeNull();
    } finally {
      await stack.clearFaults();
    }
    // The same key joins the payment, which the durable activity (same idempotency key at WooshPay) completes.
    let created = await stack.call('POST', '/v1/payments', { idempotencyKey: key, body });
    for (let i = 0; i < 40 && created.status !== 201 && created.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 500));
      created = await stack.call('POST', '/v1/payments', { idempotencyKey: key, body });
    }
    expect([200, 201]).toContain(created.status);
    expect(created.body).toMatchObject({ status: 'requires_action', redirect_url: expect.any(String) });
  });

  it('reconciliation reads failing with 503 leave the payment waiting, never failed', async () => {
    const payment = await openPayment();
    await stack.sim('/_sim/faults', { kind: 'error', status: 503, method: 'GET', pathPrefix: '/v1/payment_intents' });
    try {
      // An event the payment cannot place makes it read WooshPay at once: the reads fail for a while.
      await stack.env.client.workflow.getHandle(payment.id).signal('wooshpayEvent', {
        id: newKey('evt'),
        type: 'payment_intent.succeeded',
        created: Date.now(),
        object: 'payment_intent',
        data: { id: 'pi_not_ours', status: 'succeeded', amount: AMOUNT, failure: null, cancellation_reason: null },
      });
      // The read's four tries (1, 2 and 4 s apart) have all failed by now.
      await new Promise((r) => setTimeout(r, 12_000));
      expect((await stack.env.client.workflow.getHandle(payment.id).describe()).status.name).toBe('RUNNING');
    } finally {
      await stack.clearFaults();
    }
    await transfer(payment.payment_intent);
    await stack.waitForPayment(payment.id, (p) => p.status === 'succeeded');
  });
});

describe('answers on a closed payment', () => {
  it('a refund or a cancel of a closed payment is 409 payment_closed, not 404', async () => {
    const payment = await openPayment();
    await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/expire`);
    await stack.waitForPayment(payment.id, (p) => p.status === 'expired');
    await waitClosed(payment.id);
    const refund = await stack.call('POST', `/v1/payments/${payment.id}/refunds`, { idempotencyKey: newKey(), body: { amount: 1 } });
    expect(refund.status).toBe(409);
    expect(refund.body.error).toMatchObject({ type: 'state_error', code: 'payment_closed' });
    const cancel = await stack.call('POST', `/v1/payments/${payment.id}/cancel`, { body: {} });
    expect(cancel.status).toBe(409);
    const unknown = await stack.call('POST', `/v1/payments/pay_${'0'.repeat(24)}/cancel`, { body: {} });
    expect(unknown.status).toBe(404);
  });

  it('refunds stop at the configured cap per payment', async () => {
    stack.api.payments.settings = { ...stack.api.payments.settings, maxRefunds: 2 };
    try {
      const res = await stack.call('POST', '/v1/payments', { idempotencyKey: newKey('cap'), body: directPayment({ amount: AMOUNT }) });
      await transfer(res.body.payment_intent);
      await stack.waitForPayment(res.body.id, (p) => p.status === 'succeeded');
      for (let i = 0; i < 2; i++) {
        const ok = await stack.call('POST', `/v1/payments/${res.body.id}/refunds`, { idempotencyKey: newKey(), body: { amount: 1_000 } });
        expect(ok.status).toBe(201);
      }
      const third = await stack.call('POST', `/v1/payments/${res.body.id}/refunds`, { idempotencyKey: newKey(), body: { amount: 1_000 } });
      expect(third.status).toBe(422);
      expect(third.body.error.code).toBe('refund_limit_reached');
    } finally {
      stack.api.payments.settings = { ...stack.api.payments.settings, maxRefunds: TEST_SETTINGS.maxRefunds };
    }
  });
});
