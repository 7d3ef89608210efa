/** The benchmark's result: a JSON document for machines and diffs, and a table for people. */
import type { BenchOptions } from './args.js';
import type { LatencySummary } from './stats.js';

export interface RoleMemory {
  /** Megabytes. RSS from /proc; heap = V8 heap used by live objects (after a full GC). */
  rssBefore: number | null;
  rssAfter: number | null;
  /** Highest RSS sampled during the load (every 250 ms). */
  rssPeakDuringLoad: number | null;
  /** Highest RSS since the process started (VmHWM), start-up included. */
  rssHighWaterMark: number | null;
  heapUsedBefore: number | null;
  heapUsedAfter: number | null;
}

export interface BenchReport {
  startedAt: string;
  options: BenchOptions;
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; platform: string; loadAverageBeforeLoad: number[] };
  payments: { requested: number; completed: number; failed: number; notStarted: number; warmup: number };
  wallSeconds: number;
  throughputPerSecond: number;
  latencyMs: {
    intake: LatencySummary | null;
    succeeded: LatencySummary | null;
    notified: LatencySummary | null;
    refundIntake: LatencySummary | null;
    refundSettled: LatencySummary | null;
  };
  errors: { total: number; byStage: Record<string, number>; examples: string[]; verification: string[] };
  duplicateNotifications: number;
  memoryMb: Record<string, RoleMemory>;
  /** User + system CPU seconds each process used while the load ran (all threads). */
  cpuSecondsDuringLoad: Record<string, number | null>;
  /** CPUs × the load's wall time: what the machine could have given. */
  cpuSecondsAvailable: number;
  /** Busy CPU seconds of the whole machine during the load; beyond the processes above, other work's share. */
  machineBusyCpuSeconds: number | null;
}

export function formatReport(report: BenchReport): string {
  const { options: o, machine: m, payments: p } = report;
  const lines = [
    '',
    `WooshPay payments benchmark · ${o.payments} payments (+${o.warmup} warm-up, not counted) · concurrency ${o.concurrency} · ` +
      `refunds ${o.refunds ? 'on' : 'off'} · ${o.runtime} · ${m.cpus} CPUs · load average ${m.loadAverageBeforeLoad[0].toFixed(2)} before the load`,
    '',
    `${''.padEnd(46)}${['n', 'p50', 'p95', 'p99', 'max'].map((h) => h.padStart(9)).join('')}`,
    latencyRow('intake     POST /v1/payments → 201', report.latencyMs.intake),
    latencyRow('succeeded  create → workflow records it', report.latencyMs.succeeded),
    latencyRow('notified   create → payment.succeeded received', report.latencyMs.notified),
  ];
  if (o.refunds) {
    lines.push(latencyRow('refund     POST …/refunds → 201', report.latencyMs.refundIntake));
    lines.push(latencyRow('refunded   refund → refund.succeeded received', report.latencyMs.refundSettled));
  }
  lines.push(
    '',
    `throughput   ${report.throughputPerSecond.toFixed(1)} payments/s (${p.completed} completed in ${report.wallSeconds.toFixed(1)} s)`,
    `errors       ${report.errors.total}${formatByStage(report.errors.byStage)}` +
      (p.notStarted ? ` · ${p.notStarted} not started (time limit)` : '') +
      (report.errors.verification.length ? ` · ${report.errors.verification.length} read back wrong` : '') +
      (report.duplicateNotifications ? ` · ${report.duplicateNotifications} duplicate notifications` : ''),
    ...report.errors.examples.map((e) => `             ${e}`),
    ...report.errors.verification.slice(0, 5).map((e) => `             ${e}`),
    formatCpu(report),
    '',
    `memory (MB)           ${['rss before', 'rss after', 'rss peak', 'rss max*', 'heap before', 'heap after'].map((h) => h.padStart(12)).join('')}`,
  );
  for (const [role, mem] of Object.entries(report.memoryMb)) {
    const cells = [mem.rssBefore, mem.rssAfter, mem.rssPeakDuringLoad, mem.rssHighWaterMark, mem.heapUsedBefore, mem.heapUsedAfter];
    lines.push(`  ${role.padEnd(20)}${cells.map((c) => (c === null ? '–' : c.toFixed(1)).padStart(12)).join('')}`);
  }
  lines.push(
    '  before: after start-up and warm-up; after: with every benchmarked payment still open (they stay open for',
    '  refunds and disputes); peak: sampled during the load; max*: since the process started; heap: live, after a full GC.',
    '',
  );
  return lines.join('\n');
}

function formatCpu(report: BenchReport): string {
  const spent = Object.entries(report.cpuSecondsDuringLoad).filter((e): e is [string, number] => e[1] !== null);
  const total = spent.reduce((sum, [, s]) => sum + s, 0);
  const parts = spent.map(([name, s]) => `${name} ${s.toFixed(1)}`).join(' · ');
  const machine = report.machineBusyCpuSeconds;
  const others = machine === null ? '' : ` · other processes on the machine ${Math.max(machine - total, 0).toFixed(1)}`;
  const completed = report.payments.completed || 1;
  const perPayment = spent.map(([name, s]) => `${name} ${Math.round((s * 1000) / completed)}`).join(' · ');
  return (
    `cpu (s)      ${parts} = ${total.toFixed(1)} of ${report.cpuSecondsAvailable.toFixed(1)} available${others}\n` +
    `cpu/payment  ${perPayment} = ${Math.round((total * 1000) / completed)} ms`
  );
}

function latencyRow(label: string, s: LatencySummary | null): string {
  if (!s) return `${label.padEnd(46)}${'0'.padStart(9)}`;
  const ms = (v: number) => `${v < 100 ? v.toFixed(1) : Math.round(v)} ms`.padStart(9);
  return `${label.padEnd(46)}${String(s.count).padStart(9)}${ms(s.p50)}${ms(s.p95)}${ms(s.p99)}${ms(s.max)}`;
}

function formatByStage(byStage: Record<string, number>): string {
  const parts = Object.entries(byStage).map(([stage, n]) => `${n} at ${stage}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}
