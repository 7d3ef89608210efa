/**
 * `npm run bench` in miniature, against the test run's Temporal server (the `--temporal-address` path): every
 * scenario with tiny sizes and one round, sources under tsx. Checks that every floor and every figure is
 * measured and written, that B5's correctness holds on its small N, and that nothing is left running —
 * never how fast anything was (speed is judged by the command, not by tests).
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { parseBenchArgs, SCENARIOS } from '../../tools/bench/args.js';
import { addObserved, emptySeries, meansMs, parseTaskCounts, parseTimedSeries } from '../../tools/bench/worker-metrics.js';
import { appliedTasks, TaskPhases, updateWithStartTask } from '../../tools/bench/history.js';
import { figure } from '../../tools/bench/figures.js';
import { runBench, saveReport } from '../../tools/bench.js';
import { percentile, summarize } from '../../tools/bench/stats.js';

const outDir = await mkdtemp(path.join(os.tmpdir(), 'bench-test-'));
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

/** Processes whose parent is this one (the API, worker and floor processes while they run). */
async function childPids(): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (Number(/\) \S+ (\d+)/.exec(stat)?.[1]) === process.pid) pids.push(Number(entry));
  }
  return pids;
}

const FLOOR_LATENCIES = {
  intake: [
    ...['F-SIM', 'F-HTTP', 'F-UWS0', 'F-UWS-LA', 'product'].flatMap((n) => [`${n} · concurrency 1`, `${n} · open loop 20/s`]),
    // Where the floor's and the product's time went, read from their histories.
    ...['F-UWS-LA', 'product'].flatMap((n) =>
      ['sent → in history', 'in history → task started', 'task started → completed', 'task completed → answered'].map((p) => `  ${n} · concurrency 1: ${p}`),
    ),
  ],
  webhooks: ['F-SIG (signal RPC)', 'F-SIG-APPLIED (sent → task completed)', 'webhook ack (delivery → 2xx)', 'webhook applied (delivery → task completed)'],
  lifecycle: ['F-LIFE (whole life)', 'create → payment.succeeded received'],
};

describe('npm run bench', () => {
  it('runs every scenario against its floors, writes every figure, checks B5, and stops everything it started', async () => {
    const before = await childPids();
    const out = path.join(outDir, 'latest.json');
    const options = parseBenchArgs(
      ['--scenario', 'all', '--rounds', '1', '--intake', '3', '--payments', '3', '--concurrency', '3', '--webhooks', '2', '--waiting', '2,4', '--expiring', '3', '--idle-seconds', '1', '--warmup', '1', '--runtime', 'tsx', '--out', out],
      { BENCH_TEMPORAL_ADDRESS: process.env.TEMPORAL_TEST_ADDRESS, BENCH_NAMESPACE: process.env.TEMPORAL_TEST_NAMESPACE },
    );
    await saveReport(await runBench(options, () => undefined), out);
    const report = JSON.parse(await readFile(out, 'utf8'));

    expect(report.errors).toEqual([]);
    expect(report.git.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(report.versions).toMatchObject({ node: process.version, temporalSdk: expect.any(String), temporalServer: expect.any(String) });
    expect(report.settings).toMatchObject({ temporal: { kind: 'external' }, workerTuning: { maxCachedWorkflows: expect.any(Number) }, workerMaxOldSpaceSizeMb: 1024 });
    expect(report.scenarios.map((s: any) => s.scenario)).toEqual([...SCENARIOS]);
    const scenario = (name: string) => report.scenarios.find((s: any) => s.scenario === name);
    for (const [name, keys] of Object.entries(FLOOR_LATENCIES)) {
      for (const key of keys) expect([name, key, scenario(name).latencyMs[key]]).toEqual([name, key, expect.objectContaining({ count: expect.any(Number), p50: expect.any(Number) })]);
    }
    // Every figure measured, every floor beside it measured, every target decided.
    for (const f of report.scenarios.flatMap((s: any) => s.figures)) {
      expect([f.what, f.product]).toEqual([f.what, expect.any(Number)]);
      if (f.floor) expect([f.what, f.floor.value, f.ratio]).toEqual([f.what, expect.any(Number), expect.any(Number)]);
    }
    expect(new Set(report.targets.map((t: any) => t.id))).toEqual(new Set(['B1', 'B2', 'B3', 'B4', 'B5']));
    for (const t of report.targets) expect([t.id, t.what, t.pass]).toEqual([t.id, t.what, expect.any(Boolean)]);
    // B5's correctness is not a speed: it must hold even here.
    for (const t of report.targets.filter((t: any) => t.id === 'B5')) expect([t.what, t.pass]).toEqual([t.what, true]);
    expect(scenario('expiring').figures[0].floor.name).toBe('F-TIMERS (N=3)');
    expect(scenario('expiring').details.expiresAtOutsideTheSecond).toBe(0);
    expect(scenario('lifecycle').details.cpuMsPerPayment).toMatchObject({ api: expect.any(Number), worker: expect.any(Number), floors: expect.any(Number) });
    const readings = scenario('waiting').details.readings;
    expect(readings.map((r: any) => r.waiting)).toEqual([2, 4]);
    expect(readings[1]).toMatchObject({ workerRssMb: expect.any(Number), workerRssAfterGcMb: expect.any(Number), idleCpuPercent: { worker: expect.any(Number) } });
    // The main thread and Temporal's workflow thread both answer the probe, space by space.
    expect(readings[1].workerThreadHeapsMb.length).toBeGreaterThanOrEqual(2);
    for (const t of readings[1].workerThreadHeapsMb) expect(t).toMatchObject({ usedMb: expect.any(Number), spacesMb: { old_space: expect.any(Number) } });
    expect(scenario('intake').details.cpuMsPerRequest['product · concurrency 1']).toMatchObject({ api: expect.any(Number), worker: expect.any(Number) });
    expect(readings[1].tasksSinceWorkerStart.workflowTasks).toBeGreaterThan(0);
    // The sweep read every waiting payment at WooshPay and nudged none: nothing had moved.
    expect(readings[1].sweep).toMatchObject({ report: { waiting: 4, read: 4, nudged: 0, unreadable: 0 }, cpuMsPerPayment: { worker: expect.any(Number) } });

    expect(await childPids()).toEqual(before);
    expect((await readdir(path.join(outDir, 'logs'))).sort()).toEqual(['api.log', 'floors.log', 'worker.log']);
  }, 300_000);
});

describe('bench arguments, statistics and readings', () => {
  it('takes flags or BENCH_ variables within bounds', () => {
    expect(parseBenchArgs([], {})).toMatchObject({ scenarios: [...SCENARIOS], rate: 20, waiting: [1000, 10_000], expiring: 10_000, runtime: 'compiled', temporalAddress: undefined });
    expect(parseBenchArgs(['--scenario', 'waiting,intake', '--rate', '5'], { BENCH_CONCURRENCY: '4' })).toMatchObject({ scenarios: ['intake', 'waiting'], rate: 5, concurrency: 4 });
    expect(parseBenchArgs(['--temporal-address', '127.0.0.1:7233', '--namespace', 'payments'], {})).toMatchObject({ temporalAddress: '127.0.0.1:7233', namespace: 'payments' });
    expect([parseBenchArgs([], {}).expiringCreateRate, parseBenchArgs(['--expiring-create-rate', '2.5'], {}).expiringCreateRate]).toEqual([undefined, 2.5]);
    expect(() => parseBenchArgs(['--expiring-create-rate', '0'], {})).toThrow(/--expiring-create-rate/);
    expect(() => parseBenchArgs(['--scenario', 'speedy'], {})).toThrow(/--scenario/);
    expect(() => parseBenchArgs(['--waiting', '10000,1000'], {})).toThrow(/--waiting/);
    expect(() => parseBenchArgs(['--temporal-address', 'localhost'], {})).toThrow(/host:port/);
    expect(() => parseBenchArgs(['--payments', '0'], {})).toThrow(/--payments must be an integer from 1/);
    expect(() => parseBenchArgs(['--runtime', 'bun'], {})).toThrow(/--runtime/);
    expect(() => parseBenchArgs(['--paymnets', '5'], {})).toThrow();
  });

  it('uses nearest-rank percentiles', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(hundred, 50), percentile(hundred, 95), percentile(hundred, 99)]).toEqual([50, 95, 99]);
    expect(summarize([30, 10, 20])).toMatchObject({ count: 3, min: 10, p50: 20, p99: 30, max: 30, mean: 20 });
    expect(summarize([])).toBeNull();
  });

  it('judges a figure against its floor, and says so when nothing was measured', () => {
    expect(figure({ what: 'x', unit: 'ms', product: 120, floor: { name: 'F', value: 100 }, target: { id: 'B1', limit: 1.25, at: 'most' } })).toMatchObject({ ratio: 1.2, target: { pass: true } });
    expect(figure({ what: 'x', unit: '/s', product: 6, floor: { name: 'F', value: 10 }, target: { id: 'B2', limit: 0.7, at: 'least' } })).toMatchObject({ ratio: 0.6, target: { pass: false } });
    expect(figure({ what: 'x', unit: 'ms', product: null, floor: { name: 'F', value: 10 }, target: { id: 'B3', limit: 2, at: 'most' } }).target!.pass).toBeNull();
  });

  it('reads applied times from history: the task completed after the signal, one signal per send', () => {
    const events = [
      { type: 7, timeMs: 100 },
      { type: 26, timeMs: 205 },
      { type: 26, timeMs: 207 },
      { type: 6, timeMs: 221 },
      { type: 7, timeMs: 230 },
      { type: 26, timeMs: 300 },
      { type: 6, timeMs: 311 },
      { type: 7, timeMs: 320 },
    ];
    expect(appliedTasks(events, [200, 206, 299, 400])).toEqual([
      { recordedMs: 205, startedMs: 221, completedMs: 230 },
      { recordedMs: 207, startedMs: 221, completedMs: 230 },
      { recordedMs: 300, startedMs: 311, completedMs: 320 },
      undefined,
    ]);
  });

  it('reads an Update-with-Start from history: the start, then the task whose completion the acceptance follows', () => {
    // Started, task scheduled/started, (a local activity inside) completed, marker, update accepted and completed.
    const events = [
      { type: 1, timeMs: 1000 },
      { type: 5, timeMs: 1000 },
      { type: 6, timeMs: 1002 },
      { type: 7, timeMs: 1020 },
      { type: 25, timeMs: 1020 },
      { type: 41, timeMs: 1020 },
      { type: 43, timeMs: 1020 },
    ];
    const task = updateWithStartTask(events);
    expect(task).toEqual({ recordedMs: 1000, startedMs: 1002, completedMs: 1020 });
    expect(updateWithStartTask(events.slice(0, 4))).toBeUndefined(); // no acceptance yet
    const phases = new TaskPhases();
    phases.add(997, task!, 1024);
    expect(Object.fromEntries(Object.entries(phases.phases('x')).map(([k, v]) => [k.trim(), v?.p50]))).toEqual({
      'x: sent → in history': 3,
      'x: in history → task started': 2,
      'x: task started → completed': 18,
      'x: task completed → answered': 4,
    });
    expect(phases.whole).toEqual([27]);
  });

  it('reads mean task times from the worker metrics, over every label set and between two readings', () => {
    const reading = (executions: number, seconds: number, rpcs: number) =>
      parseTimedSeries(
        [
          `temporal_workflow_task_execution_latency_seconds_sum{namespace="default",task_queue="q"} ${seconds}`,
          `temporal_workflow_task_execution_latency_seconds_count{namespace="default",task_queue="q"} ${executions}`,
          `temporal_request_latency_seconds_sum{operation="RespondWorkflowTaskCompleted",namespace="default"} ${rpcs * 0.004}`,
          `temporal_request_latency_seconds_count{operation="RespondWorkflowTaskCompleted",namespace="default"} ${rpcs}`,
          `temporal_request_latency_seconds_sum{operation="PollWorkflowTaskQueue",namespace="default"} 100`,
          `temporal_request_latency_seconds_count{operation="PollWorkflowTaskQueue",namespace="default"} 5`,
        ].join('\n'),
      );
    expect(meansMs(addObserved(emptySeries(), reading(10, 0.2, 10), reading(30, 0.6, 30)))).toEqual({
      'workflow task, start to completion sent': 20,
      'workflow task, scheduled to started': null,
      'local activity, executed': null,
      'RespondWorkflowTaskCompleted RPC': 4,
    });
  });

  it('counts executed tasks from the worker metrics', () => {
    const text = [
      'temporal_workflow_task_execution_latency_seconds_count{namespace="default",task_queue="q"} 7',
      'temporal_workflow_task_execution_latency_seconds_count{namespace="default",task_queue="q2"} 3',
      'temporal_activity_execution_latency_seconds_count{activity_type="a"} 2',
      'temporal_workflow_task_execution_latency_seconds_bucket{le="0.1"} 99',
    ].join('\n');
    expect(parseTaskCounts(text)).toEqual({ workflowTasks: 10, activities: 2, localActivities: 0 });
  });
});
