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
