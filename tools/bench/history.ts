/**
 * "Applied" times read from a workflow's history, the same way for the product and the floors: a message sent
 * at wall time t is applied when the workflow task that handles it completes, i.e. the first
 * WorkflowTaskCompleted after the first WorkflowExecutionSignaled recorded at or after t (or, for an update, the
 * WorkflowTaskCompleted its acceptance belongs to). Server and bench read the same clock only when both run
 * on this machine, which `--temporal-address` on another host would break: the report says which was used.
 */
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time.js';
import { summarize } from './stats.js';

// temporal.api.enums.v1.EventType
const WORKFLOW_EXECUTION_STARTED = 1;
const WORKFLOW_TASK_STARTED = 6;
const WORKFLOW_TASK_COMPLETED = 7;
const WORKFLOW_EXECUTION_SIGNALED = 26;
const WORKFLOW_EXECUTION_UPDATE_ACCEPTED = 41;

interface HistoryEvent {
  type: number;
  timeMs: number;
}

export async function readEvents(client: Client, workflowId: string): Promise<HistoryEvent[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).map((e) => ({ type: Number(e.eventType), timeMs: tsToMs(e.eventTime) }));
}

/** When a message reached the history, and when the workflow task that applied it started and completed. */
export interface AppliedTask {
  recordedMs: number;
  startedMs: number;
  completedMs: number;
}

/**
 * For a workflow started by Update-with-Start: when the start reached the history, and the workflow task that
 * accepted the update (with a local activity in it, that task ran until the activity was done).
 */
export function updateWithStartTask(events: readonly HistoryEvent[]): AppliedTask | undefined {
  const start = events.find((e) => e.type === WORKFLOW_EXECUTION_STARTED);
  const accepted = events.findIndex((e) => e.type === WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
  if (!start || accepted < 0) return undefined;
  const completed = events.findLastIndex((e, i) => i <= accepted && e.type === WORKFLOW_TASK_COMPLETED);
  const started = events.findLastIndex((e, i) => i < completed && e.type === WORKFLOW_TASK_STARTED);
  if (completed < 0 || started < 0) return undefined;
  return { recordedMs: start.timeMs, startedMs: events[started].timeMs, completedMs: events[completed].timeMs };
}

/** For each send time (ascending), the task that applied it; undefined when not found. */
export function appliedTasks(events: readonly HistoryEvent[], sentAtWall: readonly number[]): (AppliedTask | undefined)[] {
  let from = 0;
  return sentAtWall.map((sent) => {
    // Wall clocks in ms against the server's ns: a millisecond of slack for rounding.
    const arrival = events.findIndex((e, i) => i >= from && e.timeMs >= sent - 1 && (e.type === WORKFLOW_EXECUTION_SIGNALED || e.type === WORKFLOW_EXECUTION_UPDATE_ACCEPTED));
    if (arrival < 0) return undefined;
    from = arrival + 1;
    const recordedMs = events[arrival].timeMs;
    // An update is accepted inside the task that applies it; a signal is applied by the next task to complete.
    const completed =
      events[arrival].type === WORKFLOW_EXECUTION_UPDATE_ACCEPTED
        ? events.findLastIndex((e, i) => i <= arrival && e.type === WORKFLOW_TASK_COMPLETED)
        : events.findIndex((e, i) => i > arrival && e.type === WORKFLOW_TASK_COMPLETED);
    if (completed < 0) return undefined;
    const started = events.findLastIndex((e, i) => i < completed && e.type === WORKFLOW_TASK_STARTED);
    return { recordedMs, startedMs: started < 0 ? events[completed].timeMs : events[started].timeMs, completedMs: events[completed].timeMs };
  });
}

/**
 * Sent → applied, whole and in its phases: reaching the history, waiting for a worker, the task, and (when the
 * caller's answer time is known) the way back to the caller.
 */
export class TaskPhases {
  readonly whole: number[] = [];
  private readonly recorded: number[] = [];
  private readonly queued: number[] = [];
  private readonly ran: number[] = [];
  private readonly answered: number[] = [];

  add(sentMs: number, task: AppliedTask, answeredMs?: number): void {
    this.whole.push((answeredMs ?? task.completedMs) - sentMs);
    this.recorded.push(task.recordedMs - sentMs);
    this.queued.push(task.startedMs - task.recordedMs);
    this.ran.push(task.completedMs - task.startedMs);
    if (answeredMs !== undefined) this.answered.push(answeredMs - task.completedMs);
  }

  phases(name: string) {
    return {
      [`  ${name}: sent → in history`]: summarize(this.recorded),
      [`  ${name}: in history → task started`]: summarize(this.queued),
      [`  ${name}: task started → completed`]: summarize(this.ran),
      ...(this.answered.length > 0 && { [`  ${name}: task completed → answered`]: summarize(this.answered) }),
    };
  }
}
