/** What every scenario gets: the options, the running stack, clients of it, the floors, and CPU accounting. */
import type { IntakeApi } from '../clients/intake-api.js';
import type { BenchOptions } from './args.js';
import type { BenchStack } from './bench-stack.js';
import { readCpuSeconds } from './cpu.js';
import type { FloorOperations, FloorProcess } from './floors/floors.js';

export interface BenchContext {
  options: BenchOptions;
  stack: BenchStack;
  api: IntakeApi;
  floors: FloorOperations;
  floorProcess: FloorProcess;
  /** Processes watched for CPU and memory, by name: api, worker, floors, temporal (when started here). */
  pids: ReadonlyMap<string, number>;
  /** Unique per run, for idempotency keys and workflow ids. */
  run: string;
  log: (line: string) => void;
  signal?: AbortSignal;
}

export { PAYMENT_AMOUNT } from './load.js';

/** CPU seconds used so far by each watched process and by this one ("bench": load, simulator, receiver). */
export async function cpuSnapshot(pids: ReadonlyMap<string, number>): Promise<Map<string, number | null>> {
  const seconds = new Map<string, number | null>();
  for (const [name, pid] of pids) seconds.set(name, await readCpuSeconds(pid));
  const self = process.cpuUsage();
  seconds.set('bench', (self.user + self.system) / 1e6);
  return seconds;
}

/** Adds the CPU spent between two snapshots into `into` (seconds per process). */
export function addCpu(into: Record<string, number>, before: Map<string, number | null>, after: Map<string, number | null>): void {
  for (const [name, start] of before) {
    const end = after.get(name);
    if (start === null || end === null || end === undefined) continue;
    into[name] = (into[name] ?? 0) + (end - start);
  }
}

/** Milliseconds of CPU per unit of work, per process. */
export function cpuPer(spent: Record<string, number>, units: number): Record<string, number> {
  return Object.fromEntries(Object.entries(spent).map(([name, s]) => [name, Math.round((s * 1000) / Math.max(units, 1))]));
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
