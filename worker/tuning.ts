/**
 * Worker tuning, shared by the product worker and the benchmark's floor workers so that both run under the
 * same options (a floor measured with other options would not be a floor).
 *
 * The sticky cache holds open payments between their workflow tasks; past it, a task replays the payment's
 * history. Each cached payment costs about 75 KB of the workflow thread's heap (docs/design.md, "Waiting at
 * scale"), so the cache size and the heap limit are chosen together (see the README's operating part).
 */
import type { WorkerOptions } from '@temporalio/worker';

export interface WorkerTuning {
  maxCachedWorkflows: number;
  maxConcurrentWorkflowTaskExecutions: number;
  maxConcurrentActivityTaskExecutions: number;
  maxConcurrentLocalActivityExecutions: number;
}

export const DEFAULT_WORKER_TUNING: WorkerTuning = {
  maxCachedWorkflows: 1000,
  maxConcurrentWorkflowTaskExecutions: 40,
  maxConcurrentActivityTaskExecutions: 100,
  maxConcurrentLocalActivityExecutions: 100,
};

/** The worker's V8 old-space limit (MB): the sticky cache above is sized against it. */
export const WORKER_HEAP_MB = 1024;

/** The Node flags the worker runs with (compose's NODE_OPTIONS says the same; a test holds them together). */
export function workerNodeFlags(heapMb: number = WORKER_HEAP_MB): string[] {
  return [`--max-old-space-size=${heapMb}`];
}

export function workerOptionsFor(tuning: WorkerTuning = DEFAULT_WORKER_TUNING): Partial<WorkerOptions> {
  return { ...tuning };
}
