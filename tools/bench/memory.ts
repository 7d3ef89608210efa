/**
 * Memory of the benchmarked processes, read from outside: resident set size and its high-water mark from
 * /proc (Linux), and V8 heap figures from the memory probe inside each Node process.
 */
import type { ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';

export interface ProcMemory {
  /** Resident set size now, bytes. */
  rss: number;
  /** Highest resident set size since the process started, bytes. */
  rssPeak: number;
}

export async function readProcMemory(pid: number): Promise<ProcMemory | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
    return { rss: kib('VmRSS'), rssPeak: kib('VmHWM') };
  } catch {
    return null; // not Linux, or the process is gone
  }
}

/** One thread's V8 heap as the probe reports it, bytes. */
export interface ThreadHeap {
  threadId: number;
  used: number;
  total: number;
  limit: number;
  external: number;
  /** Bytes V8 holds for each heap space, by its name. */
  spaces: Record<string, number>;
}

export type ProbedMemory = NodeJS.MemoryUsage & { heapSizeLimit: number; threads: ThreadHeap[] };

/** `process.memoryUsage()` of a forked child that loaded the memory probe, with the heap of each of its threads. */
export function askMemoryUsage(child: ChildProcess, { gc }: { gc: boolean }, timeoutMs = 10_000): Promise<ProbedMemory> {
  if (!child.connected) return Promise.reject(new Error(`process ${child.pid} has ended`));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`process ${child.pid} did not answer the memory probe in ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (message: { type?: string; usage?: ProbedMemory }) => {
      if (message?.type !== 'memory' || !message.usage) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message.usage);
    };
    child.on('message', onMessage);
    child.send({ type: 'memory', gc });
  });
}

/** A child of this process by its executable name (the Temporal dev server is started by the SDK's core). */
export async function findChildProcess(name: string): Promise<number | undefined> {
  const entries = await readdir('/proc').catch(() => [] as string[]);
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // "pid (comm) state ppid …"; comm may hold spaces, so split after its closing parenthesis.
    const match = /^\d+ \((.*)\) \S+ (\d+)/.exec(stat);
    if (match && match[1] === name && Number(match[2]) === process.pid) return Number(entry);
  }
  return undefined;
}
