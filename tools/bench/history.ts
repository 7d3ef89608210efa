/**
 * "Applied" times read from a workflow's history, the same way for the product and the floors: a message sent
 * at wall time t is applied when the workflow task that handles it completes, i.e. the first
 * WorkflowTaskCompleted after the first WorkflowExecutionSignaled recorded at or after t (or, for an update, the
 * WorkflowTaskCompleted its acceptance belongs to). Server and bench read the same clock only when both run
 * on this machine, which `--temporal-address` on another host would break: the report says which was used.
 */
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time.js';

// temporal.api.enums.v1.EventType
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

/** For each send time (ascending), when the workflow task that applied it completed; undefined when not found. */
export function appliedTimes(events: readonly HistoryEvent[], sentAtWall: readonly number[]): (number | undefined)[] {
  let from = 0;
  return sentAtWall.map((sent) => {
    // Wall clocks in ms against the server's ns: a millisecond of slack for rounding.
    const arrival = events.findIndex((e, i) => i >= from && e.timeMs >= sent - 1 && (e.type === WORKFLOW_EXECUTION_SIGNALED || e.type === WORKFLOW_EXECUTION_UPDATE_ACCEPTED));
    if (arrival < 0) return undefined;
    from = arrival + 1;
    if (events[arrival].type === WORKFLOW_EXECUTION_UPDATE_ACCEPTED) {
      for (let i = arrival; i >= 0; i--) if (events[i].type === WORKFLOW_TASK_COMPLETED) return events[i].timeMs;
      return undefined;
    }
    const applied = events.find((e, i) => i > arrival && e.type === WORKFLOW_TASK_COMPLETED);
    return applied?.timeMs;
  });
}
