/**
 * A cluster for a test file, started through the same code as `npm run cluster` (scripts/cluster/cluster.ts):
 * PostgreSQL, the Temporal server, the setup scripts, two worker processes, two API replicas and the
 * simulator, every port taken free at start (so a developer's `npm run cluster` is never in the way), data in
 * a temporary DATA_DIR. The test gets the handles to kill and restart each process for real.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startCluster, type RunningCluster } from '../../scripts/cluster/cluster.js';
import type { CreateSimulatorOptions } from '../../simulator/index.js';
import { encryptingDataConverter } from '../../codec/data-converter.js';
import { parseEncryptionKeys } from '../../codec/keys.js';
import { createWooshPayClient, type WooshPayClient } from '../../wooshpay/index.js';

export const API_KEY = 'cluster_test_key_0123456789';

export interface TestCluster {
  cluster: RunningCluster;
  dataDir: string;
  apiUrls: string[];
  simulatorUrl: string;
  wooshpay: WooshPayClient;
  client: Client;
  /** Calls an API replica with the test key. */
  call(replica: number, method: string, path: string, options?: { body?: unknown; idempotencyKey?: string }): Promise<{ status: number; body: any }>;
  /** POSTs to a simulator control endpoint (`/_sim/…`). */
  sim(path: string, body?: unknown): Promise<any>;
  close(): Promise<void>;
}

export async function startTestCluster(options: { simulator?: CreateSimulatorOptions; productEnv?: Record<string, string> } = {}): Promise<TestCluster> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cluster-test-'));
  // Reachable by PostgreSQL's own user when the tests run as root.
  await chmod(dataDir, 0o755);
  const [frontend, internalBase, postgresPort, apiPort, metricsPort, simulatorPort] = [
    await freePorts(1),
    await freePorts(8),
    await freePorts(1),
    await freePorts(2),
    await freePorts(2),
    await freePorts(1),
  ];
  const logs: string[] = [];
  let cluster: RunningCluster;
  try {
    cluster = await startCluster({
      clusterDir: path.join(dataDir, 'cluster'),
      namespace: 'default',
      taskQueue: 'payments',
      apiPort,
      metricsPort,
      server: { frontend, internalBase },
      postgresPort,
      simulator: { port: simulatorPort, options: { webhookRetryScale: 0.02, refundAutoSettleMs: 0, ...options.simulator } },
      productEnv: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        LOG_LEVEL: 'warn',
        TEMPORAL_LOG_LEVEL: 'WARN',
        API_KEYS: API_KEY,
        NOTIFY_SIGNING_SECRET: 'notify_secret_0123456789',
        ...options.productEnv,
      },
      log: (line) => logs.push(line),
    });
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw new Error(`the cluster did not start: ${(err as Error).message}\n${logs.join('\n')}`, { cause: err });
  }
  const apiUrls = cluster.apis.map((r) => r.url!);
  const simulatorUrl = cluster.simulator!.url;
  const connection = await Connection.connect({ address: cluster.temporal.address });
  // The roles encrypt payloads; this client reads them as the roles do.
  const client = new Client({ connection, namespace: 'default', dataConverter: encryptingDataConverter(parseEncryptionKeys(cluster.roleEnv.PAYLOAD_ENCRYPTION_KEYS!)) });
  const wooshpay = createWooshPayClient({ baseUrl: simulatorUrl, secretKey: cluster.roleEnv.WOOSHPAY_SECRET_KEY!, timeoutMs: 10_000 });

  return {
    cluster,
    dataDir,
    apiUrls,
    simulatorUrl,
    wooshpay,
    client,
    async call(replica, method, urlPath, opts = {}) {
      const headers: Record<string, string> = { Authorization: `Bearer ${API_KEY}` };
      if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
      if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;
      const res = await fetch(`${apiUrls[replica]}${urlPath}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    async sim(urlPath, body) {
      const res = await fetch(`${simulatorUrl}${urlPath}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body ?? {}) });
      const text = await res.text();
      if (!res.ok) throw new Error(`simulator ${urlPath} answered ${res.status}: ${text}`);
      return text ? JSON.parse(text) : null;
    },
    async close() {
      await connection.close().catch(() => undefined);
      await cluster.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function directPayment(overrides: Record<string, unknown> = {}) {
  return { amount: 1_000_000, currency: 'IDR', return_url: 'https://shop.example/return', ...overrides };
}

export function newKey(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

/** Polls `read` until `ok` holds; errors while a process is between lives count as "not yet". */
export async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 60_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await read();
      if (ok(last)) return last;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} not met in ${timeoutMs} ms; last: ${JSON.stringify(last)?.slice(0, 2000)}; last error: ${String(lastError)}`);
}

/**
 * `count` consecutive loopback ports, all free right now. Below 32768: Temporal keeps membership ports in a
 * SQL smallint, and Linux hands out ephemeral ports from 32768 up, so none is taken meanwhile by a client.
 */
export async function freePorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const first = 20_000 + Math.floor(Math.random() * (32_768 - 20_000 - count));
    let free = true;
    for (let port = first; port < first + count && free; port++) free = await canBind(port);
    if (free) return first;
  }
  throw new Error(`no ${count} consecutive free ports`);
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
