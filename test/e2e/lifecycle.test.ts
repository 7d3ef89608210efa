/**
 * A payment's life from the transfer's side, over real HTTP: paid by webhook, duplicates and reordering,
 * forged webhooks, cancel, expiry, failed transfers, checkout. Lost webhooks: reconciliation.test.ts.
 */
import { createHmac } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { createPaymentUpdate, type PaymentRecord } from '../../workflows/messages.js';
import { paymentWorkflow } from '../../workflows/payment/workflow.js';
import { checkoutPayment, directPayment, newKey, startStack, TEST_SETTINGS, type Stack } from '../helpers/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

async function createDirect(overrides: Record<string, unknown> = {}): Promise<any> {
  const res = await stack.call('POST', '/v1/payments', { idempotencyKey: newKey(), body: directPayment(overrides) });
  expect(res.status).toBe(201);
  return res.body;
}

/** The WooshPay event types the payment's workflow received as signals, in order. */
async function signaledTypes(paymentId: string): Promise<string[]> {
  const history = await stack.env.client.workflow.getHandle(paymentId).fetchHistory();
  return (history.events ?? [])
    .filter((e) => e.workflowExecutionSignaledEventAttributes)
    .map((e) => (JSON.parse(Buffer.from(e.workflowExecutionSignaledEventAttributes!.input!.payloads![0].data!).toString('utf8')) as { type: string }).type);
}

describe('a direct payment', () => {
  it('is paid when WooshPay reports the transfer, through the signed webhook', async () => {
    const payment = await createDirect();
    await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/succeed`);
    const paid = await stack.waitForPayment(payment.id, (p) => p.status === 'succeeded');
    expect(paid.paid_at).toBeGreaterThanOrEqual(payment.created);
    expect(paid.provider_status).toBe('succeeded');
    expect(await signaledTypes(payment.id)).toContain('payment_intent.succeeded');
  });

  it('applies duplicated and reordered webhooks once', async () => {
    const payment = await createDirect();
    await stack.sim('/_sim/faults', [
      { kind: 'webhook_duplicate', copies: 3 },
      { kind: 'webhook_reorder', window: 2, holdMs: 300 },
    ]);
    try {
      await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/processing`);
      await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/succeed`);
      const paid = await stack.waitForPayment(payment.id, (p) => p.status === 'succeeded');
      // Every copy reached the workflow as a signal, and the payment was paid exactly once.
      await new Promise((r) => setTimeout(r, 500));
      const types = await signaledTypes(payment.id);
      expect(types.filter((t) => t === 'payment_intent.succeeded').length).toBeGreaterThanOrEqual(3);
      const after = await stack.waitForPayment(payment.id, () => true);
      expect(after.paid_at).toBe(paid.paid_at);
      expect(after.status).toBe('succeeded');
    } finally {
      await stack.clearFaults();
    }
  });

  it('refuses a forged webhook with 400 and changes nothing', async () => {
    const payment = await createDirect();
    const before = await signaledTypes(payment.id);
    const body = JSON.stringify({
      id: `evt_${Date.now()}`,
      object: 'event',
      type: 'payment_intent.succeeded',
      created: Date.now(),
      data: {
        object: {
          id: payment.payment_intent,
          object: 'payment_intent',
          amount: payment.amount,
          currency: 'IDR',
          status: 'succeeded',
          created: Date.now(),
          metadata: { payment_id: payment.id },
        },
      },
    });
    const t = Math.floor(Date.now() / 1000);
    const forged = createHmac('sha256', 'whsec_not_the_secret').update(`${t}.${body}`).digest('hex');
    for (const signature of [`t=${t},v1=${forged}`, undefined]) {
      const res = await fetch(`${stack.api.url}/webhooks/wooshpay`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(signature && { 'Wooshpay-Signature': signature }) },
        body,
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toMatch(/^signature_/);
    }
    expect(await signaledTypes(payment.id)).toEqual(before);
    expect((await stack.call('GET', `/v1/payments/${payment.id}`)).body.status).toBe('requires_action');
  });

  it('is canceled on request, at WooshPay too; a paid one is not', async () => {
    const payment = await createDirect();
    const canceled = await stack.call('POST', `/v1/payments/${payment.id}/cancel`, { body: { reason: 'shopper changed their mind' } });
    expect(canceled.status).toBe(200);
    expect(canceled.body.status).toBe('canceled');
    const intent = await stack.wooshpay.retrievePaymentIntent(payment.payment_intent);
    expect(intent.status).toBe('canceled');
    expect(intent.cancellation_reason).toBe('shopper changed their mind');

    const paidOne = await createDirect();
    await stack.sim(`/_sim/payment_intents/${paidOne.payment_intent}/succeed`);
    await stack.waitForPayment(paidOne.id, (p) => p.status === 'succeeded');
    const refused = await stack.call('POST', `/v1/payments/${paidOne.id}/cancel`, { body: {} });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ type: 'state_error' });
  });

  it('ends failed when the transfer fails, after closing the intent at WooshPay', async () => {
    const payment = await createDirect();
    await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/fail`);
    const failed = await stack.waitForPayment(payment.id, (p) => p.status === 'failed');
    expect(failed.failure).toMatchObject({ code: expect.any(String) });
    expect((await stack.wooshpay.retrievePaymentIntent(payment.payment_intent)).status).toBe('canceled');
  });

  it('ends expired when WooshPay cancels the unpaid intent itself', async () => {
    const payment = await createDirect();
    await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/expire`);
    await stack.waitForPayment(payment.id, (p) => p.status === 'expired');
  });

  it('expires on its own timer and cancels the intent at WooshPay', async () => {
    // Through the workflow directly: the intake's minimum expires_in (60 s) is longer than a test should wait.
    const paymentId = `pay_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
    const now = Date.now();
    const op = new WithStartWorkflowOperation(paymentWorkflow, {
      workflowId: paymentId,
      taskQueue: stack.taskQueue,
      workflowIdConflictPolicy: 'FAIL',
      args: [
        {
          request: {
            paymentId,
            requestFingerprint: 'fp',
            intakeId: randomUUID(),
            amount: 250_000,
            currency: 'IDR',
            integration: 'direct',
            returnUrl: 'https://shop.example/r',
            metadata: {},
            expiresAt: now + 2_000,
            createdAt: now,
          },
          settings: TEST_SETTINGS,
        },
      ],
    });
    const intake = await stack.env.client.workflow.executeUpdateWithStart(createPaymentUpdate, { startWorkflowOperation: op });
    const final: PaymentRecord = await (await op.workflowHandle()).result();
    expect(final.status).toBe('expired');
    expect(final.closed_at).toBeGreaterThanOrEqual(now + 2_000);
    const intent = await stack.wooshpay.retrievePaymentIntent(intake.payment.payment_intent!);
    expect(intent.status).toBe('canceled');
  });
});

describe('a checkout payment', () => {
  async function createCheckout(): Promise<any> {
    const res = await stack.call('POST', '/v1/payments', {
      idempotencyKey: newKey('co'),
      body: checkoutPayment(),
    });
    expect(res.status).toBe(201);
    return res.body;
  }

  it('is paid when the session’s intent succeeds', async () => {
    const payment = await createCheckout();
    const session = await stack.wooshpay.retrieveCheckoutSession(payment.checkout_session);
    await stack.sim(`/_sim/payment_intents/${session.payment_intent}/succeed`);
    await stack.waitForPayment(payment.id, (p) => p.status === 'succeeded');
    expect((await stack.wooshpay.retrieveCheckoutSession(payment.checkout_session)).status).toBe('complete');
  });

  it('ends expired when WooshPay expires the session', async () => {
    const payment = await createCheckout();
    await stack.wooshpay.expireCheckoutSession(payment.checkout_session, { idempotencyKey: newKey('expire') });
    await stack.waitForPayment(payment.id, (p) => p.status === 'expired');
  });
});
