/**
 * B3, webhooks, one at a time. Product: a payment is created and paid on the hosted page, WooshPay (the
 * simulator) delivers `payment_intent.succeeded` to the API; the ack is the delivery's own duration in the
 * simulator's log, "applied" is delivery start → the end of the workflow task that took the signal (history).
 * Floor: F-SIG, a signal RPC to a cached idle workflow, and F-SIG-APPLIED read from history the same way.
 * Targets: ack p99 ≤ 2 × F-SIG p99; applied p50 ≤ 2 × F-SIG-APPLIED p50.
 */
import { submitTransfer } from '../../clients/shopper.js';
import { closedLoop, failures } from '../drivers.js';
import { figure, summarizeErrors, type ScenarioResult } from '../figures.js';
import { appliedTasks, readEvents, TaskPhases } from '../history.js';
import { summarize } from '../stats.js';
import { PAYMENT_AMOUNT, sleep, type BenchContext } from '../context.js';

/** Idle workflows the floor's signals are spread over, each cached after its first task. */
const IDLE_WORKFLOWS = 10;
/** Pause between floor signals, so each is applied by a task of its own, as each product webhook is. */
const SIGNAL_GAP_MS = 50;
const STEP_TIMEOUT_MS = 60_000;

interface DeliveryLogEntry {
  event_id: string;
  outcome: string;
  started_at: number;
  finished_at: number;
}

export async function webhooksScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const { options, floors } = ctx;
  const idle = await Promise.all(Array.from({ length: Math.min(IDLE_WORKFLOWS, options.webhooks) }, (_, i) => floors.startIdle(i)));
  const sent = new Map<string, number[]>(idle.map((w) => [w.workflowId, []]));
  const rpc: number[] = [];
  const intents = new Map<string, string>(); // payment_intent → payment id
  const errors: string[] = [];

  for (let round = 1; round <= options.rounds; round++) {
    ctx.log(`webhooks round ${round}/${options.rounds}: ${options.webhooks} floor signals, then ${options.webhooks} paid payments`);
    const pings = await closedLoop(options.webhooks, 1, async (i) => {
      const target = idle[i % idle.length];
      sent.get(target.workflowId)!.push(Date.now());
      const t0 = performance.now();
      await target.ping();
      rpc.push(performance.now() - t0);
      await sleep(SIGNAL_GAP_MS);
    });
    errors.push(...summarizeErrors(`F-SIG round ${round}`, failures(pings)));

    const paid = await closedLoop(options.webhooks, 1, async (i) => {
      const key = `bench-${ctx.run}-webhook-${round}-${i}`;
      const { payment } = await ctx.api.createPayment({ amount: PAYMENT_AMOUNT, currency: 'IDR', return_url: 'https://shop.example/return', merchant_order_id: key }, key);
      if (!payment.redirect_url || !payment.payment_intent) throw new Error(`payment ${payment.id} is ${payment.status} without an intent`);
      intents.set(payment.payment_intent, payment.id);
      await submitTransfer(payment.redirect_url);
      await ctx.stack.receiver.waitFor(payment.id, 'payment.succeeded', STEP_TIMEOUT_MS);
    });
    errors.push(...summarizeErrors(`webhook payments round ${round}`, failures(paid)));
  }

  const floorApplied = new TaskPhases();
  for (const w of idle) {
    await w.finish();
    const times = sent.get(w.workflowId)!;
    appliedTasks(await readEvents(ctx.stack.temporal.client, w.workflowId), times).forEach((t, i) => t && floorApplied.add(times[i], t));
  }
  const { acks, applied } = await productDeliveries(ctx, intents, errors);

  const latencyMs = {
    'F-SIG (signal RPC)': summarize(rpc),
    'F-SIG-APPLIED (sent → task completed)': summarize(floorApplied.whole),
    'webhook ack (delivery → 2xx)': summarize(acks),
    'webhook applied (delivery → task completed)': summarize(applied.whole),
  };
  const [fSig, fApplied, ack, app] = Object.values(latencyMs);
  // Where "applied" goes, for the floor and the product alike: reaching the history, waiting for a worker, the task.
  Object.assign(latencyMs, floorApplied.phases('F-SIG-APPLIED'), applied.phases('webhook applied'));
  return {
    scenario: 'webhooks',
    figures: [
      figure({ what: 'webhook ack p99', unit: 'ms', product: ack?.p99, floor: { name: 'F-SIG p99', value: fSig?.p99 }, target: { id: 'B3', limit: 2, at: 'most' } }),
      figure({ what: 'webhook ack p50', unit: 'ms', product: ack?.p50, floor: { name: 'F-SIG p50', value: fSig?.p50 } }),
      figure({ what: 'webhook → applied p50', unit: 'ms', product: app?.p50, floor: { name: 'F-SIG-APPLIED p50', value: fApplied?.p50 }, target: { id: 'B3', limit: 2, at: 'most' } }),
    ],
    latencyMs,
    errors,
    details: { webhooksPerRound: options.webhooks, floorSignalGapMs: SIGNAL_GAP_MS, clock: ctx.stack.temporal.kind === 'external' ? 'server clock assumed equal to this machine\'s' : 'same machine' },
  };
}

/** The simulator's delivery log of `payment_intent.succeeded`, matched to our payments through each event. */
async function productDeliveries(ctx: BenchContext, intents: Map<string, string>, errors: string[]): Promise<{ acks: number[]; applied: TaskPhases }> {
  const response = await fetch(`${ctx.stack.simulatorUrl}/_sim/webhooks?event_type=payment_intent.succeeded`);
  const log = ((await response.json()) as { data: DeliveryLogEntry[] }).data;
  const acks: number[] = [];
  const applied = new TaskPhases();
  const seen = new Set<string>();
  for (const delivery of log) {
    if (delivery.outcome !== 'succeeded' || seen.has(delivery.event_id)) continue;
    seen.add(delivery.event_id);
    const event = await ctx.stack.wooshpay.retrieveEvent(delivery.event_id);
    const paymentId = intents.get((event.data.object as { id: string }).id);
    if (!paymentId) continue; // a payment of another scenario
    acks.push(delivery.finished_at - delivery.started_at);
    const [task] = appliedTasks(await readEvents(ctx.stack.temporal.client, paymentId), [delivery.started_at]);
    if (task === undefined) errors.push(`webhook for ${paymentId}: no signal applied after the delivery in its history`);
    else applied.add(delivery.started_at, task);
  }
  if (acks.length < intents.size) errors.push(`webhooks: ${intents.size - acks.length} paid payments had no successful delivery in the simulator's log`);
  return { acks, applied };
}
