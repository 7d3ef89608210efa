/**
 * Loaded into each benchmarked process with `--import` (the product's own code is untouched): answers the
 * benchmark's `{ type: 'memory' }` over the IPC channel with `process.memoryUsage()` and the V8 heap of every
 * thread, after a full GC in each when asked (the process runs with --expose-gc), so "heap" means live objects
 * rather than garbage not yet collected.
 *
 * Plain JavaScript on purpose: Node passes --import on to worker threads (Temporal runs workflows in one),
 * where no TypeScript loader is registered. The main thread answers the benchmark; every other thread answers
 * the main thread over a BroadcastChannel, since the probe holds no handle on the threads the SDK starts.
 */
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { BroadcastChannel, isMainThread, threadId } from 'node:worker_threads';

const CHANNEL = 'bench-memory-probe';
/** How long the main thread waits for other threads; a thread busy with a workflow task answers after it. */
const THREAD_ANSWER_MS = 2_000;

const heapOf = () => {
  const h = getHeapStatistics();
  // Space by space (new, old, code, large objects…): which part of the heap V8 holds on to.
  const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.space_size]));
  return { threadId, used: h.used_heap_size, total: h.total_heap_size, limit: h.heap_size_limit, external: h.external_memory, spaces };
};

if (isMainThread && process.send) {
  process.on('message', (message) => {
    if (message?.type !== 'memory') return;
    void answer(Boolean(message.gc));
  });
  // Listening refs the channel; the product decides when it exits, not the probe.
  process.channel?.unref();
} else if (!isMainThread) {
  const channel = new BroadcastChannel(CHANNEL);
  channel.unref();
  channel.onmessage = ({ data }) => {
    if (data?.type !== 'ask') return;
    if (data.gc && typeof globalThis.gc === 'function') globalThis.gc();
    channel.postMessage({ type: 'heap', askId: data.askId, heap: heapOf() });
  };
}

async function answer(gc) {
  const threads = await askThreads(gc);
  if (gc && typeof globalThis.gc === 'function') globalThis.gc();
  process.send?.({
    type: 'memory',
    usage: { ...process.memoryUsage(), heapSizeLimit: getHeapStatistics().heap_size_limit, threads: [heapOf(), ...threads] },
  });
}

function askThreads(gc) {
  const channel = new BroadcastChannel(CHANNEL);
  const askId = `${Date.now()}-${Math.random()}`;
  const heaps = [];
  return new Promise((resolve) => {
    channel.onmessage = ({ data }) => {
      if (data?.type === 'heap' && data.askId === askId) heaps.push(data.heap);
    };
    channel.postMessage({ type: 'ask', askId, gc });
    setTimeout(() => {
      channel.close();
      resolve(heaps);
    }, THREAD_ANSWER_MS);
  });
}
