/**
 * Task counts from the product worker's Prometheus endpoint (the SDK's core metrics): how many workflow tasks,
 * activities and local activities it has executed so far. Two readings a window apart give the background
 * work of payments that only wait.
 */
export interface TaskCounts {
  workflowTasks: number;
  activities: number;
  localActivities: number;
}

// Histograms' _count series: one sample per task executed (names with or without the _seconds unit suffix).
const SERIES: [keyof TaskCounts, RegExp][] = [
  ['workflowTasks', /^temporal_workflow_task_execution_latency(?:_seconds)?_count(?:\{[^}]*\})? (\S+)$/],
  ['activities', /^temporal_activity_execution_latency(?:_seconds)?_count(?:\{[^}]*\})? (\S+)$/],
  ['localActivities', /^temporal_local_activity_execution_latency(?:_seconds)?_count(?:\{[^}]*\})? (\S+)$/],
];

export async function readTaskCounts(metricsUrl: string): Promise<TaskCounts> {
  const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`${metricsUrl} answered ${response.status}`);
  return parseTaskCounts(await response.text());
}

export function parseTaskCounts(text: string): TaskCounts {
  const counts: TaskCounts = { workflowTasks: 0, activities: 0, localActivities: 0 };
  for (const line of text.split('\n')) {
    for (const [key, pattern] of SERIES) {
      const match = pattern.exec(line);
      if (match) counts[key] += Number(match[1]);
    }
  }
  return counts;
}

export function perSecond(before: TaskCounts, after: TaskCounts, seconds: number): TaskCounts {
  const rate = (key: keyof TaskCounts) => Math.round(((after[key] - before[key]) / seconds) * 100) / 100;
  return { workflowTasks: rate('workflowTasks'), activities: rate('activities'), localActivities: rate('localActivities') };
}

/** The worker's own view of where a task's time went: SDK histograms whose means the intake scenario reports. */
const TIMED_SERIES = {
  'workflow task, start to completion sent': 'temporal_workflow_task_execution_latency',
  'workflow task, scheduled to started': 'temporal_workflow_task_schedule_to_start_latency',
  'local activity, executed': 'temporal_local_activity_execution_latency',
  'RespondWorkflowTaskCompleted RPC': 'temporal_request_latency{operation="RespondWorkflowTaskCompleted"',
} as const;

export type TimedSeries = Record<keyof typeof TIMED_SERIES, { sum: number; count: number }>;

export async function readTimedSeries(metricsUrl: string): Promise<TimedSeries> {
  const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`${metricsUrl} answered ${response.status}`);
  return parseTimedSeries(await response.text());
}

/** Sums and counts of each series over all its label sets (durations in seconds, as the runtime exports them). */
export function parseTimedSeries(text: string): TimedSeries {
  const totals = Object.fromEntries(Object.keys(TIMED_SERIES).map((k) => [k, { sum: 0, count: 0 }])) as TimedSeries;
  for (const line of text.split('\n')) {
    for (const [what, series] of Object.entries(TIMED_SERIES) as [keyof TimedSeries, string][]) {
      const [name, labels] = series.split('{');
      const match = new RegExp(`^${name}(?:_seconds)?_(sum|count)(\\{[^}]*\\})? (\\S+)$`).exec(line);
      if (!match || (labels && !(match[2] ?? '').includes(labels))) continue;
      totals[what][match[1] as 'sum' | 'count'] += Number(match[3]);
    }
  }
  return totals;
}

/** Mean milliseconds per observation between two readings; null where nothing was observed. */
export function meansBetween(before: TimedSeries, after: TimedSeries): Record<string, number | null> {
  return Object.fromEntries(
    (Object.keys(after) as (keyof TimedSeries)[]).map((what) => {
      const count = after[what].count - before[what].count;
      return [what, count > 0 ? Math.round(((after[what].sum - before[what].sum) / count) * 10_000) / 10 : null];
    }),
  );
}
