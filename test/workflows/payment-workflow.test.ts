/**
 * The payment workflow on the real dev server, with the provider scripted in memory: the paths where timing
 * and races matter (expiry gate, duplicate events, refusal on creation).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import {
  createPaymentUpdate,
  getPaymentQuery,
  providerEventSignal,
  reconcileSignal,
  type PaymentRequest,
  type PaymentSettings,
} from '../../workflows/messages.js';
import { paymentWorkflow } from '../../workflows/payment/workflow.js';
import { FakeProvider } from '../helpers/fake-provider.js';
import { bundlePaymentWorkflows, connectTestEnv, uniqueTaskQueue } from '../harness/temporal.js';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  env = await connectTestEnv();
  bundle = await bundlePaymentWorkflows();
});

afterAll(async () => {
  await env?.teardown();
});

const settings: PaymentSettings = {
  reconcileFirstMs: 60_000,
  reconcileIntervalMs: 60_000,
  retentionMs: 2_000,
  refundsEnabled: true,
  refundPollMs: 60_000,
  disputeReminderLeadMs: 1_000,
  lateFundsPolicy: 'review',
  maxRefunds: 100,
};

function request(overrides: Partial<PaymentRequest> = {}): PaymentRequest {
  const now = Date.now();
  return {
    paymentId: `pay_${randomUUID().replace(/-/g, '').slice(0, 24)}`,
    requestFingerprint: 'fp',
    intakeId: randomUUID(),
    amount: 1_000_000,
    currency: 'IDR',
    integration: 'direct',
    returnUrl: 'https://shop.example/return',
    metadata: {},
    expiresAt: now + 60_000,
    createdAt: now,
    ...overrides,
  };
}

async function withWorker<T>(provider: FakeProvider, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = uniqueTaskQueue('wf');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: provider.activities(),
  });
  return worker.runUntil(fn(taskQueue));
}

function start(taskQueue: string, req: PaymentRequest, overrides: Partial<PaymentSettings> = {}) {
  const op = new WithStartWorkflowOperation(paymentWorkflow, {
    workflowId: req.paymentId,
    taskQueue,
    args: [{ request: req, settings: { ...settings, ...overrides } }],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  return { op, result: env.client.workflow.executeUpdateWithStart(createPaymentUpdate, { updateId: 'create', startWorkflowOperation: op }) };
}

describe('paymentWorkflow', () => {
  it('creates the intent once, applies a success event once, and closes after the retention window', async () => {
    const provider = new FakeProvider();
    await withWorker(provider, async (taskQueue) => {
      const req = request();
      const { op, result } = start(taskQueue, req);
      const intake = await result;
      expect(intake.payment.status).toBe('requires_action');
      expect(intake.payment.redirect_url).toMatch(/^https:\/\/pay\.test\/pi_/);
      const handle = await op.workflowHandle();
      const pi = intake.payment.payment_intent!;
      provider.succeed(pi);
      const event = {
        id: 'evt_1',
        type: 'payment_intent.succeeded',
        created: Date.now(),
        object: 'payment_intent' as const,
        data: { id: pi, status: 'succeeded', amount: req.amount, failure: null, cancellation_reason: null },
      };
      await handle.signal(providerEventSignal, event);
      await handle.signal(providerEventSignal, event);
      const final = await handle.result();
      expect(final.status).toBe('succeeded');
      expect(final.paid_at).not.toBeNull();
      expect(provider.createCalls).toHaveLength(1);
      expect(provider.createCalls[0].idempotencyKey).toBe(`${req.paymentId}:create`);
    });
  });

  it('expires an unpaid transfer at expires_at and cancels it at WooshPay', async () => {
    const provider = new FakeProvider();
    await withWorker(provider, async (taskQueue) => {
      const req = request({ expiresAt: Date.now() + 1_500 });
      const { op, result } = start(taskQueue, req);
      await result;
      const final = await (await op.workflowHandle()).result();
      expect(final.status).toBe('expired');
      expect(provider.cancelCalls).toEqual([final.payment_intent]);
    });
  });

  it('treats a cancel refused because the transfer landed as a success, never a loss', async () => {
    const provider = new FakeProvider();
    provider.beforeCancel = (intent) => {
      intent.status = 'succeeded';
    };
    await withWorker(provider, async (taskQueue) => {
      const req = request({ expiresAt: Date.now() + 1_500 });
      const { op, result } = start(taskQueue, req);
      await result;
      const handle = await op.workflowHandle();
      const final = await handle.result();
      expect(final.status).toBe('succeeded');
      expect(final.paid_at).not.toBeNull();
    });
  });

  it('fails the payment and the intake update when WooshPay refuses creation', async () => {
    const provider = new FakeProvider();
    provider.rejectCreate = { code: 'amount_too_small', message: 'Amount must be at least 1.00 IDR' };
    await withWorker(provider, async (taskQueue) => {
      const req = request();
      const { op, result } = start(taskQueue, req);
      await expect(result).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      const handle = await op.workflowHandle();
      const final = await handle.result();
      expect(final.status).toBe('failed');
      expect(final.failure).toEqual({ code: 'amount_too_small', message: 'Amount must be at least 1.00 IDR' });
      expect(await handle.query(getPaymentQuery)).toMatchObject({ status: 'failed' });
    });
  });

  it('waits within its window on one timer and no reads: WooshPay is read for it by the sweep', async () => {
    const provider = new FakeProvider();
    await withWorker(provider, async (taskQueue) => {
      const req = request({ expiresAt: Date.now() + 60_000 });
      // Polls this short would have read WooshPay a dozen times by now, each with a timer of its own.
      const { op, result } = start(taskQueue, req, { reconcileFirstMs: 100, reconcileIntervalMs: 200 });
      await result;
      const handle = await op.workflowHandle();
      const eventsSoon = (await handle.fetchHistory()).events ?? [];
      await new Promise((r) => setTimeout(r, 2_000));
      const events = (await handle.fetchHistory()).events ?? [];
      expect(events.length).toBe(eventsSoon.length);
      expect(events.filter((e) => e.timerStartedEventAttributes)).toHaveLength(1);
      expect(provider.retrieveCalls).toBe(0);
      await handle.terminate('test done');
    });
  });

  it('keeps waiting, polling calmly, while a transfer still clears past expires_at', async () => {
    const provider = new FakeProvider();
    provider.initialStatus = 'processing';
    await withWorker(provider, async (taskQueue) => {
      const req = request({ expiresAt: Date.now() + 1_000 });
      const { op, result } = start(taskQueue, req, { reconcileFirstMs: 500, reconcileIntervalMs: 1_000 });
      const intake = await result;
      const handle = await op.workflowHandle();
      await new Promise((r) => setTimeout(r, 3_500));
      expect((await handle.query(getPaymentQuery)).status).toBe('requires_action');
      provider.succeed(intake.payment.payment_intent!);
      const final = await handle.result();
      expect(final.status).toBe('succeeded');
      // Never canceled while clearing, and about one timer per poll, not a spin.
      expect(provider.cancelStatuses.filter((s) => s !== 'processing')).toEqual([]);
      const history = await handle.fetchHistory();
      const timers = (history.events ?? []).filter((e) => e.timerStartedEventAttributes).length;
      expect(timers).toBeLessThan(20);
    });
  });

  it('continues as new while waiting for a long transfer window, then is paid once', async () => {
    const provider = new FakeProvider();
    await withWorker(provider, async (taskQueue) => {
      const req = request({ expiresAt: Date.now() + 600_000 });
      const { op, result } = start(taskQueue, req, { continueAsNewAfterEvents: 30 });
      const intake = await result;
      const handle = await op.workflowHandle();
      const firstRun = (await handle.describe()).runId;
      // The reconciliation sweep's nudges grow the waiting history (each one a read at WooshPay) until it hands over.
      for (let i = 0; i < 100 && (await handle.describe()).runId === firstRun; i++) {
        await handle.signal(reconcileSignal);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect((await handle.describe()).runId).not.toBe(firstRun);
      expect(provider.retrieveCalls).toBeGreaterThan(0);
      provider.succeed(intake.payment.payment_intent!);
      const latest = env.client.workflow.getHandle(req.paymentId);
      await latest.signal(reconcileSignal);
      const final = await latest.result();
      expect(final).toMatchObject({ status: 'succeeded', payment_intent: intake.payment.payment_intent });
      expect(provider.createCalls).toHaveLength(1);
      expect(provider.notifications.filter((n) => n.type === 'payment.succeeded').length).toBeLessThanOrEqual(1);
    });
  });

});
