/**
 * B5, expiring: N payments whose `expires_at` falls in one second (each gets its own `expires_in`, computed
 * when it is sent), never paid. Every one must reach `expired`, its intent must be cancelled exactly once at the
 * simulator (GET /_sim/requests) and its merchant must get exactly one `payment.expired`. Drain — that second
 * → the last `payment.expired` received — is printed against F-TIMERS: N no-op workflows whose timers fire
 * in one second, drained when the last one closed (from visibility's close times), run first.
 */
import { closedLoop, failures } from '../drivers.js';
import { check, figure, summarizeErrors, type ScenarioResult } from '../figures.js';
import { PAYMENT_AMOUNT, sleep, type BenchContext } from '../context.js';

/** The API's minimum `expires_in` (api/schemas.ts), plus a second of margin for the request itself. */
const MIN_EXPIRES_IN_MS = 61_000;
const CANCEL_ROUTE = 'POST /v1/payment_intents/:id/cancel';
/** Share of the probed creation rate the plan counts on (the machine may slow down as payments pile up). */
const RATE_MARGIN = 0.6;

interface Expiring {
  id: string;
  intent: string;
  expiresAt: number;
}

export async function expiringScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const n = ctx.options.expiring;
  const errors: string[] = [];
  const rate = ctx.options.expiringCreateRate ?? (await probeCreateRate(ctx, errors));
  // Planned at the payments' creation rate: on a saturated machine plain starts were measured no faster.
  const timers = await timersFloor(ctx, n, rate, errors);

  const second = ceilSecond(Date.now() + MIN_EXPIRES_IN_MS + 1000 + (n / rate) * 1000);
  ctx.log(`expiring: creating ${n} payments that all expire at ${new Date(second).toISOString()}`);
  const payments: Expiring[] = [];
  const created = await closedLoop(n, ctx.options.concurrency, async (i) => payments.push(await createExpiring(ctx, i, second)), ctx.signal);
  errors.push(...summarizeErrors('creating expiring payments (a slow machine needs a lower --expiring-create-rate)', failures(created)));
  const outside = payments.filter((p) => p.expiresAt < second || p.expiresAt >= second + 1000).length;

  ctx.log(`expiring: waiting for ${payments.length} payment.expired notifications`);
  // A bound against hanging, not a target: 10,000 expiries drained at about 10/s on 2 cores, so 50 ms each cut
  // that run short; 250 ms each lets a slow drain finish and be measured.
  const timeoutMs = Math.max(second - Date.now(), 0) + 120_000 + n * 250;
  const notified = await Promise.allSettled(payments.map((p) => ctx.stack.receiver.waitFor(p.id, 'payment.expired', timeoutMs)));
  const arrivals = notified.flatMap((r) => (r.status === 'fulfilled' ? [r.value.receivedAtWall] : []));
  const drainMs = arrivals.length ? Math.max(...arrivals) - second : null;
  // A duplicate would come after the first; give it a moment before counting.
  await sleep(1_000);

  const statuses = await closedLoop(payments.length, 20, async (i) => (await ctx.api.getPayment(payments[i].id)).status);
  const notExpired = statuses.runs.filter((r) => r.value !== 'expired').length;
  const cancels = await cancelCounts(ctx);
  const cancelledOtherThanOnce = payments.filter((p) => cancels[p.intent] !== 1).length;
  const notifiedOtherThanOnce = payments.filter((p) => ctx.stack.receiver.count(p.id, 'payment.expired') !== 1).length;
  const missing = n - payments.length;

  return {
    scenario: 'expiring',
    figures: [
      figure({ what: `drain of ${n} expiring in one second`, unit: 'ms', product: drainMs, floor: { name: `F-TIMERS (N=${n})`, value: timers.drainMs } }),
      check('B5', 'payments not created', missing),
      check('B5', 'payments not reaching expired', notExpired + missing),
      check('B5', 'intents not cancelled exactly once', cancelledOtherThanOnce + missing),
      check('B5', 'payments without exactly one payment.expired', notifiedOtherThanOnce + missing),
    ],
    latencyMs: {},
    errors,
    details: {
      n,
      plannedCreationsPerSecond: rate,
      rateFrom: ctx.options.expiringCreateRate === undefined ? 'probe' : '--expiring-create-rate',
      second: new Date(second).toISOString(),
      expiresAtOutsideTheSecond: outside,
      creationSeconds: Math.round(created.wallMs / 100) / 10,
      floorTimers: timers,
    },
  };
}

async function createExpiring(ctx: BenchContext, index: number, second: number): Promise<Expiring> {
  // expires_at = the API's now + expires_in s: send only while that lands inside the second (150 ms of margin).
  for (;;) {
    const left = second - Date.now();
    if (left < MIN_EXPIRES_IN_MS) throw new Error(`too late to expire at the planned second (${Math.round(left / 1000)} s left)`);
    const slack = Math.ceil(left / 1000) * 1000 - left;
    if (slack <= 850) break;
    await sleep(1001 - slack);
  }
  const key = `bench-${ctx.run}-expiring-${index}`;
  const body = {
    amount: PAYMENT_AMOUNT,
    currency: 'IDR' as const,
    return_url: 'https://shop.example/return',
    merchant_order_id: key,
    expires_in: Math.ceil((second - Date.now()) / 1000),
  };
  const { payment } = await ctx.api.createPayment(body, key);
  if (!payment.payment_intent) throw new Error(`payment ${payment.id} is ${payment.status} without an intent`);
  return { id: payment.id, intent: payment.payment_intent, expiresAt: payment.expires_at };
}

/**
 * Creations/s the product manages here and now, with a margin: a short burst of ordinary payments at the
 * scenario's concurrency, cancelled right after (untimed).
 */
async function probeCreateRate(ctx: BenchContext, errors: string[]): Promise<number> {
  const n = Math.min(ctx.options.concurrency * 3, 60);
  const ids: string[] = [];
  const probe = await closedLoop(n, ctx.options.concurrency, async (i) => {
    const key = `bench-${ctx.run}-expiring-probe-${i}`;
    ids.push((await ctx.api.createPayment({ amount: PAYMENT_AMOUNT, currency: 'IDR', return_url: 'https://shop.example/return', merchant_order_id: key }, key)).payment.id);
  });
  errors.push(...summarizeErrors('probing the creation rate', failures(probe)));
  await closedLoop(ids.length, 10, (i) => ctx.api.cancel(ids[i], 'benchmark probe'));
  const rate = Math.round(((RATE_MARGIN * ids.length) / (probe.wallMs / 1000)) * 10) / 10;
  ctx.log(`expiring: ${ids.length} creations in ${Math.round(probe.wallMs)} ms, planning with ${rate}/s`);
  return Math.max(rate, 0.5);
}

async function cancelCounts(ctx: BenchContext): Promise<Record<string, number>> {
  const response = await fetch(`${ctx.stack.simulatorUrl}/_sim/requests`);
  const { routes } = (await response.json()) as { routes: Record<string, { byId: Record<string, number> }> };
  return routes[CANCEL_ROUTE]?.byId ?? {};
}

async function timersFloor(
  ctx: BenchContext,
  n: number,
  startsPerSecond: number,
  errors: string[],
): Promise<{ drainMs: number | null; lateStarts: number; closed: number }> {
  const fireAt = ceilSecond(Date.now() + 2_000 + (n / startsPerSecond) * 1000);
  ctx.log(`F-TIMERS: starting ${n} workflows whose timers fire at ${new Date(fireAt).toISOString()}`);
  const started = await closedLoop(n, 20, (i) => ctx.floors.startTimer(i, fireAt), ctx.signal);
  errors.push(...summarizeErrors('F-TIMERS starts', failures(started)));
  const lateStarts = started.runs.filter((r) => r.startedAtWall > fireAt).length;
  if (lateStarts) errors.push(`F-TIMERS: ${lateStarts} of ${n} started after their second (a slow machine needs a lower --expiring-create-rate)`);
  const { client } = ctx.stack.temporal;
  const query = `TaskQueue = '${ctx.floorProcess.taskQueue}' AND WorkflowType = 'timerFloorWorkflow'`;
  const deadline = Math.max(fireAt, Date.now()) + 120_000 + n * 50;
  await sleep(Math.max(fireAt - Date.now(), 0));
  while (Date.now() < deadline && (await client.workflow.count(`${query} AND ExecutionStatus = 'Running'`)).count > 0) await sleep(250);
  let lastClose = 0;
  let closed = 0;
  for await (const execution of client.workflow.list({ query: `${query} AND ExecutionStatus = 'Completed'` })) {
    closed++;
    lastClose = Math.max(lastClose, execution.closeTime?.getTime() ?? 0);
  }
  if (closed < n) errors.push(`F-TIMERS: only ${closed} of ${n} timer workflows completed`);
  return { drainMs: closed ? lastClose - fireAt : null, lateStarts, closed };
}

function ceilSecond(ms: number): number {
  return Math.ceil(ms / 1000) * 1000;
}
