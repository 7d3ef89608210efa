/**
 * `npm run bench`: the product's speed and memory, measured rather than guessed, on this machine.
 *
 *   npm run bench -- --payments 200 --concurrency 20 [--refunds]
 *
 * Starts its own stack (bench/bench-stack.ts: a Temporal dev server, the simulator, and the API and worker as
 * production-like processes on random loopback ports), drives payments through the intake API, prints a table
 * and writes bench-results/latest.json, then stops everything it started. The figures are what one API and
 * one worker do beside a dev server and the load itself on the same cores: compare runs on one machine, not
 * against a production cluster.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBenchArgs, USAGE, type BenchOptions } from './bench/args.js';
import { startBenchStack, type BenchStack } from './bench/bench-stack.js';
import { driveLoad, verifyPayments, type LoadResult } from './bench/load.js';
import { readCpuSeconds, readMachineBusySeconds } from './bench/cpu.js';
import { askMemoryUsage, readProcMemory, RssSampler } from './bench/memory.js';
import { formatReport, type BenchReport, type RoleMemory } from './bench/report.js';
import { summarize } from './bench/stats.js';
import { createIntakeApi } from './clients/intake-api.js';

/** Longest wait for one notification; a payment normally completes in well under a second. */
const STEP_TIMEOUT_MS = 60_000;
const MB = 1024 * 1024;

export async function runBench(options: BenchOptions, log: (line: string) => void, signal?: AbortSignal): Promise<BenchReport> {
  const startedAt = new Date();
  const stack = await startBenchStack({
    runtime: options.runtime,
    logLevel: options.logLevel,
    logDir: path.join(path.dirname(options.out), 'logs'),
    log,
  });
  try {
    const api = createIntakeApi({ apiUrl: stack.apiUrl, apiKey: stack.apiKey, timeoutMs: 30_000 });
    const load = (payments: number, seconds: number) =>
      driveLoad(api, stack.receiver, {
        payments,
        concurrency: options.concurrency,
        refunds: options.refunds,
        stepTimeoutMs: STEP_TIMEOUT_MS,
        startDeadline: performance.now() + seconds * 1000,
        signal,
      });

    if (options.warmup > 0) {
      log(`warming up with ${options.warmup} payments`);
      const warm = await unlessInterrupted(load(options.warmup, 120), signal);
      const failed = warm.samples.filter((s) => s.error);
      if (failed.length) log(`warm-up: ${failed.length} failed, first: ${failed[0].error!.stage}: ${failed[0].error!.message}`);
    }
    const loadAverageBeforeLoad = os.loadavg();
    const before = await measureMemory(stack);
    const pids = new Map([...stack.roles.map((r) => [r.name, r.pid] as const), ...(stack.temporalPid ? [['temporal', stack.temporalPid] as const] : [])]);
    const sampler = new RssSampler(pids);
    log(`driving ${options.payments} payments, ${options.concurrency} at a time${options.refunds ? ', each refunded by half' : ''}`);
    const cpuBefore = await measureCpu(pids);
    sampler.start();
    const result = await unlessInterrupted(load(options.payments, options.maxSeconds), signal).finally(() => sampler.stop());
    const cpu = cpuSpent(cpuBefore, await measureCpu(pids));
    const after = await measureMemory(stack);
    log('reading every payment back');
    const verification = await verifyPayments(api, result.samples, options.refunds, options.concurrency);

    return buildReport({ options, startedAt, loadAverageBeforeLoad, result, verification, before, after, cpu, peaks: sampler.peaks, duplicates: stack.receiver.duplicates });
  } finally {
    log('stopping the benchmark stack');
    await stack.close();
  }
}

export class BenchInterrupted extends Error {
  override readonly name = 'BenchInterrupted';
}

/**
 * An interrupted run has nothing honest to report (Ctrl-C also reaches the stack's processes), so it does not
 * wait for the payments under way: it goes straight to stopping everything.
 */
function unlessInterrupted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new BenchInterrupted('interrupted; no report written'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Names in the report: the processes as a reader knows them. */
function label(name: string): string {
  return ({ temporal: 'temporal dev server', bench: 'bench (load + simulator)' } as Record<string, string>)[name] ?? name;
}

type MemorySnapshot = Map<string, { rss: number | null; rssPeak: number | null; heapUsed: number | null }>;

async function measureMemory(stack: BenchStack): Promise<MemorySnapshot> {
  const snapshot: MemorySnapshot = new Map();
  for (const role of stack.roles) {
    const usage = await askMemoryUsage(role.child, { gc: true }).catch(() => undefined);
    const proc = await readProcMemory(role.pid);
    snapshot.set(role.name, { rss: proc?.rss ?? usage?.rss ?? null, rssPeak: proc?.rssPeak ?? null, heapUsed: usage?.heapUsed ?? null });
  }
  if (stack.temporalPid) {
    const proc = await readProcMemory(stack.temporalPid);
    snapshot.set('temporal', { rss: proc?.rss ?? null, rssPeak: proc?.rssPeak ?? null, heapUsed: null });
  }
  return snapshot;
}

/** CPU seconds used so far by each watched process, and by this one (load, simulator, notification endpoint). */
async function measureCpu(pids: ReadonlyMap<string, number>): Promise<Map<string, number | null>> {
  const seconds = new Map<string, number | null>();
  for (const [name, pid] of pids) seconds.set(name, await readCpuSeconds(pid));
  const self = process.cpuUsage();
  seconds.set('bench', (self.user + self.system) / 1e6);
  seconds.set('machine', await readMachineBusySeconds());
  return seconds;
}

function cpuSpent(before: Map<string, number | null>, after: Map<string, number | null>): Map<string, number | null> {
  const spent = new Map<string, number | null>();
  for (const [name, start] of before) {
    const end = after.get(name);
    spent.set(name, start === null || end === null || end === undefined ? null : Math.round((end - start) * 100) / 100);
  }
  return spent;
}

function buildReport(input: {
  options: BenchOptions;
  startedAt: Date;
  loadAverageBeforeLoad: number[];
  result: LoadResult;
  verification: string[];
  before: MemorySnapshot;
  after: MemorySnapshot;
  cpu: Map<string, number | null>;
  peaks: ReadonlyMap<string, number>;
  duplicates: number;
}): BenchReport {
  const { options, result } = input;
  const ok = result.samples.filter((s) => !s.error);
  const failed = result.samples.filter((s) => s.error);
  const byStage: Record<string, number> = {};
  for (const s of failed) byStage[s.error!.stage] = (byStage[s.error!.stage] ?? 0) + 1;
  const values = (pick: (s: (typeof ok)[number]) => number | undefined) => ok.map(pick).filter((v): v is number => v !== undefined);
  const mb = (bytes: number | null | undefined) => (bytes === null || bytes === undefined || Number.isNaN(bytes) ? null : Math.round((bytes / MB) * 10) / 10);

  const memoryMb: Record<string, RoleMemory> = {};
  for (const [name, before] of input.before) {
    const after = input.after.get(name);
    memoryMb[label(name)] = {
      rssBefore: mb(before.rss),
      rssAfter: mb(after?.rss),
      rssPeakDuringLoad: mb(input.peaks.get(name)),
      rssHighWaterMark: mb(after?.rssPeak),
      heapUsedBefore: mb(before.heapUsed),
      heapUsedAfter: mb(after?.heapUsed),
    };
  }
  const cpus = os.cpus();
  return {
    startedAt: input.startedAt.toISOString(),
    options,
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      memoryGb: Math.round(os.totalmem() / 1024 ** 3),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      loadAverageBeforeLoad: input.loadAverageBeforeLoad.map((l) => Math.round(l * 100) / 100),
    },
    payments: { requested: options.payments, completed: ok.length, failed: failed.length, notStarted: result.notStarted, warmup: options.warmup },
    wallSeconds: Math.round(result.wallMs / 100) / 10,
    throughputPerSecond: Math.round((ok.length / (result.wallMs / 1000)) * 100) / 100,
    latencyMs: {
      intake: summarize(values((s) => s.intakeMs)),
      succeeded: summarize(values((s) => s.succeededMs)),
      notified: summarize(values((s) => s.notifiedMs)),
      refundIntake: summarize(values((s) => s.refundIntakeMs)),
      refundSettled: summarize(values((s) => s.refundSettledMs)),
    },
    errors: {
      total: failed.length,
      byStage,
      examples: failed.slice(0, 5).map((s) => `${s.error!.stage}: ${s.error!.message}`),
      verification: input.verification,
    },
    duplicateNotifications: input.duplicates,
    memoryMb,
    cpuSecondsDuringLoad: Object.fromEntries([...input.cpu].filter(([name]) => name !== 'machine').map(([name, seconds]) => [label(name), seconds])),
    machineBusyCpuSeconds: input.cpu.get('machine') ?? null,
    cpuSecondsAvailable: Math.round(cpus.length * (result.wallMs / 1000) * 10) / 10,
  };
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
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
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
  await mkdir(path.dirname(path.resolve(options.out)), { recursive: true });
  await writeFile(options.out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(formatReport(report));
  process.stdout.write(`written to ${options.out}\n`);
  const { errors, payments } = report;
  if (errors.total || errors.verification.length || payments.notStarted) process.exitCode = 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  });
}
