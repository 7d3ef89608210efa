/**
 * Load shapes. Closed loop: `concurrency` callers, each starting its next operation when the last one ended
 * (throughput at a given parallelism). Open loop: operations start on a fixed schedule, `rate` per second,
 * whether or not earlier ones finished; latency is counted from the scheduled start, so a stall shows up in
 * every operation it delayed (no coordinated omission).
 */
export interface Timed<T> {
  index: number;
  /** Milliseconds from the (scheduled) start to the end. */
  ms: number;
  /** Wall-clock start (Date.now()), for matching server-side timestamps. */
  startedAtWall: number;
  value?: T;
  error?: string;
}

export interface DriveResult<T> {
  runs: Timed<T>[];
  wallMs: number;
}

export type Operation<T> = (index: number) => Promise<T>;

async function timed<T>(index: number, scheduled: number, op: Operation<T>): Promise<Timed<T>> {
  const startedAtWall = Date.now();
  try {
    const value = await op(index);
    return { index, ms: performance.now() - scheduled, startedAtWall, value };
  } catch (err) {
    return { index, ms: performance.now() - scheduled, startedAtWall, error: (err as Error).message };
  }
}

export async function closedLoop<T>(count: number, concurrency: number, op: Operation<T>, signal?: AbortSignal): Promise<DriveResult<T>> {
  const runs: Timed<T>[] = [];
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < count && !signal?.aborted) {
      const index = next++;
      runs.push(await timed(index, performance.now(), op));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, lane));
  return { runs, wallMs: performance.now() - started };
}

export async function openLoop<T>(count: number, ratePerSecond: number, op: Operation<T>, signal?: AbortSignal): Promise<DriveResult<T>> {
  const started = performance.now();
  const pending: Promise<Timed<T>>[] = [];
  for (let index = 0; index < count && !signal?.aborted; index++) {
    const scheduled = started + (index * 1000) / ratePerSecond;
    const wait = scheduled - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(timed(index, scheduled, op));
  }
  const runs = await Promise.all(pending);
  return { runs, wallMs: performance.now() - started };
}

/** Latencies of the operations that succeeded. */
export function latencies<T>(result: DriveResult<T> | Timed<T>[]): number[] {
  const runs = Array.isArray(result) ? result : result.runs;
  return runs.filter((r) => !r.error).map((r) => r.ms);
}

export function failures<T>(result: DriveResult<T> | Timed<T>[]): string[] {
  const runs = Array.isArray(result) ? result : result.runs;
  return runs.filter((r) => r.error).map((r) => r.error!);
}
