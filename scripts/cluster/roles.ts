/**
 * The product's two roles as processes of their own, exactly as `npm run worker` and `npm run api` run them
 * (tsx over the sources), each with its own log file, ready only once it serves: an API replica when GET
 * /readyz answers 200, a worker when the Temporal server lists it among the task queue's pollers.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { ManagedProcess, waitFor } from './managed-process.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const READY_TIMEOUT_MS = 120_000;

export type RoleKind = 'api' | 'worker';

export interface Role {
  kind: RoleKind;
  name: string;
  process: ManagedProcess;
  /** The replica's base URL (API only). */
  url?: string;
  /** Starts it (again) and waits until it serves. */
  start(): Promise<void>;
  stop(): Promise<string>;
}

export interface RoleOptions {
  kind: RoleKind;
  /** 1-based: api-1 listens on PORT, api-2 on PORT + 1; worker-1 serves metrics on METRICS_PORT, … */
  index: number;
  env: Record<string, string | undefined>;
  clusterDir: string;
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
}

export function productRole(options: RoleOptions): Role {
  const { kind, index, env } = options;
  const name = `${kind}-${index}`;
  const process_ = new ManagedProcess({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', path.join(repoRoot, kind, 'main.ts')],
    env,
    cwd: repoRoot,
    logFile: path.join(options.clusterDir, 'logs', `${name}.log`),
    // Both roles drain on SIGINT: the API stops accepting and finishes its requests, the worker its tasks.
    stopSignal: 'SIGINT',
  });
  const url = kind === 'api' ? `http://${env.HOST ?? '127.0.0.1'}:${env.PORT}` : undefined;
  const ready =
    kind === 'api'
      ? () => apiReady(url!)
      : () => workerPolling(options.temporalAddress, options.namespace, options.taskQueue, process_.pid);
  return {
    kind,
    name,
    process: process_,
    url,
    async start() {
      await process_.start();
      await waitFor(`${name} to be ready`, ready, { timeoutMs: READY_TIMEOUT_MS, process: process_, intervalMs: 500 });
    },
    stop: () => process_.stop(),
  };
}

async function apiReady(url: string): Promise<boolean> {
  const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(3_000) });
  return response.status === 200;
}

/** The SDK names a worker `<pid>@<host>` unless told otherwise. */
async function workerPolling(address: string, namespace: string, taskQueue: string, pid: number | undefined): Promise<boolean> {
  if (pid === undefined) return false;
  const connection = await Connection.connect({ address, connectTimeout: 2_000 });
  try {
    const { pollers } = await connection.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: 1, // TASK_QUEUE_TYPE_WORKFLOW
    });
    return (pollers ?? []).some((p) => p.identity?.startsWith(`${pid}@`));
  } finally {
    await connection.close();
  }
}
