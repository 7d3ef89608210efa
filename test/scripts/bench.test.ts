/**
 * `npm run bench` in miniature: three payments through its own stack (sources under tsx, to start quickly).
 * Checks that it measures what it says and leaves nothing running — never how fast anything was.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { parseBenchArgs } from '../../tools/bench/args.js';
import { runBench } from '../../tools/bench.js';
import { percentile, summarize } from '../../tools/bench/stats.js';

const outDir = await mkdtemp(path.join(os.tmpdir(), 'bench-test-'));
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

/** Processes whose parent is this one (the stack's dev server, API and worker while they run). */
async function childPids(): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (Number(/\) \S+ (\d+)/.exec(stat)?.[1]) === process.pid) pids.push(Number(entry));
  }
  return pids;
}

describe('npm run bench', () => {
  it('drives payments through its own stack, reports latency and memory, and stops everything it started', async () => {
    const before = await childPids();
    const options = parseBenchArgs(['--payments', '3', '--concurrency', '3', '--warmup', '0', '--runtime', 'tsx', '--out', path.join(outDir, 'latest.json')], {});
    const report = await runBench(options, () => undefined);

    expect(report.payments).toMatchObject({ requested: 3, completed: 3, failed: 0, notStarted: 0 });
    expect(report.errors).toMatchObject({ total: 0, verification: [] });
    for (const key of ['intake', 'succeeded', 'notified'] as const) {
      expect(report.latencyMs[key]).toMatchObject({ count: 3, p50: expect.any(Number), p95: expect.any(Number) });
    }
    expect(report.latencyMs.refundIntake).toBeNull();
    expect(report.throughputPerSecond).toBeGreaterThan(0);
    for (const role of ['api', 'worker']) {
      expect(report.memoryMb[role]).toMatchObject({
        rssBefore: expect.any(Number),
        rssAfter: expect.any(Number),
        heapUsedBefore: expect.any(Number),
        heapUsedAfter: expect.any(Number),
      });
    }
    expect(report.cpuSecondsDuringLoad).toMatchObject({ worker: expect.any(Number), api: expect.any(Number), 'bench (load + simulator)': expect.any(Number) });
    expect(await childPids()).toEqual(before);
    expect(await readdir(path.join(outDir, 'logs'))).toEqual(['api.log', 'worker.log']);
  });
});

describe('bench arguments and statistics', () => {
  it('takes flags or BENCH_ variables within bounds', () => {
    expect(parseBenchArgs([], {})).toMatchObject({ payments: 200, concurrency: 20, refunds: false, runtime: 'compiled', out: 'bench-results/latest.json' });
    expect(parseBenchArgs(['--refunds', '--payments', '50'], { BENCH_CONCURRENCY: '4' })).toMatchObject({ payments: 50, concurrency: 4, refunds: true });
    expect(() => parseBenchArgs(['--payments', '0'], {})).toThrow(/--payments must be an integer from 1/);
    expect(() => parseBenchArgs(['--concurrency', 'many'], {})).toThrow(/--concurrency/);
    expect(() => parseBenchArgs(['--runtime', 'bun'], {})).toThrow(/--runtime/);
    expect(() => parseBenchArgs(['--paymnets', '5'], {})).toThrow();
  });

  it('uses nearest-rank percentiles', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(hundred, 50), percentile(hundred, 95), percentile(hundred, 99)]).toEqual([50, 95, 99]);
    expect(summarize([30, 10, 20])).toMatchObject({ count: 3, min: 10, p50: 20, p99: 30, max: 30, mean: 20 });
    expect(summarize([])).toBeNull();
  });
});
