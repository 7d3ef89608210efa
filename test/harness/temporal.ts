/**
 * Per-file access to the run's shared dev server, plus the things every workflow test file needs:
 * a task queue of its own and a workflow bundle built once per file (bundling takes seconds).
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { workflowBundleOptions } from '../../worker/bundle-options.js';

let runtimeInstalled = false;

/** Quiet worker logs in tests (errors only: expected failures are asserted, not printed). */
export function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger(process.env.TEST_LOG_LEVEL === 'debug' ? 'DEBUG' : 'ERROR') });
  } catch {
    // Another file in this jest worker installed it already.
  }
}

export async function connectTestEnv(): Promise<TestWorkflowEnvironment> {
  const address = process.env.TEMPORAL_TEST_ADDRESS;
  if (!address) throw new Error('TEMPORAL_TEST_ADDRESS is unset: run tests through `npm test` (jest global setup).');
  installQuietRuntime();
  return TestWorkflowEnvironment.createFromExistingServer({
    address,
    namespace: process.env.TEMPORAL_TEST_NAMESPACE ?? 'default',
  });
}

export function uniqueTaskQueue(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export const workflowsPath = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));

export async function bundlePaymentWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ ...workflowBundleOptions(workflowsPath), logger: new DefaultLogger('WARN') });
}
