/**
 * `npm run bench`: the product's speed and memory measured against floors — the least the same Temporal
 * server, simulator and express stack could do the same job in — in the same run, interleaved round by round.
 *
 *   npm run bench -- --scenario all --rounds 3 --rate 20 --waiting 1000,10000 --expiring 10000
 *
 * Starts its own stack (bench/bench-stack.ts: a Temporal dev server unless --temporal-address, the simulator,
 * the product's API and worker as production-like processes, and the floor process), runs each scenario
 * (bench/scenarios/), prints every figure beside its floor with the targets (PASS/FAIL), writes
 * JSON to --out, then stops everything it started. Exit code 1 when a target fails or anything went wrong.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_WORKER_TUNING } from '../worker/tuning.js';
import { createIntakeApi, type IntakeApi } from './clients/intake-api.js';
import { parseBenchArgs, USAGE, type BenchOptions, type Scenario } from './bench/args.js';
import { startBenchStack, type BenchStack } from './bench/bench-stack.js';
import type { BenchContext } from './bench/context.js';
import { closedLoop, type Operation } from './bench/drivers.js';
import type { ScenarioResult } from './bench/figures.js';
import { floorOperations, startFloorProcess, type FloorProcess } from './bench/floors/floors.js';
import { driveLoad, PAYMENT_AMOUNT } from './bench/load.js';
import { formatReport, type BenchReport } from './bench/report.js';
import { readRunInfo } from './bench/run-info.js';
import { expiringScenario } from './bench/scenarios/expiring.js';
import { intakeScenario } from './bench/scenarios/intake.js';
import { lifecycleScenario } from './bench/scenarios/lifecycle.js';
import { waitingScenario } from './bench/scenarios/waiting.js';
import { webhooksScenario } from './bench/scenarios/webhooks.js';

const SCENARIO_RUNNERS: Record<Scenario, (ctx: BenchContext) => Promise<ScenarioResult>> = {
  intake: intakeScenario,
  webhooks: webhooksScenario,
  lifecycle: lifecycleScenario,
  expiring: expiringScenario,
  waiting: waitingScenario,
};

export async function runBench(options: BenchOptions, log: (line: string) => void, signal?: AbortSignal): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const logDir = path.join(path.dirname(options.out), 'logs');
  const stack = await startBenchStack({ ...options, logDir, log, profileDir: options.profile ? path.join(logDir, 'profiles') : undefined });
  let floorProcess: FloorProcess | undefined;
  try {
    const info = await readRunInfo(stack.temporal.client, stack.temporal.kind);
    const api = createIntakeApi({ apiUrl: stack.apiUrl, apiKey: stack.apiKey, timeoutMs: 30_000 });
    const run = randomBytes(4).toString('hex');
    const fixedBody = await warmUpProduct(stack, api, options, run, log);
    log('starting the floor process (floor worker with the product worker options, and F-HTTP)');
    floorProcess = await startFloorProcess({
      address: stack.temporal.address,
      namespace: stack.temporal.namespace,
      apiKey: stack.apiKey,
      fixedBody,
      logLevel: options.logLevel,
      logDir,
      workDir: stack.workDir,
    });
    const floors = floorOperations(stack.temporal.client, floorProcess.taskQueue, stack.wooshpay, createIntakeApi({ apiUrl: floorProcess.httpUrl, apiKey: stack.apiKey }));
    const pids = new Map<string, number>([...stack.roles.map((r) => [r.name, r.pid] as const), ['floors', floorProcess.role.pid]]);
    if (stack.temporalPid) pids.set('temporal', stack.temporalPid);
    const ctx: BenchContext = { options, stack, api, floors, floorProcess, pids, run, log, signal };
    await warmUpFloors(ctx);

    const scenarios: ScenarioResult[] = [];
    for (const name of options.scenarios) {
      if (signal?.aborted) throw new BenchInterrupted('interrupted; no report written');
      log(`scenario ${name}`);
      scenarios.push(await unlessInterrupted(SCENARIO_RUNNERS[name](ctx), signal));
    }
    return {
      ...info,
      startedAt,
      finishedAt: new Date().toISOString(),
      options,
      settings: {
        temporal: { kind: stack.temporal.kind, address: stack.temporal.address, namespace: stack.temporal.namespace },
        workerTuning: { ...DEFAULT_WORKER_TUNING },
        workerMaxOldSpaceSizeMb: options.workerHeapMb,
        runtime: options.runtime,
      },
      scenarios,
      targets: scenarios.flatMap((s) => s.figures.flatMap((f) => (f.target ? [{ id: f.target.id, what: f.what, rule: f.target.rule, pass: f.target.pass }] : []))),
      errors: scenarios.flatMap((s) => s.errors.map((e) => `${s.scenario}: ${e}`)),
    };
  } finally {
    log('stopping the benchmark stack');
    await floorProcess?.close().catch((err: unknown) => log(`stopping the floor process: ${(err as Error).message}`));
    await stack.close();
  }
}

/** One payment whose answer becomes F-HTTP's fixed body, then `--warmup` whole lives (connections, JIT, caches). */
async function warmUpProduct(stack: BenchStack, api: IntakeApi, options: BenchOptions, run: string, log: (line: string) => void) {
  const key = `bench-${run}-fixed-body`;
  const { payment } = await api.createPayment({ amount: PAYMENT_AMOUNT, currency: 'IDR', return_url: 'https://shop.example/return', merchant_order_id: key }, key);
  await api.cancel(payment.id, 'benchmark warm-up');
  if (options.warmup > 0) {
    log(`warming the product up with ${options.warmup} payments`);
    const warm = await driveLoad(api, stack.receiver, {
      payments: options.warmup,
      concurrency: Math.min(options.concurrency, options.warmup),
      refunds: false,
      stepTimeoutMs: 60_000,
      startDeadline: Number.POSITIVE_INFINITY,
      keyPrefix: `bench-${run}-warmup`,
    });
    const failed = warm.samples.filter((s) => s.error);
    if (failed.length) log(`warm-up: ${failed.length} failed, first: ${failed[0].error!.stage}: ${failed[0].error!.message}`);
  }
  return payment;
}

async function warmUpFloors({ options, floors, log }: BenchContext): Promise<void> {
  const n = Math.max(options.warmup, 1);
  log(`warming the floors up with ${n} of each`);
  for (const op of [floors.sim, floors.http, floors.uws(false), floors.uws(true), floors.life] as Operation<unknown>[]) await closedLoop(n, Math.min(n, 5), (i) => op(900_000 + i));
}

export async function saveReport(report: BenchReport, out: string): Promise<void> {
  await mkdir(path.dirname(path.resolve(out)), { recursive: true });
  await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
}

export class BenchInterrupted extends Error {
  override readonly name = 'BenchInterrupted';
}

/** An interrupted run has nothing honest to report: it goes straight to stopping everything. */
function unlessInterrupted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new BenchInterrupted('interrupted; no report written'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    options = parseBenchArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\nusage: ${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const log = (line: string) => process.stderr.write(`bench ${new Date().toISOString().slice(11, 19)}: ${line}\n`);
  // Ctrl-C (or SIGTERM) abandons the load and still tears the stack down; a second one gives up at once.
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping everything`);
      stop.abort();
      process.once(signal, () => process.exit(130));
    });
  }

  let report: BenchReport;
  try {
    report = await runBench(options, log, stop.signal);
  } catch (err) {
    if (!(err instanceof BenchInterrupted)) throw err;
    log(err.message);
    process.exitCode = 130;
    return;
  }
  await saveReport(report, options.out);
  process.stdout.write(formatReport(report));
  process.stdout.write(`written to ${options.out}\n`);
  if (report.errors.length || report.targets.some((t) => t.pass === false)) process.exitCode = 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  });
}
