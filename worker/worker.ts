import { fileURLToPath } from 'node:url';
import { type NativeConnection, Worker, type WorkerOptions, type WorkflowBundleOption } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import type { PaymentActivities } from '../activities/types.js';
import { workflowBundleOptions } from './bundle-options.js';
import { DEFAULT_WORKER_TUNING, type WorkerTuning, workerOptionsFor } from './tuning.js';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.js', import.meta.url));

export interface PaymentWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: PaymentActivities;
  /** A prebuilt bundle (production images, tests bundling once per file); otherwise bundled at start. */
  workflowBundle?: WorkflowBundleOption;
  /** Grace period for in-flight activities on shutdown before they are cancelled. */
  shutdownGraceTime?: string;
  tuning?: WorkerTuning;
  /** The encrypting converter (codec/data-converter.ts); unset: payloads in clear. */
  dataConverter?: DataConverter;
}

export async function createPaymentWorker(options: PaymentWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : bundledAtStart()),
    shutdownGraceTime: options.shutdownGraceTime ?? '20 seconds',
    ...(options.dataConverter && { dataConverter: options.dataConverter }),
    ...workerOptionsFor(options.tuning ?? DEFAULT_WORKER_TUNING),
  });
}

/** Under tsx or jest the sources are TypeScript; compiled, they are JavaScript next to this file. */
function bundledAtStart(): Pick<WorkerOptions, 'workflowsPath' | 'bundlerOptions'> {
  const { preloadModules, ...path } = workflowBundleOptions(
    import.meta.url.endsWith('.ts') ? workflowsPath.replace(/\.js$/, '.ts') : workflowsPath,
  );
  return { ...path, bundlerOptions: { preloadModules } };
}
