/**
 * B4, waiting: payments created and never paid (no webhooks), first the first size, then topped up to each
 * next size. At each size, once creation is over: worker RSS and live heap (after a full GC) at the stated
 * cache size and heap limit, then an idle window: CPU of every process and the workflow tasks/s (and
 * activities/s) the worker ran with nobody calling, i.e. what reconciliation polling costs.
 * Target: RSS(last) − RSS(first) ≤ 10 % of RSS(first).
 */
import { DEFAULT_WORKER_TUNING } from '../../../worker/tuning.js';
import { closedLoop, failures } from '../drivers.js';
import { figure, summarizeErrors, type Figure, type ScenarioResult } from '../figures.js';
import { askMemoryUsage, readProcMemory } from '../memory.js';
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
  workerThreadHeapsMb: { threadId: number; usedMb: number | null; totalMb: number | null; spacesMb: Record<string, number | null> }[];
  rssMb: Record<string, number | null>;
  idleCpuPercent: Record<string, number>;
  backgroundPerSecond: TaskCounts;
  /** Cumulative counts at the end of the window (shows the metrics were read at all). */
  tasksSinceWorkerStart: TaskCounts;
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
    readings.push({
      waiting: size,
      workerRssMb,
      workerRssAfterGcMb: mb((await readProcMemory(worker.pid))?.rss),
      workerHeapUsedMb: mb(usage?.heapUsed),
      workerThreadHeapsMb: (afterGc?.threads ?? []).map((t) => ({
        threadId: t.threadId,
        usedMb: mb(t.used),
        totalMb: mb(t.total),
        spacesMb: Object.fromEntries(Object.entries(t.spaces).map(([name, bytes]) => [name, mb(bytes)])),
      })),
      rssMb,
      idleCpuPercent: Object.fromEntries(Object.entries(spent).map(([name, s]) => [name, Math.round((s / ctx.options.idleSeconds) * 1000) / 10])),
      backgroundPerSecond: perSecond(tasksBefore, tasksAfter, ctx.options.idleSeconds),
      tasksSinceWorkerStart: tasksAfter,
    });
  }

  const [first, last] = [readings[0], readings[readings.length - 1]];
  const growth = first?.workerRssMb && last?.workerRssMb ? ((last.workerRssMb - first.workerRssMb) / first.workerRssMb) * 100 : null;
  const figures: Figure[] = [
    figure({ what: `worker RSS growth ${first?.waiting} → ${last?.waiting} waiting`, unit: '%', product: growth, target: { id: 'B4', limit: 10, at: 'most' } }),
    ...readings.flatMap((r) => [
      figure({ what: `worker RSS, ${r.waiting} waiting`, unit: 'MB', product: r.workerRssMb }),
      figure({ what: `worker RSS after a full GC of every thread, ${r.waiting} waiting`, unit: 'MB', product: r.workerRssAfterGcMb }),
      ...r.workerThreadHeapsMb.map((t, i) =>
        figure({ what: `worker ${i === 0 ? 'main thread' : `thread ${t.threadId}`} live heap (of ${t.totalMb} MB held), ${r.waiting} waiting`, unit: 'MB', product: t.usedMb }),
      ),
      figure({ what: `background workflow tasks/s, ${r.waiting} waiting`, unit: '/s', product: r.backgroundPerSecond.workflowTasks }),
      figure({ what: `background activities/s, ${r.waiting} waiting`, unit: '/s', product: r.backgroundPerSecond.activities + r.backgroundPerSecond.localActivities }),
      ...Object.entries(r.idleCpuPercent).map(([name, percent]) => figure({ what: `idle CPU of ${name}, ${r.waiting} waiting`, unit: '%', product: percent })),
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

function mb(bytes: number | null | undefined): number | null {
  return bytes === null || bytes === undefined || Number.isNaN(bytes) ? null : Math.round((bytes / MB) * 10) / 10;
}
