/**
 * `npm run cluster` as a process, the way a developer runs it: the banner, a payment created on one replica
 * and paid, read on the other; SIGINT stops everything in order and frees every port; a second start (then
 * SIGTERM) reuses the data: the payment is still there.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { directPayment, freePorts, newKey, until } from './fixture.js';

let dataDir: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'npm-run-cluster-'));
  await chmod(dataDir, 0o755); // PostgreSQL's own user walks into it when the tests run as root
});
afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

function runCluster(env: Record<string, string>) {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'scripts/cluster/main.ts'], {
    env: { ...process.env, LOG_LEVEL: 'info', TEMPORAL_LOG_LEVEL: 'WARN', DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  let out = '';
  proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, output: () => out, exited };
}

const listening = (port: number) =>
  fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1_000) }).then(
    () => true,
    () => false,
  );

/** The `msg` of each JSON log line, in order. */
const messages = (output: string) =>
  output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => (JSON.parse(l) as { msg: string }).msg);

describe('npm run cluster', () => {
  it('runs the production shape, serves a payment across replicas, stops in order, and a second start reuses the data', async () => {
    const ports = { api: await freePorts(2), metrics: await freePorts(2), temporal: await freePorts(1), internal: await freePorts(8), postgres: await freePorts(1), sim: await freePorts(1) };
    const env = {
      PORT: String(ports.api),
      METRICS_PORT: String(ports.metrics),
      CLUSTER_TEMPORAL_PORT: String(ports.temporal),
      CLUSTER_TEMPORAL_INTERNAL_PORTS_FROM: String(ports.internal),
      CLUSTER_POSTGRES_PORT: String(ports.postgres),
      SIMULATOR_PORT: String(ports.sim),
      API_KEYS: 'cluster_cli_key_0123456789',
    };
    const auth = { Authorization: `Bearer ${env.API_KEYS}` };
    const replica = (i: number) => `http://127.0.0.1:${ports.api + i}`;

    const first = runCluster(env);
    await until(async () => first.output().includes('Try:') || first.proc.exitCode !== null, (ok) => ok, 600_000, 'the banner');
    expect(first.output()).toContain(`${replica(0)} and ${replica(1)}`);
    expect(first.output()).toContain(`127.0.0.1:${ports.temporal}  server 1.30.1, 4 history shards`);

    const created = await fetch(`${replica(0)}/v1/payments`, {
      method: 'POST',
      headers: { ...auth, 'Idempotency-Key': newKey('cli'), 'Content-Type': 'application/json' },
      body: JSON.stringify(directPayment()),
    });
    expect(created.status).toBe(201);
    const payment = (await created.json()) as { id: string; redirect_url: string };
    expect((await fetch(payment.redirect_url, { method: 'POST', redirect: 'manual' })).status).toBe(303);
    const read = (i: number) => fetch(`${replica(i)}/v1/payments/${payment.id}`, { headers: auth }).then((r) => r.json() as Promise<{ status: string }>);
    await until(() => read(1), (p) => p.status === 'succeeded', 60_000, 'paid, read on the second replica');

    first.proc.kill('SIGINT');
    expect(await first.exited).toBe(0);
    const stopped = messages(first.output()).filter((m) => m.endsWith(' stopped'));
    expect(stopped).toEqual(['api-1 and api-2 stopped', 'worker-1 and worker-2 stopped', 'simulator stopped', 'temporal server stopped', 'postgres stopped']);
    for (const port of [ports.api, ports.api + 1, ports.metrics, ports.metrics + 1, ports.temporal, ports.postgres, ports.sim]) expect(await listening(port)).toBe(false);

    const second = runCluster(env);
    await until(async () => second.output().includes('Try:') || second.proc.exitCode !== null, (ok) => ok, 600_000, 'the second banner');
    expect(second.output()).not.toContain('creating a database cluster');
    expect(await read(1)).toMatchObject({ id: payment.id, status: 'succeeded' });
    expect(await readFile(path.join(dataDir, 'cluster', 'logs', 'setup-namespace.log'), 'utf8')).toContain('namespace: default exists');
    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
