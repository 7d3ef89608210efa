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
  return parseTaskCounts(await fetchMetrics(metricsUrl));
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
  'workflow task, start to completion sent': { name: 'temporal_workflow_task_execution_latency' },
  'workflow task, scheduled to started': { name: 'temporal_workflow_task_schedule_to_start_latency' },
  'local activity, executed': { name: 'temporal_local_activity_execution_latency' },
  'RespondWorkflowTaskCompleted RPC': { name: 'temporal_request_latency', label: 'operation="RespondWorkflowTaskCompleted"' },
} as const satisfies Record<string, { name: string; label?: string }>;

type TimedSeriesName = keyof typeof TIMED_SERIES;
export type TimedSeries = Record<TimedSeriesName, { sum: number; count: number }>;

const TIMED_PATTERNS = (Object.entries(TIMED_SERIES) as [TimedSeriesName, { name: string; label?: string }][]).map(
  ([what, { name, label }]) => ({ what, label, pattern: new RegExp(`^${name}(?:_seconds)?_(sum|count)(\\{[^}]*\\})? (\\S+)$`) }),
);

export async function readTimedSeries(metricsUrl: string): Promise<TimedSeries> {
  return parseTimedSeries(await fetchMetrics(metricsUrl));
}

/** Sums and counts of each series over all its label sets (durations in seconds, as the runtime exports them). */
export function parseTimedSeries(text: string): TimedSeries {
  const totals = emptySeries();
  for (const line of text.split('\n')) {
    for (const { what, label, pattern } of TIMED_PATTERNS) {
      const match = pattern.exec(line);
      if (!match || (label && !(match[2] ?? '').includes(label))) continue;
      totals[what][match[1] as 'sum' | 'count'] += Number(match[3]);
    }
  }
  return totals;
}

/** Adds what was observed between two readings to `total` (several runs pooled). */
export function addObserved(total: TimedSeries, before: TimedSeries, after: TimedSeries): TimedSeries {
  for (const what of Object.keys(total) as TimedSeriesName[]) {
    total[what].sum += after[what].sum - before[what].sum;
    total[what].count += after[what].count - before[what].count;
  }
  return total;
}

/** Mean milliseconds per observation; null where nothing was observed. */
export function meansMs(observed: TimedSeries): Record<string, number | null> {
  return Object.fromEntries(
    (Object.keys(observed) as TimedSeriesName[]).map((what) => {
      const { sum, count } = observed[what];
      return [what, count > 0 ? Math.round((sum / count) * 10_000) / 10 : null];
    }),
  );
}

export function emptySeries(): TimedSeries {
  return Object.fromEntries(Object.keys(TIMED_SERIES).map((k) => [k, { sum: 0, count: 0 }])) as TimedSeries;
}

async function fetchMetrics(metricsUrl: string): Promise<string> {
  const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`${metricsUrl} answered ${response.status}`);
  return response.text();
}
