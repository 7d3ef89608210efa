/** The result file's shape, and the table printed from it: every product figure beside its floor, as a ratio. */
import type { BenchOptions } from './args.js';
import type { Figure, ScenarioResult } from './figures.js';
import type { RunInfo } from './run-info.js';
import type { LatencySummary } from './stats.js';

export interface BenchReport extends RunInfo {
  startedAt: string;
  finishedAt: string;
  options: BenchOptions;
  settings: {
    temporal: { kind: 'dev-server' | 'external'; address: string; namespace: string };
    workerTuning: Record<string, number>;
    workerMaxOldSpaceSizeMb: number;
    runtime: string;
  };
  scenarios: ScenarioResult[];
  /** Every target's verdict, in order: what the exit code follows. */
  targets: { id: string; what: string; rule: string; pass: boolean | null }[];
  errors: string[];
}

export function formatReport(report: BenchReport): string {
  const { settings: s, machine: m, versions: v } = report;
  const lines = [
    '',
    `WooshPay payments benchmark · ${report.git.sha?.slice(0, 10) ?? 'no git'}${report.git.dirty ? ' (dirty)' : ''} · ` +
      `${m.cpus} CPUs, load average ${m.loadAverageAtStart[0]} at start · node ${v.node} · SDK ${v.temporalSdk} · ` +
      `server ${v.temporalServer ?? '?'}${v.temporalCli ? ` (CLI ${v.temporalCli})` : ''}`,
    `Temporal ${s.temporal.kind} ${s.temporal.address}/${s.temporal.namespace} · worker maxCachedWorkflows ` +
      `${s.workerTuning.maxCachedWorkflows}, --max-old-space-size=${s.workerMaxOldSpaceSizeMb} · ${s.runtime} · ` +
      `${report.options.rounds} rounds, floors and product interleaved`,
  ];
  for (const scenario of report.scenarios) {
    lines.push('', `── ${scenario.scenario} ${'─'.repeat(Math.max(0, 100 - scenario.scenario.length))}`);
    lines.push(`${'figure'.padEnd(46)}${'product'.padStart(11)}  ${'floor'.padEnd(30)}${'value'.padStart(10)}${'ratio'.padStart(8)}  target`);
    for (const f of scenario.figures) lines.push(figureRow(f));
    const latencies = Object.entries(scenario.latencyMs);
    if (latencies.length) {
      lines.push('', `${'latency (ms)'.padEnd(56)}${['n', 'p50', 'p95', 'p99', 'max'].map((h) => h.padStart(8)).join('')}`);
      for (const [name, summary] of latencies) lines.push(latencyRow(name, summary));
    }
    const cpu = scenario.details.cpuMsPerPayment as Record<string, number> | undefined;
    if (cpu) {
      const { otherProcessesCpuSeconds: others, productCpuSecondsAvailable: available } = scenario.details as Record<string, number>;
      lines.push(
        '',
        `cpu ms/payment   ${formatCpu(cpu)}`,
        `cpu ms/F-LIFE    ${formatCpu(scenario.details.cpuMsPerFloorLife as Record<string, number>)}`,
        `                 other processes on the machine used ${others} of ${available} CPU seconds during the product runs`,
      );
    }
    const perRequest = scenario.details.cpuMsPerRequest as Record<string, Record<string, number>> | undefined;
    if (perRequest) {
      lines.push('', 'cpu ms/request, by what ran');
      for (const [name, spent] of Object.entries(perRequest)) lines.push(`  ${name.padEnd(40)}${formatCpu(spent)}`);
    }
    const workerMeans = scenario.details.productWorkerMeansMs as Record<string, Record<string, number | null>> | undefined;
    if (workerMeans) {
      lines.push('', 'product worker, mean ms (its SDK metrics)');
      for (const [mode, means] of Object.entries(workerMeans)) {
        lines.push(`  ${mode.padEnd(20)}${Object.entries(means).map(([what, ms]) => `${what} ${ms ?? '–'}`).join(' · ')}`);
      }
    }
    for (const error of scenario.errors.slice(0, 10)) lines.push(`  ! ${error}`);
  }
  const failed = report.targets.filter((t) => t.pass === false).length;
  const unknown = report.targets.filter((t) => t.pass === null).length;
  lines.push(
    '',
    `targets: ${report.targets.length - failed - unknown} pass, ${failed} fail${unknown ? `, ${unknown} not measured` : ''} · errors: ${report.errors.length}`,
    'The machine is shared by every process above (and anything else running): compare ratios, which come from the same run.',
    '',
  );
  return lines.join('\n');
}

function figureRow(f: Figure): string {
  const num = (value: number | null | undefined, unit = '') => (value === null || value === undefined ? '–' : `${value < 100 ? value.toFixed(1) : Math.round(value)}${unit}`);
  const verdict = f.target ? `${f.target.id} ${f.target.rule}: ${f.target.pass === null ? 'not measured' : f.target.pass ? 'PASS' : 'FAIL'}` : '';
  return (
    f.what.padEnd(46) +
    `${num(f.product)} ${f.unit}`.padStart(11) +
    '  ' +
    (f.floor?.name ?? '').padEnd(30) +
    (f.floor ? `${num(f.floor.value)}` : '').padStart(10) +
    (f.ratio === undefined ? '' : f.ratio === null ? '–' : `${f.ratio.toFixed(2)}×`).padStart(8) +
    (verdict ? `  ${verdict}` : '')
  );
}

function latencyRow(name: string, s: LatencySummary | null): string {
  const cells = s ? [String(s.count), ...[s.p50, s.p95, s.p99, s.max].map((v) => (v < 100 ? v.toFixed(1) : String(Math.round(v))))] : ['0'];
  return `  ${name.padEnd(54)}${cells.map((c) => c.padStart(8)).join('')}`;
}

function formatCpu(cpu: Record<string, number> | undefined): string {
  if (!cpu) return '–';
  const total = Object.values(cpu).reduce((sum, ms) => sum + ms, 0);
  return `${Object.entries(cpu).map(([name, ms]) => `${name} ${ms}`).join(' · ')} = ${total}`;
}
