/**
 * Everything the benchmark runs, on loopback and random ports, torn down by `close()`: a Temporal dev server
 * (in memory; or a connection to the server at `--temporal-address`), the WooshPay simulator and the merchant's
 * notification endpoint in this process (they stand for the outside world), and the product — API and worker —
 * as processes of their own on a fresh task queue.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createSimulator, type ListeningSimulator } from '../../simulator/index.js';
import { encryptingDataConverter } from '../../codec/data-converter.js';
import { formatEncryptionKey, generateEncryptionKey } from '../../codec/keys.js';
import { createWooshPayClient, type WooshPayClient } from '../../wooshpay/index.js';
import { startDevServer } from '../../scripts/dev-server.js';
import { registerWebhookEndpoint } from '../../scripts/register-webhook.js';
import { findChildProcess } from './memory.js';
import { startNotificationReceiver, type NotificationReceiver } from './notification-receiver.js';
import { logTail, prepareRuntime, startRole, stopRole, type RoleProcess, type RuntimeKind } from './product-processes.js';

export interface BenchStackOptions {
  runtime: RuntimeKind;
  /** The product's LOG_LEVEL (production default: info). */
  logLevel: string;
  logDir: string;
  log: (line: string) => void;
  /** `host:port` of a running Temporal server to use instead of starting a dev server. */
  temporalAddress?: string;
  namespace: string;
  /** The worker process's --max-old-space-size. */
  workerHeapMb: number;
  /** Where each role writes its CPU profiles, when profiling. */
  profileDir?: string;
}

export interface BenchStack {
  apiUrl: string;
  apiKey: string;
  simulatorUrl: string;
  taskQueue: string;
  /** The Temporal server the product and the floors use, and a client of it for the bench's own reads. */
  temporal: { address: string; namespace: string; kind: 'dev-server' | 'external'; client: Client };
  /** A client with the product's payload key, for what the bench starts on the product's task queue and reads back. */
  productClient: Client;
  /** The simulator as the worker reaches it (same secret key). */
  wooshpay: WooshPayClient;
  /** The worker's Prometheus endpoint. */
  workerMetricsUrl: string;
  workDir: string;
  receiver: NotificationReceiver;
  roles: RoleProcess[];
  /** The Temporal dev server's process, when it could be found. */
  temporalPid: number | undefined;
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 90_000;

export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  const { log } = options;
  const cleanups: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((err: unknown) => log(`cleanup: ${(err as Error).message}`));
  };
  try {
    const workDir = await mkdtemp(path.join(os.tmpdir(), 'wooshpay-bench-'));
    cleanups.push(() => rm(workDir, { recursive: true, force: true }));
    const runtime = await prepareRuntime(options.runtime, workDir, log, options.workerHeapMb, options.profileDir);
    const { temporal, temporalPid } = await connectTemporal(options, cleanups);

    // Webhooks retried a minute apart instead of an hour (as npm start); refunds settle as soon as they are made.
    const simulator: ListeningSimulator = await createSimulator({ webhookRetryScale: 1 / 60, refundAutoSettleMs: 0 }).listen(0, '127.0.0.1');
    cleanups.push(() => simulator.close());
    const receiver = await startNotificationReceiver();
    cleanups.push(() => receiver.close());

    const [apiPort, metricsPort] = [await freePort(), await freePort()];
    const taskQueue = `bench-${randomBytes(4).toString('hex')}`;
    const secretKey = `sk_test_${randomBytes(12).toString('hex')}`;
    const apiKey = `bench_${randomBytes(16).toString('hex')}`;
    const payloadKey = generateEncryptionKey('bench');
    const productClient = new Client({
      connection: temporal.client.connection,
      namespace: temporal.namespace,
      dataConverter: encryptingDataConverter([payloadKey]),
    });
    // What an operator does once: register the webhook endpoint and keep the secret WooshPay returns.
    const wooshpay = createWooshPayClient({ baseUrl: simulator.url, secretKey });
    const registration = await registerWebhookEndpoint(wooshpay, `http://127.0.0.1:${apiPort}`);
    if (registration.outcome !== 'registered') throw new Error('The fresh simulator already had a webhook endpoint.');

    // Only what the product reads: nothing from the caller's shell (API_KEYS, TEMPORAL_ADDRESS…) leaks in.
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.homedir(),
      NODE_ENV: 'production',
      LOG_LEVEL: options.logLevel,
      HOST: '127.0.0.1',
      PORT: String(apiPort),
      METRICS_PORT: String(metricsPort),
      API_KEYS: apiKey,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      TEMPORAL_TASK_QUEUE: taskQueue,
      WOOSHPAY_BASE_URL: simulator.url,
      WOOSHPAY_SECRET_KEY: secretKey,
      WOOSHPAY_WEBHOOK_SECRETS: registration.secret,
      NOTIFY_URL: receiver.url,
      // The receiver listens on loopback over plain http.
      NOTIFY_ALLOW_PRIVATE_NETWORKS: 'true',
      NOTIFY_SIGNING_SECRET: `notify_${randomBytes(16).toString('hex')}`,
      WORKFLOW_BUNDLE_PATH: runtime.workflowBundlePath,
      // Production encrypts every payload (and refuses to start without keys): measured with the codec's cost.
      PAYLOAD_ENCRYPTION_KEYS: formatEncryptionKey(payloadKey),
    };
    log(`starting the worker and the API (${runtime.kind}, task queue ${taskQueue})`);
    const roles: RoleProcess[] = [];
    for (const name of ['worker', 'api'] as const) {
      const role = await startRole(runtime, name, env, options.logDir);
      roles.push(role);
      cleanups.push(() => stopRole(role));
    }
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await Promise.all([
      waitUntil('the API to be ready', roles, () => apiIsReady(apiUrl)),
      waitUntil('the worker to poll its task queue', roles, () => workerIsPolling(temporal, taskQueue)),
    ]);
    const workerMetricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    return { apiUrl, apiKey, simulatorUrl: simulator.url, taskQueue, temporal, productClient, wooshpay, workerMetricsUrl, workDir, receiver, roles, temporalPid, close };
  } catch (err) {
    await close();
    throw err;
  }
}

async function apiIsReady(apiUrl: string): Promise<boolean> {
  const response = await fetch(`${apiUrl}/readyz`, { signal: AbortSignal.timeout(3_000) }).catch(() => undefined);
  return response?.status === 200;
}

/** A dev server of our own (in memory), or the server at `--temporal-address`. */
async function connectTemporal(
  options: BenchStackOptions,
  cleanups: (() => Promise<unknown>)[],
): Promise<{ temporal: BenchStack['temporal']; temporalPid: number | undefined }> {
  if (options.temporalAddress) {
    options.log(`using the Temporal server at ${options.temporalAddress} (namespace ${options.namespace})`);
    const connection = await Connection.connect({ address: options.temporalAddress });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: options.namespace });
    return { temporal: { address: options.temporalAddress, namespace: options.namespace, kind: 'external', client }, temporalPid: undefined };
  }
  options.log('starting a Temporal dev server (in memory)');
  const env = await startDevServer({ log: options.log, namespace: options.namespace });
  cleanups.push(() => env.teardown());
  const temporal = { address: env.address, namespace: options.namespace, kind: 'dev-server' as const, client: env.client };
  return { temporal, temporalPid: await findChildProcess('temporal') };
}

async function workerIsPolling(temporal: BenchStack['temporal'], taskQueue: string): Promise<boolean> {
  const { pollers } = await temporal.client.workflowService.describeTaskQueue({
    namespace: temporal.namespace,
    taskQueue: { name: taskQueue },
    taskQueueType: 1, // TASK_QUEUE_TYPE_WORKFLOW
  });
  return (pollers?.length ?? 0) > 0;
}

/** Polls `check`; a role that exits meanwhile fails the start at once with the end of its log. */
async function waitUntil(what: string, roles: RoleProcess[], check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const dead = roles.find((r) => r.child.exitCode !== null || r.child.signalCode !== null);
    if (dead) throw new Error(`the ${dead.name} process ended while waiting for ${what} (${await dead.exited}):\n${await logTail(dead)}`);
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`gave up waiting for ${what} after ${READY_TIMEOUT_MS / 1000} s`);
}

/** A port free right now on loopback (the OS picks it; the role binds it a moment later). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
