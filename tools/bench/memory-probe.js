/**
 * Loaded into each benchmarked process with `--import` (the product's own code is untouched): answers the
 * benchmark's `{ type: 'memory' }` over the IPC channel with `process.memoryUsage()`, after a full GC when asked
 * (the process runs with --expose-gc), so "heap" means live objects rather than garbage not yet collected.
 *
 * Plain JavaScript on purpose: Node passes --import on to worker threads (Temporal runs workflows in one),
 * where no TypeScript loader is registered. Only the main thread answers.
 */
import { getHeapStatistics } from 'node:v8';
import { isMainThread } from 'node:worker_threads';

if (isMainThread && process.send) {
  process.on('message', (message) => {
    if (message?.type !== 'memory') return;
    if (message.gc && typeof globalThis.gc === 'function') globalThis.gc();
    process.send?.({ type: 'memory', usage: { ...process.memoryUsage(), heapSizeLimit: getHeapStatistics().heap_size_limit } });
  });
  // Listening refs the channel; the product decides when it exits, not the probe.
  process.channel?.unref();
}
