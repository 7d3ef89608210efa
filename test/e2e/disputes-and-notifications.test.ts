/**
 * Chargebacks, merchant notifications and the long life of a paid payment (continue-as-new), over real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { verifyWebhookSignature } from '../../wooshpay/index.js';
import { NOTIFICATION_SIGNATURE_HEADER } from '../../activities/notify.js';
import { providerEventSignal, type ProviderEvent } from '../../workflows/messages.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { directPayment, newKey, NOTIFY_SECRET, startStack, type Stack } from '../helpers/stack.js';

let stack: Stack;
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
  stack = await startStack({
    settings: {
      defaultNotifyUrl: receiver.url,
      notificationRetry: { initialIntervalMs: 200, maximumIntervalMs: 1_000 },
    },
  });
  await stack.sim('/_sim/settings', { refundAutoSettleMs: 0 });
});
afterAll(async () => {
  await stack?.close();
  await receiver?.close();
});

async function paidPayment(body: Record<string, unknown> = {}): Promise<any> {
  const res = await stack.call('POST', '/v1/payments', { idempotencyKey: newKey('paid'), body: directPayment(body) });
  expect(res.status).toBe(201);
  await stack.sim(`/_sim/payment_intents/${res.body.payment_intent}/succeed`);
  return stack.waitForPayment(res.body.id, (p) => p.status === 'succeeded');
}

function notificationsFor(paymentId: string) {
  return receiver.received.filter((n) => n.body.data.object.id === paymentId);
}

describe('chargebacks', () => {
  it('a lost dispute ends charged_back with the amount lost; refunds are refused while it is open', async () => {
    const payment = await paidPayment();
    const dispute = await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/dispute`, { amount: 1_000_000, reason: 'fraudulent' });
    const disputed = await stack.waitForPayment(payment.id, (p) => p.status === 'disputed');
    expect(disputed.dispute).toMatchObject({ id: dispute.id, amount: 1_000_000, reason: 'fraudulent' });
    expect(disputed.dispute.evidence_due_by).toEqual(expect.any(Number));

    const refused = await stack.call('POST', `/v1/payments/${payment.id}/refunds`, { idempotencyKey: newKey(), body: { amount: 1 } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.type).toBe('state_error');

    await stack.sim(`/_sim/disputes/${dispute.id}/close`, { status: 'lost' });
    const lost = await stack.waitForPayment(payment.id, (p) => p.status === 'charged_back');
    expect(lost).toMatchObject({ amount_lost: 1_000_000, amount_refunded: 0 });
    expect(lost.dispute.status).toBe('lost');
    expect(lost.amount_refunded + lost.amount_refund_pending + lost.amount_lost).toBeLessThanOrEqual(lost.amount);
  });

  it('a won dispute returns the payment to its ledger status; evidence is submitted through WooshPay', async () => {
    const payment = await paidPayment();
    await stack.call('POST', `/v1/payments/${payment.id}/refunds`, { idempotencyKey: newKey(), body: { amount: 100_000 } });
    await stack.waitForPayment(payment.id, (p) => p.status === 'partially_refunded');
    const dispute = await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/dispute`, { amount: 900_000 });
    await stack.waitForPayment(payment.id, (p) => p.status === 'disputed');

    const misspelt = await stack.call('POST', `/v1/payments/${payment.id}/dispute/evidence`, {
      body: { evidence: { product_descripton: 'typo' }, submit: true },
    });
    expect(misspelt.status).toBe(400);
    expect(misspelt.body.error.param).toMatch(/^evidence/);

    const evidence = await stack.call('POST', `/v1/payments/${payment.id}/dispute/evidence`, {
      body: { evidence: { product_description: 'Batik shirt, delivered', customer_name: 'A. Shopper' }, submit: true },
    });
    expect(evidence.status).toBe(200);
    expect(evidence.body).toMatchObject({ id: dispute.id, evidence_submitted: true });
    const atWooshPay = await stack.wooshpay.retrieveDispute(dispute.id);
    expect(atWooshPay.evidence?.product_description).toBe('Batik shirt, delivered');

    await stack.sim(`/_sim/disputes/${dispute.id}/close`, { status: 'won' });
    const won = await stack.waitForPayment(payment.id, (p) => p.dispute?.status === 'won');
    expect(won).toMatchObject({ status: 'partially_refunded', amount_lost: 0, amount_refunded: 100_000 });
    expect((await stack.call('POST', `/v1/payments/${payment.id}/dispute/accept`, { body: {} })).status).toBe(409);
  });

  it('WooshPay refusing evidence or an accept answers 422 with WooshPay’s code, and the dispute stays as it was', async () => {
    const payment = await paidPayment();
    await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/dispute`, {});
    await stack.waitForPayment(payment.id, (p) => p.status === 'disputed');
    const body = { evidence: { product_description: 'Batik shirt' }, submit: true };
    expect((await stack.call('POST', `/v1/payments/${payment.id}/dispute/evidence`, { body })).status).toBe(200);
    // Submitted: the case is with the bank, and WooshPay refuses changes to it.
    const again = await stack.call('POST', `/v1/payments/${payment.id}/dispute/evidence`, { body });
    expect(again.status).toBe(422);
    expect(again.body.error.type).toBe('invalid_request_error');
    expect(again.body.error.code).not.toBe('internal_error');
    const accept = await stack.call('POST', `/v1/payments/${payment.id}/dispute/accept`, { body: {} });
    expect(accept.status).toBe(422);
    expect((await stack.waitForPayment(payment.id, () => true)).status).toBe('disputed');
  });

  it('accepting a dispute closes it lost at WooshPay', async () => {
    const payment = await paidPayment();
    await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/dispute`, {});
    await stack.waitForPayment(payment.id, (p) => p.status === 'disputed');
    const accepted = await stack.call('POST', `/v1/payments/${payment.id}/dispute/accept`, { body: {} });
    expect(accepted.status).toBe(200);
    await stack.waitForPayment(payment.id, (p) => p.status === 'charged_back');
  });

  it('reminds the merchant before the evidence deadline and marks it past due after', async () => {
    await stack.sim('/_sim/settings', { disputeEvidenceWindowMs: 3_000 });
    stack.api.payments.settings = { ...stack.api.payments.settings, disputeReminderLeadMs: 2_000 };
    try {
      const payment = await paidPayment();
      await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/dispute`, {});
      await receiver.waitFor(() => notificationsFor(payment.id).some((n) => n.body.type === 'dispute.evidence_due_soon'));
      const pastDue = await stack.waitForPayment(payment.id, (p) => p.dispute?.past_due === true);
      expect(pastDue.status).toBe('disputed');
    } finally {
      await stack.sim('/_sim/settings', { disputeEvidenceWindowMs: 7 * 86_400_000 });
    }
  });
});

describe('merchant notifications', () => {
  it('are signed with our secret, sent once per event, and retried until the receiver recovers', async () => {
    receiver.failNext(3);
    const attemptsBefore = receiver.attempts;
    const payment = await paidPayment();
    await stack.sim('/_sim/faults', { kind: 'webhook_duplicate', copies: 2 });
    try {
      const [succeeded] = (await receiver.waitFor(() => notificationsFor(payment.id).some((n) => n.body.type === 'payment.succeeded')))
        .filter((n) => n.body.data.object.id === payment.id);
      expect(receiver.attempts - attemptsBefore).toBeGreaterThanOrEqual(4);
      expect(succeeded.body).toMatchObject({ id: `${payment.id}.payment.succeeded`, type: 'payment.succeeded' });
      expect(succeeded.body.data.object).toMatchObject({ id: payment.id, status: 'succeeded' });
      const header = succeeded.headers[NOTIFICATION_SIGNATURE_HEADER.toLowerCase()];
      expect(() => verifyWebhookSignature({ rawBody: succeeded.rawBody, header, secrets: [NOTIFY_SECRET] })).not.toThrow();
      expect(() => verifyWebhookSignature({ rawBody: succeeded.rawBody, header, secrets: ['another_secret_123'] })).toThrow();

      // A refund produces its own event; nothing is sent twice despite duplicated webhooks.
      await stack.call('POST', `/v1/payments/${payment.id}/refunds`, { idempotencyKey: newKey(), body: { amount: 1_000 } });
      await receiver.waitFor(() => notificationsFor(payment.id).some((n) => n.body.type === 'refund.succeeded'));
      await new Promise((r) => setTimeout(r, 1_000));
      const types = notificationsFor(payment.id).map((n) => n.body.type);
      expect(types.filter((t) => t === 'payment.succeeded')).toHaveLength(1);
      expect(types.filter((t) => t === 'refund.succeeded')).toHaveLength(1);
    } finally {
      await stack.clearFaults();
    }
  });

  it('never hold up the payment when the receiver is down', async () => {
    receiver.failNext(1_000);
    try {
      const res = await stack.call('POST', '/v1/payments', { idempotencyKey: newKey(), body: directPayment() });
      await stack.sim(`/_sim/payment_intents/${res.body.payment_intent}/succeed`);
      await stack.waitForPayment(res.body.id, (p) => p.status === 'succeeded');
      const refunded = await stack.call('POST', `/v1/payments/${res.body.id}/refunds`, { idempotencyKey: newKey(), body: {} });
      expect(refunded.status).toBe(201);
      await stack.waitForPayment(res.body.id, (p) => p.status === 'refunded');
    } finally {
      receiver.failNext(0);
    }
  });
});

describe('a long-lived payment', () => {
  it('continues as new with its ledger and its memory of events intact', async () => {
    stack.api.payments.settings = { ...stack.api.payments.settings, continueAsNewAfterEvents: 40 };
    try {
      const payment = await paidPayment({ amount: 1_000_000 });
      const handle = stack.env.client.workflow.getHandle(payment.id);
      const firstRun = (await handle.describe()).runId;
      for (let i = 0; i < 6; i++) {
        const res = await stack.call('POST', `/v1/payments/${payment.id}/refunds`, { idempotencyKey: newKey(`can${i}`), body: { amount: 100_000 } });
        expect(`${res.status} ${JSON.stringify(res.body.error ?? null)}`).toBe('201 null');
        await stack.waitForPayment(payment.id, (p) => p.amount_refunded === (i + 1) * 100_000);
      }
      // The run hands over once it is quiet (no refund or handler in flight), which may be just after the last one.
      let later = await handle.describe();
      for (let i = 0; i < 100 && later.runId === firstRun; i++) {
        await new Promise((r) => setTimeout(r, 100));
        later = await handle.describe();
      }
      expect(later.runId).not.toBe(firstRun);

      // An old event delivered again to the new run is still a duplicate.
      const history = await stack.env.client.workflow.getHandle(payment.id, firstRun).fetchHistory();
      const oldEvent = (history.events ?? [])
        .filter((e) => e.workflowExecutionSignaledEventAttributes)
        .map((e) => JSON.parse(Buffer.from(e.workflowExecutionSignaledEventAttributes!.input!.payloads![0].data!).toString('utf8')) as ProviderEvent)
        .find((e) => e.type === 'payment_intent.succeeded');
      expect(oldEvent).toBeDefined();
      await handle.signal(providerEventSignal, oldEvent!);
      const after = await stack.waitForPayment(payment.id, (p) => p.amount_refunded === 600_000);
      expect(after).toMatchObject({ status: 'partially_refunded', amount_refund_pending: 0, paid_at: payment.paid_at });
      expect(after.refunds).toHaveLength(6);
      // Notifications emitted around the continue-as-new are all sent, each once.
      await receiver.waitFor(() => notificationsFor(payment.id).filter((n) => n.body.type === 'refund.succeeded').length === 6);
      const types = notificationsFor(payment.id).map((n) => n.body.type);
      expect(types.filter((t) => t === 'refund.succeeded')).toHaveLength(6);
      expect(types.filter((t) => t === 'payment.succeeded')).toHaveLength(1);
    } finally {
      const { continueAsNewAfterEvents: _drop, ...rest } = stack.api.payments.settings;
      stack.api.payments.settings = rest;
    }
  });
});
