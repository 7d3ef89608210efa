/**
 * B4, waiting: payments created and never paid (no webhooks), first the first size, then topped up to each
 * next size. At each size, once creation is over: worker RSS and live heap (after a full GC) at the stated
 * cache size and heap limit, then an idle window: CPU of every process and the workflow tasks/s (and
 * activities/s) the worker ran with nobody calling. Then one reconciliation sweep that reads every waiting
 * payment at WooshPay (the most a sweep ever reads): its duration, the CPU it cost each process, what it
 * nudged, and the worker's RSS after it.
 * Target: RSS(last) − RSS(first) ≤ 10 % of RSS(first).
 */
import type { ReconciliationSweepReport } from '../../../activities/types.js';
import { DEFAULT_WORKER_TUNING } from '../../../worker/tuning.js';
import { reconciliationSweepWorkflow } from '../../../workflows/reconciliation-sweep.js';
import { closedLoop, failures } from '../drivers.js';
import type { RoleProcess } from '../product-processes.js';
import { check, figure, summarizeErrors, type Figure, type ScenarioResult } from '../figures.js';
import { askMemoryUsage, readProcMemory, type ProbedMemory } from '../memory.js';
import { perSecond, readTaskCounts, type TaskCounts } from '../worker-metrics.js';
import { addCpu, cpuSnapshot, PAYMENT_AMOUNT, sleep, type BenchContext } from '../context.js';

/** Lets the last creations' follow-up tasks finish before memory is read: a second, more for large batches. */
const settleMs = (created: number) => Math.min(1_000 + created, 10_000);
const MB = 1024 * 1024;

interface SizeReading {
  waiting: number;
  /** At the end of the idle window, as it stood. */
  workerRssMb: number | null;
  /** Right after, once every thread of the worker has run a full GC. */
  workerRssAfterGcMb: number | null;
  workerHeapUsedMb: number | null;
  /** Live heap after a full GC of each thread: the main thread first, then Temporal's workflow thread(s). */
  workerThreadHeapsMb: ThreadHeapMb[];
  rssMb: Record<string, number | null>;
  idleCpuPercent: Record<string, number>;
  backgroundPerSecond: TaskCounts;
  /** Cumulative counts at the end of the window (shows the metrics were read at all). */
  tasksSinceWorkerStart: TaskCounts;
  sweep: SweepReading;
}

interface ThreadHeapMb {
  threadId: number;
  usedMb: number | null;
  totalMb: number | null;
  spacesMb: Record<string, number | null>;
}

/** One reconciliation sweep reading every waiting payment. */
interface SweepReading {
  seconds: number;
  report: ReconciliationSweepReport | null;
  /** CPU ms per waiting payment, per process. */
  cpuMsPerPayment: Record<string, number>;
  workerRssAfterMb: number | null;
  /** Then after a full GC of every thread: what the sweep left behind, not its garbage. */
  workerRssAfterGcMb: number | null;
  workerThreadHeapsAfterGcMb: ThreadHeapMb[];
}

export async function waitingScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const errors: string[] = [];
  const readings: SizeReading[] = [];
  const worker = ctx.stack.roles.find((r) => r.name === 'worker')!;
  let created = 0;
  for (const size of ctx.options.waiting) {
    ctx.log(`waiting: creating ${size - created} payments (${size} waiting in all)`);
    const result = await closedLoop(size - created, ctx.options.concurrency, async (i) => {
      const key = `bench-${ctx.run}-waiting-${created + i}`;
      await ctx.api.createPayment({ amount: PAYMENT_AMOUNT, currency: 'IDR', return_url: 'https://shop.example/return', merchant_order_id: key }, key);
    }, ctx.signal);
    errors.push(...summarizeErrors(`creating waiting payments up to ${size}`, failures(result)));
    await sleep(settleMs(size - created));
    created = size;

    const usage = await askMemoryUsage(worker.child, { gc: true }).catch(() => undefined);
    const rssMb: Record<string, number | null> = {};
    for (const [name, pid] of ctx.pids) rssMb[name] = mb((await readProcMemory(pid))?.rss);

    ctx.log(`waiting: ${size} waiting, measuring ${ctx.options.idleSeconds} s of idle`);
    const cpuBefore = await cpuSnapshot(ctx.pids);
    const tasksBefore = await readTaskCounts(ctx.stack.workerMetricsUrl);
    await sleep(ctx.options.idleSeconds * 1000);
    const tasksAfter = await readTaskCounts(ctx.stack.workerMetricsUrl);
    const spent: Record<string, number> = {};
    addCpu(spent, cpuBefore, await cpuSnapshot(ctx.pids));
    const workerRssMb = mb((await readProcMemory(worker.pid))?.rss);
    const afterGc = await askMemoryUsage(worker.child, { gc: true }).catch(() => undefined);
    const workerRssAfterGcMb = mb((await readProcMemory(worker.pid))?.rss);
    ctx.log(`waiting: ${size} waiting, one reconciliation sweep reading every one of them`);
    const sweep = await sweepAll(ctx, size, worker).catch((err: unknown) => {
      errors.push(`reconciliation sweep at ${size}: ${(err as Error).message}`);
      return { seconds: 0, report: null, cpuMsPerPayment: {}, workerRssAfterMb: null, workerRssAfterGcMb: null, workerThreadHeapsAfterGcMb: [] };
    });
    readings.push({
      waiting: size,
      workerRssMb,
      workerRssAfterGcMb,
      workerHeapUsedMb: mb(usage?.heapUsed),
      workerThreadHeapsMb: threadHeapsMb(afterGc),
      rssMb,
      idleCpuPercent: Object.fromEntries(Object.entries(spent).map(([name, s]) => [name, Math.round((s / ctx.options.idleSeconds) * 1000) / 10])),
      backgroundPerSecond: perSecond(tasksBefore, tasksAfter, ctx.options.idleSeconds),
      tasksSinceWorkerStart: tasksAfter,
      sweep,
    });
  }

  const [first, last] = [readings[0], readings[readings.length - 1]];
  const growth = first?.workerRssMb && last?.workerRssMb ? ((last.workerRssMb - first.workerRssMb) / first.workerRssMb) * 100 : null;
  const figures: Figure[] = [
    figure({ what: `worker RSS growth ${first?.waiting} → ${last?.waiting} waiting`, unit: '%', product: growth, target: { id: 'B4', limit: 10, at: 'most' } }),
    ...readings.flatMap((r) => [
      figure({ what: `worker RSS, ${r.waiting} waiting`, unit: 'MB', product: r.workerRssMb }),
      figure({ what: `worker RSS after a full GC of every thread, ${r.waiting} waiting`, unit: 'MB', product: r.workerRssAfterGcMb }),
      ...threadHeapFigures('', r.workerThreadHeapsMb, r.waiting),
      figure({ what: `background workflow tasks/s, ${r.waiting} waiting`, unit: '/s', product: r.backgroundPerSecond.workflowTasks }),
      figure({ what: `background activities/s, ${r.waiting} waiting`, unit: '/s', product: r.backgroundPerSecond.activities + r.backgroundPerSecond.localActivities }),
      ...Object.entries(r.idleCpuPercent).map(([name, percent]) => figure({ what: `idle CPU of ${name}, ${r.waiting} waiting`, unit: '%', product: percent })),
      figure({ what: `reconciliation sweep reading all ${r.waiting} waiting`, unit: 's', product: r.sweep.seconds }),
      check('B4', `payments the sweep nudged though none moved, ${r.waiting} waiting`, r.sweep.report?.nudged ?? null),
      ...Object.entries(r.sweep.cpuMsPerPayment).map(([name, ms]) => figure({ what: `sweep CPU of ${name} per waiting payment, ${r.waiting} waiting`, unit: 'ms', product: ms })),
      figure({ what: `worker RSS after the sweep, ${r.waiting} waiting`, unit: 'MB', product: r.sweep.workerRssAfterMb }),
      figure({ what: `worker RSS after the sweep and a full GC of every thread, ${r.waiting} waiting`, unit: 'MB', product: r.sweep.workerRssAfterGcMb }),
      ...threadHeapFigures('after the sweep, ', r.sweep.workerThreadHeapsAfterGcMb, r.waiting),
    ]),
  ];
  const heapLimit = mb((await askMemoryUsage(worker.child, { gc: false }).catch(() => undefined))?.heapSizeLimit);
  return {
    scenario: 'waiting',
    figures,
    latencyMs: {},
    errors,
    details: {
      maxCachedWorkflows: DEFAULT_WORKER_TUNING.maxCachedWorkflows,
      workerMaxOldSpaceSizeMb: ctx.options.workerHeapMb,
      workerHeapSizeLimitMb: heapLimit,
      idleSeconds: ctx.options.idleSeconds,
      readings,
    },
  };
}

/** Runs one sweep on the product's worker, as its schedule would, but reading every waiting payment whatever its age. */
async function sweepAll(ctx: BenchContext, size: number, worker: RoleProcess): Promise<SweepReading> {
  const { taskQueue, productClient } = ctx.stack;
  const cpuBefore = await cpuSnapshot(ctx.pids);
  const started = performance.now();
  const report = await productClient.workflow.execute(reconciliationSweepWorkflow, {
    taskQueue,
    workflowId: `bench-${ctx.run}-sweep-${size}`,
    args: [{ taskQueue, sweepEveryMs: 1, longestIntervalMs: 365 * 24 * 3_600_000 }],
  });
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  const spent: Record<string, number> = {};
  addCpu(spent, cpuBefore, await cpuSnapshot(ctx.pids));
  if (report.waiting !== size || report.read !== size) throw new Error(`the sweep listed ${report.waiting} and read ${report.read} of ${size} waiting`);
  const workerRssAfterMb = mb((await readProcMemory(worker.pid))?.rss);
  const afterGc = await askMemoryUsage(worker.child, { gc: true }).catch(() => undefined);
  return {
    seconds,
    report,
    cpuMsPerPayment: Object.fromEntries(Object.entries(spent).map(([name, s]) => [name, Math.round((s * 1e5) / size) / 100])),
    workerRssAfterMb,
    workerRssAfterGcMb: afterGc ? mb((await readProcMemory(worker.pid))?.rss) : null,
    workerThreadHeapsAfterGcMb: threadHeapsMb(afterGc),
  };
}

/** The main thread first, then Temporal's workflow thread(s). */
function threadHeapFigures(prefix: string, heaps: ThreadHeapMb[], waiting: number): Figure[] {
  return heaps.map((t, i) =>
    figure({ what: `${prefix}worker ${i === 0 ? 'main thread' : `thread ${t.threadId}`} live heap (of ${t.totalMb} MB held), ${waiting} waiting`, unit: 'MB', product: t.usedMb }),
  );
}

function threadHeapsMb(probed: ProbedMemory | undefined): ThreadHeapMb[] {
  return (probed?.threads ?? []).map((t) => ({
    threadId: t.threadId,
    usedMb: mb(t.used),
    totalMb: mb(t.total),
    spacesMb: Object.fromEntries(Object.entries(t.spaces).map(([name, bytes]) => [name, mb(bytes)])),
  }));
}

function mb(bytes: number | null | undefined): number | null {
  return bytes === null || bytes === undefined || Number.isNaN(bytes) ? null : Math.round((bytes / MB) * 10) / 10;
}
