/**
 * Keeps the reconciliation sweep scheduled: one Temporal Schedule per task queue, created by whichever worker
 * starts first and brought in line with the configuration by every worker that starts after it. Operators see
 * it (and pause or trigger it) under Schedules in the Temporal UI.
 */
import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import type { ReconciliationSweepInput } from '../activities/types.js';
import type { reconciliationSweepWorkflow } from '../workflows/reconciliation-sweep.js';

export function reconciliationScheduleId(taskQueue: string): string {
  return `reconciliation-sweep:${taskQueue}`;
}

export async function ensureReconciliationSchedule(client: Client, input: ReconciliationSweepInput): Promise<void> {
  const scheduleId = reconciliationScheduleId(input.taskQueue);
  const spec = { intervals: [{ every: input.sweepEveryMs }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'reconciliationSweepWorkflow' as const,
    workflowId: scheduleId,
    taskQueue: input.taskQueue,
    args: [input] as Parameters<typeof reconciliationSweepWorkflow>,
  };
  // One sweep at a time; sweeps missed while the server was down are not worth running late, the next one comes.
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action, policies }));
  }
}

/**
 * Ensures the schedule in the background, trying again every `retryMs` until it is in place: a worker whose
 * server is briefly unreachable still starts, and still gets its safety net once the server answers.
 */
export function keepReconciliationScheduled(
  client: Client,
  input: ReconciliationSweepInput,
  onError: (err: unknown) => void,
  retryMs = 30_000,
): { stop(): void } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const attempt = () => {
    ensureReconciliationSchedule(client, input).catch((err: unknown) => {
      if (stopped) return;
      onError(err);
      timer = setTimeout(attempt, retryMs);
      timer.unref();
    });
  };
  attempt();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
