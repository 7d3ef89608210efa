/**
 * B1, intake: `POST /v1/payments` → 201, at concurrency 1 and open loop at `--rate`, each round running every
 * floor then the product in the same mode. Target: p50 ≤ 1.25 × (F-UWS-LA + F-SIM), p99 ≤ 3 × its own p50.
 * The payments it creates are cancelled afterwards (untimed) so they do not wait in later scenarios.
 */
import { closedLoop, failures, latencies, openLoop, type DriveResult, type Operation, type Timed } from '../drivers.js';
import { figure, summarizeErrors, type Figure, type ScenarioResult } from '../figures.js';
import { readEvents, TaskPhases, updateWithStartTask } from '../history.js';
import { summarize } from '../stats.js';
import { addCpu, cpuPer, cpuSnapshot, PAYMENT_AMOUNT, type BenchContext } from '../context.js';
import { addObserved, emptySeries, meansMs, readTimedSeries, type TimedSeries } from '../worker-metrics.js';

export async function intakeScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const { options, floors, api } = ctx;
  const created: string[] = [];
  const subjects: [string, Operation<unknown>][] = [
    ['F-SIM', floors.sim],
    ['F-HTTP', floors.http],
    ['F-UWS0', floors.uws(false)],
    ['F-UWS-LA', floors.uws(true)],
    [
      'product',
      async (index) => {
        const key = `bench-${ctx.run}-intake-${index}`;
        const { status, payment } = await api.createPayment(
          { amount: PAYMENT_AMOUNT, currency: 'IDR', return_url: 'https://shop.example/return', merchant_order_id: key },
          key,
        );
        created.push(payment.id);
        if (status !== 201 || !payment.redirect_url) throw new Error(`answered ${status} (${payment.status}) to a new key`);
        return payment.id;
      },
    ],
  ];
  const modes: [string, (n: number, op: Operation<unknown>) => Promise<DriveResult<unknown>>][] = [
    ['concurrency 1', (n, op) => closedLoop(n, 1, op, ctx.signal)],
    [`open loop ${options.rate}/s`, (n, op) => openLoop(n, options.rate, op, ctx.signal)],
  ];

  const samples = new Map<string, number[]>();
  /** CPU seconds per process while each subject ran, by subject and mode ("bench" holds the simulator). */
  const cpu = new Map<string, Record<string, number>>();
  /** What the product worker's histograms observed during the product's runs only, by mode. */
  const worker = new Map<string, TimedSeries>();
  /** The runs whose histories show where their time went: F-UWS-LA and the product, by subject and mode. */
  const traced = new Map<string, Timed<unknown>[]>();
  const errors: string[] = [];
  let batch = 0;
  for (let round = 1; round <= options.rounds; round++) {
    for (const [mode, drive] of modes) {
      ctx.log(`intake round ${round}/${options.rounds}, ${mode}: floors then product, ${options.intake} each`);
      for (const [name, op] of subjects) {
        const offset = ++batch * 100_000;
        const key = `${name} · ${mode}`;
        const before = await cpuSnapshot(ctx.pids);
        const seriesBefore = name === 'product' ? await readTimedSeries(ctx.stack.workerMetricsUrl) : null;
        const result = await drive(options.intake, (i) => op(offset + i));
        addCpu(cpu.get(key) ?? cpu.set(key, {}).get(key)!, before, await cpuSnapshot(ctx.pids));
        if (seriesBefore) worker.set(mode, addObserved(worker.get(mode) ?? emptySeries(), seriesBefore, await readTimedSeries(ctx.stack.workerMetricsUrl)));
        samples.set(key, [...(samples.get(key) ?? []), ...latencies(result)]);
        if (TRACED.includes(name) && mode === 'concurrency 1') traced.set(key, [...(traced.get(key) ?? []), ...result.runs.filter((r) => typeof r.value === 'string')]);
        errors.push(...summarizeErrors(`intake ${key} round ${round}`, failures(result)));
      }
    }
  }
  await cancelAll(ctx, created, errors);

  const latencyMs = Object.fromEntries([...samples].map(([key, values]) => [key, summarize(values)]));
  for (const [key, runs] of traced) Object.assign(latencyMs, (await phasesOf(ctx, runs, errors)).phases(key));
  const figures: Figure[] = [];
  for (const [mode] of modes) {
    const at = (name: string) => latencyMs[`${name} · ${mode}`];
    const product = at('product');
    const floorSum = at('F-UWS-LA') && at('F-SIM') ? at('F-UWS-LA')!.p50 + at('F-SIM')!.p50 : null;
    figures.push(
      figure({ what: `intake p50, ${mode}`, unit: 'ms', product: product?.p50, floor: { name: 'F-UWS-LA + F-SIM', value: floorSum }, target: { id: 'B1', limit: 1.25, at: 'most' } }),
      figure({ what: `intake p99, ${mode}`, unit: 'ms', product: product?.p99, floor: { name: 'own p50', value: product?.p50 }, target: { id: 'B1', limit: 3, at: 'most' } }),
      figure({ what: `intake p50 vs F-HTTP, ${mode}`, unit: 'ms', product: product?.p50, floor: { name: 'F-HTTP', value: at('F-HTTP')?.p50 } }),
      figure({ what: `intake p50 vs F-UWS0, ${mode}`, unit: 'ms', product: product?.p50, floor: { name: 'F-UWS0', value: at('F-UWS0')?.p50 } }),
    );
  }
  const details = {
    samplesPerRoundAndSubject: options.intake,
    rate: options.rate,
    cancelledAfterwards: created.length,
    cpuMsPerRequest: Object.fromEntries([...cpu].map(([key, spent]) => [key, cpuPer(spent, options.intake * options.rounds)])),
    // Where the product's intake goes inside the worker (means over the product's runs, from its SDK metrics).
    productWorkerMeansMs: Object.fromEntries([...worker].map(([mode, observed]) => [mode, meansMs(observed)])),
  };
  return { scenario: 'intake', figures, latencyMs, errors, details };
}

/**
 * The subjects whose workflow task is read from history, at concurrency 1 (where a run starts when it is
 * scheduled, so its wall start and its duration give its answer time): the floor the target names, and the product.
 */
const TRACED = ['F-UWS-LA', 'product'];

/**
 * Sent → the start in history → the task that answered the update started and completed → the caller has its
 * answer. Each side's phases, beside each other, say where the product's extra time is: the API before the start
 * reaches Temporal, the task itself (its local activity included), or the answer's way back.
 */
async function phasesOf(ctx: BenchContext, runs: Timed<unknown>[], errors: string[]): Promise<TaskPhases> {
  const phases = new TaskPhases();
  for (const run of runs) {
    const task = updateWithStartTask(await readEvents(ctx.stack.temporal.client, run.value as string));
    if (task) phases.add(run.startedAtWall, task, run.startedAtWall + run.ms);
    else errors.push(`intake: no task accepted the update in ${String(run.value)}'s history`);
  }
  return phases;
}

async function cancelAll(ctx: BenchContext, ids: string[], errors: string[]): Promise<void> {
  ctx.log(`cancelling the ${ids.length} intake payments (untimed)`);
  const result = await closedLoop(ids.length, 10, (i) => ctx.api.cancel(ids[i], 'benchmark intake payment'));
  errors.push(...summarizeErrors('cancelling intake payments', failures(result)));
}
