/**
 * Determinism: every path a payment can take, lived over real HTTP (intake API, simulated WooshPay and its
 * webhooks, a merchant receiver), replays against the current workflow code. Two checks per path:
 * - its saved history (test/histories/<path>.json, recorded from earlier code) replays: a change that would
 *   break payments already running fails here; patch it with `patched()` instead;
 * - histories kept from before a patch (test/histories/<patch>/<path>.json) still replay: payments that were
 *   running when the patch shipped take the old branch until they close. `before-sweep/`: recorded before the
 *   reconciliation sweep, when waiting payments polled WooshPay themselves;
 * - a fresh life of it replays: a change that makes the path itself nondeterministic fails here even before
 *   the histories are re-recorded.
 * No secret is in any payload of any of these histories.
 *
 * Re-record every history (after a deliberate, patched change) with
 * `RECORD_HISTORY=1 npm test -- test/workflows/replay.test.ts`.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { CHECKOUT_SESSION_LIFETIME_MS } from '../../wooshpay/assumptions.js';
import type { PaymentSettings } from '../../workflows/messages.js';
import { bundlePaymentWorkflows } from '../harness/temporal.js';
import { exportHistory, parseHistory, payloadTexts, waitUntilQuiet, type RunRef } from '../helpers/histories.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { API_KEY, checkoutPayment, directPayment, newKey, NOTIFY_SECRET, startStack, type Stack } from '../helpers/stack.js';

const historiesDir = fileURLToPath(new URL('../histories/', import.meta.url));
/** Histories from before a patch, each kept until no payment recorded that way can still be running. */
const PRE_PATCH_HISTORIES = ['before-sweep'];
const recording = Boolean(process.env.RECORD_HISTORY);
const SECRETS = [API_KEY, NOTIFY_SECRET, 'sk_test_', 'whsec_', 'Basic '];

let stack: Stack;
let receiver: Receiver;
let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  receiver = await startReceiver();
  stack = await startStack({ settings: { defaultNotifyUrl: receiver.url } });
  await stack.sim('/_sim/settings', { refundAutoSettleMs: 0 });
  bundle = await bundlePaymentWorkflows();
});
afterAll(async () => {
  await stack?.close();
  await receiver?.close();
});

/** Every path of a payment's life: its name (and history file) → what drives it, returning the run to keep. */
const paths: Record<string, () => Promise<RunRef>> = {
  async paid() {
    return { workflowId: (await paidPayment()).id };
  },
  async expired() {
    // The payment's own deadline ends it: the session lives 2 s and WooshPay's webhooks are lost meanwhile.
    await stack.sim('/_sim/settings', { checkoutSessionLifetimeMs: 2_000 });
    try {
      const payment = await createCheckout();
      await stack.sim('/_sim/faults', { kind: 'webhook_drop' });
      await stack.waitForPayment(payment.id, (p) => p.status === 'expired');
      return { workflowId: payment.id };
    } finally {
      await stack.clearFaults();
      await stack.sim('/_sim/settings', { checkoutSessionLifetimeMs: CHECKOUT_SESSION_LIFETIME_MS });
    }
  },
  async reconciled() {
    // Its webhooks are lost: the reconciliation sweep sees the intent moved and nudges it to read WooshPay.
    const payment = await createDirect();
    await stack.sim('/_sim/faults', { kind: 'webhook_drop' });
    try {
      await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/succeed`);
      expect((await stack.sweep()).nudged).toBeGreaterThanOrEqual(1);
      await stack.waitForPayment(payment.id, (p) => p.status === 'succeeded');
      return { workflowId: payment.id };
    } finally {
      await stack.clearFaults();
    }
  },
  async cancelled() {
    const payment = await createDirect();
    const res = await stack.call('POST', `/v1/payments/${payment.id}/cancel`, { body: { reason: 'shopper changed their mind' } });
    expect(res.body.status).toBe('canceled');
    return { workflowId: payment.id };
  },
  async 'transfer-failed'() {
    const payment = await createDirect();
    await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/fail`);
    await stack.waitForPayment(payment.id, (p) => p.status === 'failed');
    return { workflowId: payment.id };
  },
  async 'creation-failed'() {
    // WooshPay's minimum is 1.00 IDR (100 units); the intake leaves that to WooshPay, which refuses.
    const res = await stack.call('POST', '/v1/payments', { idempotencyKey: newKey('refused'), body: directPayment({ amount: 50 }) });
    expect(res.status).toBe(422);
    await stack.waitForPayment(res.body.error.payment, (p) => p.status === 'failed');
    return { workflowId: res.body.error.payment };
  },
  async checkout() {
    const payment = await createCheckout();
    await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/succeed`);
    await stack.waitForPayment(payment.id, (p) => p.status === 'succeeded');
    return { workflowId: payment.id };
  },
  async refunds() {
    // Settled by webhook, failed at WooshPay, and settled while its webhook is lost (found by the refund poll).
    const payment = await withSettings({ refundPollMs: 1_000 }, () => paidPayment());
    await refund(payment.id, { amount: 300_000 });
    await stack.waitForPayment(payment.id, (p) => p.amount_refunded === 300_000);
    await stack.sim('/_sim/settings', { refundAutoSettleMs: null });
    try {
      await refund(payment.id, { amount: 200_000 });
      const failing = await stack.waitForPayment(payment.id, (p) => p.refunds[1]?.provider_refund);
      await stack.sim(`/_sim/refunds/${failing.refunds[1].provider_refund}/fail`);
      await stack.waitForPayment(payment.id, (p) => p.refunds[1].status === 'failed');
      await refund(payment.id, {});
      const lost = await stack.waitForPayment(payment.id, (p) => p.refunds[2]?.provider_refund);
      await stack.sim('/_sim/faults', { kind: 'webhook_drop', eventType: 'charge.refund.updated' });
      await stack.sim(`/_sim/refunds/${lost.refunds[2].provider_refund}/succeed`);
      await stack.waitForPayment(payment.id, (p) => p.status === 'refunded');
    } finally {
      await stack.clearFaults();
      await stack.sim('/_sim/settings', { refundAutoSettleMs: 0 });
    }
    return { workflowId: payment.id };
  },
  async 'dispute-won'() {
    const payment = await paidPayment();
    const dispute = await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/dispute`, { amount: 1_000_000 });
    await stack.waitForPayment(payment.id, (p) => p.status === 'disputed');
    const evidence = await stack.call('POST', `/v1/payments/${payment.id}/dispute/evidence`, {
      body: { evidence: { product_description: 'Batik shirt, delivered' }, submit: true },
    });
    expect(evidence.status).toBe(200);
    await stack.sim(`/_sim/disputes/${dispute.id}/close`, { status: 'won' });
    await stack.waitForPayment(payment.id, (p) => p.dispute?.status === 'won' && p.status === 'succeeded');
    return { workflowId: payment.id };
  },
  async 'dispute-lost'() {
    // Two partial refunds, then WooshPay decides the dispute on the rest against the merchant.
    const payment = await paidPayment();
    await refund(payment.id, { amount: 300_000 });
    await refund(payment.id, { amount: 200_000 });
    await stack.waitForPayment(payment.id, (p) => p.amount_refunded === 500_000);
    const dispute = await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/dispute`, { amount: 500_000 });
    await stack.waitForPayment(payment.id, (p) => p.status === 'disputed');
    await stack.sim(`/_sim/disputes/${dispute.id}/close`, { status: 'lost' });
    await stack.waitForPayment(payment.id, (p) => p.status === 'charged_back');
    return { workflowId: payment.id };
  },
  async 'dispute-accepted'() {
    const payment = await paidPayment();
    await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/dispute`, {});
    await stack.waitForPayment(payment.id, (p) => p.status === 'disputed');
    expect((await stack.call('POST', `/v1/payments/${payment.id}/dispute/accept`, { body: {} })).status).toBe(200);
    await stack.waitForPayment(payment.id, (p) => p.status === 'charged_back');
    return { workflowId: payment.id };
  },
  async underpaid() {
    // A transfer short of the amount, then WooshPay closes the account: expired, the money held for review.
    const payment = await createDirect();
    await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/succeed`, { amount_received: 400_000 });
    await stack.waitForPayment(payment.id, (p) => p.amount_received === 400_000);
    await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/expire`);
    await stack.waitForPayment(payment.id, (p) => p.status === 'expired' && p.review?.reason === 'underpaid');
    return { workflowId: payment.id };
  },
  async 'overpaid-returned'() {
    // LATE_FUNDS_POLICY=refund: the excess goes back through the refund ledger on the payment's own initiative.
    const payment = await withSettings({ lateFundsPolicy: 'refund' }, () => createDirect());
    await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/succeed`, { amount_received: 1_300_000 });
    await stack.waitForPayment(payment.id, (p) => p.review?.amount_returned === 300_000 && p.amount_refunded === 300_000);
    return { workflowId: payment.id };
  },
  async 'late-transfer-reopens'() {
    // Money lands after the payment closed: a new run opens from its last state and returns the money.
    const payment = await withSettings({ lateFundsPolicy: 'refund' }, () => createDirect());
    await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/expire`);
    await stack.waitForPayment(payment.id, (p) => p.status === 'expired');
    await waitUntilQuiet(stack.env.client, { workflowId: payment.id });
    await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/succeed`, { late: true });
    await stack.waitForPayment(payment.id, (p) => p.review?.reason === 'paid_after_expiry' && p.amount_refunded === 1_000_000);
    return { workflowId: payment.id };
  },
  async 'continue-as-new'() {
    // Refunds until the run hands over; the first run's history is the one that ends in continue-as-new.
    const payment = await withSettings({ continueAsNewAfterEvents: 40 }, () => createDirect());
    const handle = stack.env.client.workflow.getHandle(payment.id);
    const firstRun = (await handle.describe()).runId;
    await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/succeed`);
    await stack.waitForPayment(payment.id, (p) => p.status === 'succeeded');
    for (let i = 1; (await handle.describe()).runId === firstRun; i++) {
      expect(i).toBeLessThanOrEqual(10);
      await refund(payment.id, { amount: 50_000 });
      await stack.waitForPayment(payment.id, (p) => p.amount_refunded === i * 50_000);
    }
    return { workflowId: payment.id, runId: firstRun };
  },
};

describe('replay', () => {
  it.each(Object.keys(paths))(`${recording ? 'records' : 'replays a fresh life of'} the %s path`, async (name) => {
    const run = await paths[name]();
    await waitUntilQuiet(stack.env.client, run);
    const exported = await exportHistory(run);
    await Worker.runReplayHistory({ workflowBundle: bundle }, parseHistory(exported), run.workflowId);
    expectNoSecrets(exported);
    if (recording) {
      await mkdir(historiesDir, { recursive: true });
      await writeFile(path.join(historiesDir, `${name}.json`), exported);
    }
  });

  it('replays the saved history of every path against the current code', async () => {
    const files = (await readdir(historiesDir)).filter((f) => f.endsWith('.json')).sort();
    expect(files).toEqual(Object.keys(paths).map((name) => `${name}.json`).sort());
    for (const file of files) {
      const exported = await readFile(path.join(historiesDir, file), 'utf8');
      await expect(Worker.runReplayHistory({ workflowBundle: bundle }, parseHistory(exported), file)).resolves.toBeUndefined();
      expectNoSecrets(exported);
    }
  });

  it.each(PRE_PATCH_HISTORIES)('replays the histories kept from %s against the current code', async (patch) => {
    const dir = path.join(historiesDir, patch);
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const exported = await readFile(path.join(dir, file), 'utf8');
      await expect(Worker.runReplayHistory({ workflowBundle: bundle }, parseHistory(exported), `${patch}/${file}`)).resolves.toBeUndefined();
    }
  });
});

/** Secrets come from configuration and stay there: none is in any payload of a history. */
function expectNoSecrets(exported: string): void {
  const payloads = payloadTexts(exported);
  expect(payloads.length).toBeGreaterThanOrEqual(3);
  for (const secret of SECRETS) expect(payloads.filter((p) => p.includes(secret))).toEqual([]);
}

async function createDirect(): Promise<any> {
  const res = await stack.call('POST', '/v1/payments', { idempotencyKey: newKey('replay'), body: directPayment() });
  expect(res.status).toBe(201);
  return res.body;
}

async function createCheckout(): Promise<any> {
  const res = await stack.call('POST', '/v1/payments', { idempotencyKey: newKey('replay-co'), body: checkoutPayment() });
  expect(res.status).toBe(201);
  return res.body;
}

async function paidPayment(): Promise<any> {
  const payment = await createDirect();
  await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/succeed`);
  return stack.waitForPayment(payment.id, (p) => p.status === 'succeeded');
}

async function refund(paymentId: string, body: { amount?: number }): Promise<void> {
  const res = await stack.call('POST', `/v1/payments/${paymentId}/refunds`, { idempotencyKey: newKey('refund'), body });
  expect(`${res.status} ${JSON.stringify(res.body.error ?? null)}`).toBe('201 null');
}

/** Payments created inside `create` start with these settings (a payment keeps the settings it started with). */
async function withSettings<T>(overrides: Partial<PaymentSettings>, create: () => Promise<T>): Promise<T> {
  const before = stack.api.payments.settings;
  stack.api.payments.settings = { ...before, ...overrides };
  try {
    return await create();
  } finally {
    stack.api.payments.settings = before;
  }
}
