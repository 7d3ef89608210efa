/**
 * The reconciliation sweep over real HTTP and a real Temporal server: the safety net behind webhooks for
 * payments waiting for a transfer. It reads WooshPay (the simulator) for every waiting payment and nudges only
 * those whose intent moved; the payment reads and applies WooshPay's view itself.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ensureReconciliationSchedule, reconciliationScheduleId } from '../../worker/reconciliation-schedule.js';
import { checkoutPayment, directPayment, newKey, startStack, type Stack } from '../helpers/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

async function create(body: Record<string, unknown> = directPayment()): Promise<any> {
  const res = await stack.call('POST', '/v1/payments', { idempotencyKey: newKey('sweep'), body });
  expect(res.status).toBe(201);
  return res.body;
}

/** How many times the sweep nudged this payment (its `reconcile` signals). */
async function nudges(paymentId: string): Promise<number> {
  const history = await stack.env.client.workflow.getHandle(paymentId).fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'reconcile').length;
}

/** Which WooshPay webhooks reached the payment's workflow. */
async function webhookSignals(paymentId: string): Promise<number> {
  const history = await stack.env.client.workflow.getHandle(paymentId).fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'wooshpayEvent').length;
}

describe('the reconciliation sweep', () => {
  it('finds what lost webhooks did not say, and leaves payments whose intent did not move alone', async () => {
    const untouched = await create();
    const paid = await create();
    const underpaid = await create();
    const checkout = await create(checkoutPayment());
    await stack.sim('/_sim/faults', { kind: 'webhook_drop' });
    try {
      await stack.sim(`/_sim/payment_intents/${paid.payment_intent}/succeed`);
      await stack.sim(`/_sim/payment_intents/${underpaid.payment_intent}/succeed`, { amount_received: 400_000 });

      const report = await stack.sweep();
      expect(report.unreadable).toBe(0);
      expect(report.waiting).toBeGreaterThanOrEqual(4);

      const settled = await stack.waitForPayment(paid.id, (p) => p.status === 'succeeded');
      expect(settled.provider_status).toBe('succeeded');
      const partial = await stack.waitForPayment(underpaid.id, (p) => p.amount_received === 400_000);
      expect(partial).toMatchObject({ status: 'requires_action', amount_due: 600_000 });
      // Neither learned it from a webhook: the sweep nudged each once, and each read WooshPay itself.
      expect(await webhookSignals(paid.id)).toBe(0);
      expect(await webhookSignals(underpaid.id)).toBe(0);
      expect(await nudges(paid.id)).toBe(1);
      expect(await nudges(underpaid.id)).toBe(1);
      // Nothing moved on this intent: read at WooshPay, and no workflow task spent on it.
      expect(await nudges(untouched.id)).toBe(0);
      expect((await stack.call('GET', `/v1/payments/${untouched.id}`)).body.status).toBe('requires_action');
      // A Checkout Session's intent waits for the shopper to choose how to pay: that is not a move either.
      expect(checkout.payment_intent).toEqual(expect.any(String));
      expect(await nudges(checkout.id)).toBe(0);
      expect(report.nudged).toBe(2);
      expect((await stack.call('GET', `/v1/payments/${checkout.id}`)).body.status).toBe('requires_action');
    } finally {
      await stack.clearFaults();
    }
  });

  it('takes no answer from WooshPay for "nothing moved": the payment is read again at the next sweep', async () => {
    const payment = await create();
    await stack.sim('/_sim/faults', { kind: 'webhook_drop' });
    try {
      await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/succeed`);
      await stack.sim('/_sim/faults', { kind: 'error', status: 503, method: 'GET', pathPrefix: '/v1/payment_intents' });
      const refused = await stack.sweep();
      expect(refused.unreadable).toBeGreaterThanOrEqual(1);
      expect(await nudges(payment.id)).toBe(0);
      expect((await stack.call('GET', `/v1/payments/${payment.id}`)).body.status).toBe('requires_action');
    } finally {
      await stack.clearFaults();
    }
    const answered = await stack.sweep();
    expect(answered.unreadable).toBe(0);
    await stack.waitForPayment(payment.id, (p) => p.status === 'succeeded');
    expect(await nudges(payment.id)).toBe(1);
  });

  it('stops reading once WooshPay has failed 20 reads in a row, and counts the rest unread', async () => {
    for (let i = 0; i < 30; i++) await create();
    const readsSoFar = async () => {
      const { routes } = (await (await fetch(`${stack.simulatorUrl}/_sim/requests`)).json()) as { routes: Record<string, { total: number }> };
      return routes['GET /v1/payment_intents/:id']?.total ?? 0;
    };
    await stack.sim('/_sim/faults', { kind: 'error', status: 503, method: 'GET', pathPrefix: '/v1/payment_intents' });
    try {
      const before = await readsSoFar();
      const report = await stack.sweep();
      expect(report).toMatchObject({ read: 0, nudged: 0 });
      expect(report.unreadable).toBe(report.waiting);
      expect(report.waiting).toBeGreaterThanOrEqual(30);
      // 20 failures in a row, plus the reads already in flight then (8 at a time), each tried by the client.
      const attempted = (await readsSoFar()) - before;
      expect(attempted).toBeGreaterThanOrEqual(20);
      expect(attempted).toBeLessThan(report.waiting);
    } finally {
      await stack.clearFaults();
    }
  });

  it('runs on a schedule per task queue, which the next worker brings in line with its configuration', async () => {
    const scheduleId = reconciliationScheduleId(stack.taskQueue);
    const input = { taskQueue: stack.taskQueue, sweepEveryMs: 3_600_000, longestIntervalMs: 7_200_000 };
    await ensureReconciliationSchedule(stack.env.client, input);
    try {
      await ensureReconciliationSchedule(stack.env.client, { ...input, sweepEveryMs: 600_000 });
      const handle = stack.env.client.schedule.getHandle(scheduleId);
      const described = await handle.describe();
      expect(described.spec.intervals).toMatchObject([{ every: 600_000 }]);
      expect(described.action).toMatchObject({ workflowType: 'reconciliationSweepWorkflow', taskQueue: stack.taskQueue });

      const waiting = await create();
      await handle.trigger();
      const query = `WorkflowType = 'reconciliationSweepWorkflow' AND TaskQueue = '${stack.taskQueue}' AND WorkflowId STARTS_WITH '${scheduleId}'`;
      let sweepId: string | undefined;
      for (let i = 0; i < 100 && !sweepId; i++) {
        for await (const run of stack.env.client.workflow.list({ query })) sweepId = run.workflowId;
        if (!sweepId) await new Promise((r) => setTimeout(r, 200));
      }
      expect(sweepId).toBeDefined();
      const report = await stack.env.client.workflow.getHandle(sweepId!).result();
      // Every payment here is younger than the schedule's first interval (10 minutes): listed, none read yet.
      expect(report.waiting).toBeGreaterThanOrEqual(1);
      expect(report).toMatchObject({ read: 0, nudged: 0, unreadable: 0 });
      expect(await nudges(waiting.id)).toBe(0);
    } finally {
      await stack.env.client.schedule.getHandle(scheduleId).delete();
    }
  });
});
