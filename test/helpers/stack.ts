/**
 * The product wired for a test file: the WooshPay simulator and the intake API on loopback HTTP, a payment
 * worker with the real activities, all on the run's shared Temporal dev server and a task queue of this
 * file's own. Nothing is mocked between them.
 */
import { randomBytes } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities } from '../../activities/index.js';
import type { ReconciliationSweepReport } from '../../activities/types.js';
import type { HostResolver } from '../../activities/outbound-target.js';
import { startApiServer, type ApiServer } from '../../api/server.js';
import { encryptingDataConverter } from '../../codec/data-converter.js';
import { loadConfig } from '../../config/config.js';
import { createLogger } from '../../config/logger.js';
import { createSimulator, type SimulatorOptions } from '../../simulator/index.js';
import { createWooshPayClient, type WooshPayClient } from '../../wooshpay/index.js';
import type { PaymentSettings } from '../../workflows/messages.js';
import { reconciliationSweepWorkflow } from '../../workflows/reconciliation-sweep.js';
import { createPaymentWorker } from '../../worker/worker.js';
import { bundlePaymentWorkflows, connectTestEnv, uniqueTaskQueue } from '../harness/temporal.js';

export const API_KEY = 'test_api_key_0123456789';
export const NOTIFY_SECRET = 'notify_secret_0123456789';

/** Short timers so a test sees what production does over minutes and days. */
export const TEST_SETTINGS: PaymentSettings = {
  reconcileFirstMs: 60_000,
  reconcileIntervalMs: 60_000,
  retentionMs: 60 * 60_000,
  refundsEnabled: true,
  refundPollMs: 60_000,
  disputeReminderLeadMs: 60_000,
  lateFundsPolicy: 'review',
  maxRefunds: 100,
};

export interface Stack {
  env: TestWorkflowEnvironment;
  api: ApiServer;
  simulatorUrl: string;
  wooshpay: WooshPayClient;
  taskQueue: string;
  worker: Worker;
  /** Calls the intake API with the test key. */
  call(method: string, path: string, options?: { body?: unknown; idempotencyKey?: string; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  /** Calls a simulator control endpoint (`/_sim/…`). */
  sim(path: string, body?: unknown): Promise<any>;
  /** Removes every active simulator fault. */
  clearFaults(): Promise<void>;
  /**
   * Runs one reconciliation sweep of this stack's payments now, as the schedule would, reading every waiting
   * payment whatever its age; resolves with the sweep's report.
   */
  sweep(): Promise<ReconciliationSweepReport>;
  /** Polls GET /v1/payments/:id until `predicate` holds. */
  waitForPayment(id: string, predicate: (p: any) => boolean, timeoutMs?: number): Promise<any>;
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  /** Stops the API and the worker, then starts both again with these PAYLOAD_ENCRYPTION_KEYS (a key rotation). */
  restartWithKeys(encryptionKeys: string): Promise<void>;
  close(): Promise<void>;
}

export interface StackOptions {
  simulator?: SimulatorOptions;
  settings?: Partial<PaymentSettings>;
  createWaitMs?: number;
  /** NOTIFY_ALLOW_PRIVATE_NETWORKS for the API and the worker; on by default (receivers listen on loopback http). */
  allowPrivateNetworks?: boolean;
  /** Where notification hosts resolve, at intake (API) and at delivery (worker); the system resolver otherwise. */
  resolveHost?: { intake?: HostResolver; delivery?: HostResolver };
  /** More configuration, over the stack's own (e.g. API_KEYS with merchants, MERCHANT_NOTIFY_*); API and worker read it. */
  env?: Record<string, string>;
  /** The API's logger (default: silent, or TEST_LOG_LEVEL). */
  logger?: Logger;
  /** PAYLOAD_ENCRYPTION_KEYS for the API and the worker; unset: payloads in clear. */
  encryptionKeys?: string;
}

let sharedBundle: Promise<WorkflowBundleWithSourceMap> | undefined;

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const env = await connectTestEnv();
  sharedBundle ??= bundlePaymentWorkflows();
  const bundle = await sharedBundle;
  const taskQueue = uniqueTaskQueue('e2e');
  const secretKey = `sk_test_${randomBytes(12).toString('hex')}`;

  const simulator = createSimulator({ webhookRetryScale: 0.0001, ...options.simulator });
  const simulatorListening = await simulator.listen(0, '127.0.0.1');
  const wooshpay = createWooshPayClient({ baseUrl: simulatorListening.url, secretKey, timeoutMs: 5_000 });

  // As an operator would: register the endpoint, keep the secret, then point it at where the API listens.
  const endpoint = await wooshpay.createWebhookEndpoint(
    { url: 'http://127.0.0.1:9/webhooks/wooshpay', enabled_events: ['*'] },
    { idempotencyKey: `endpoint-${taskQueue}` },
  );
  const configWith = (encryptionKeys: string | undefined) => loadConfig({
    PAYLOAD_ENCRYPTION_KEYS: encryptionKeys,
    PORT: '0',
    TEMPORAL_ADDRESS: process.env.TEMPORAL_TEST_ADDRESS,
    TEMPORAL_TASK_QUEUE: taskQueue,
    API_KEYS: API_KEY,
    WOOSHPAY_BASE_URL: simulatorListening.url,
    WOOSHPAY_SECRET_KEY: secretKey,
    WOOSHPAY_WEBHOOK_SECRETS: endpoint.secret!,
    NOTIFY_SIGNING_SECRET: NOTIFY_SECRET,
    NOTIFY_ALLOW_PRIVATE_NETWORKS: String(options.allowPrivateNetworks ?? true),
    ...options.env,
  });
  let config = configWith(options.encryptionKeys);
  let api!: ApiServer;
  const startApi = async () => {
    api = await startApiServer({
      config,
      logger: options.logger ?? createLogger('test-api', process.env.TEST_LOG_LEVEL ?? 'silent'),
      settings: { ...TEST_SETTINGS, ...options.settings },
      createWaitMs: options.createWaitMs,
      resolveHost: options.resolveHost?.intake,
    });
    await wooshpay.updateWebhookEndpoint(endpoint.id, { url: `${api.url}/webhooks/wooshpay` }, { idempotencyKey: `endpoint-url-${api.url}` });
  };
  await startApi();

  const activities = createActivities({
    wooshpay,
    notifySigningSecret: config.payments.notifySigningSecret,
    merchantNotifySigningSecrets: config.payments.merchantNotifySigningSecrets,
    outbound: { allowPrivateNetworks: config.payments.notifyAllowPrivateNetworks },
    resolveHost: options.resolveHost?.delivery,
  });
  let worker!: Worker;
  let running: Promise<void> | undefined;
  const startWorker = async () => {
    worker = await createPaymentWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      activities,
      workflowBundle: bundle,
      shutdownGraceTime: '2 seconds',
      dataConverter: encryptingDataConverter(config.encryption.keys),
    });
    running = worker.run();
  };
  const stopWorker = async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
  };
  await startWorker();

  const call: Stack['call'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { Authorization: `Bearer ${API_KEY}`, ...opts.headers };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  };

  const sim: Stack['sim'] = async (path, body) => {
    const res = await fetch(`${simulatorListening.url}${path}`, {
      method: body === undefined && path.startsWith('/_sim/webhooks') ? 'GET' : 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? (path.startsWith('/_sim/webhooks') ? undefined : '{}') : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`simulator ${path} answered ${res.status}: ${text}`);
    return text ? JSON.parse(text) : null;
  };

  const waitForPayment: Stack['waitForPayment'] = async (id, predicate, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    let last: any;
    while (Date.now() < deadline) {
      const res = await call('GET', `/v1/payments/${id}`);
      last = res.body;
      if (res.status === 200 && predicate(last)) return last;
      await new Promise((r) => setTimeout(r, 150));
    }
    throw new Error(`payment ${id} did not reach the expected state; last seen: ${JSON.stringify(last)}`);
  };

  return {
    env,
    get api() {
      return api;
    },
    simulatorUrl: simulatorListening.url,
    wooshpay,
    taskQueue,
    get worker() {
      return worker;
    },
    call,
    sim,
    sweep: () =>
      env.client.workflow.execute(reconciliationSweepWorkflow, {
        taskQueue,
        workflowId: `sweep-${taskQueue}-${randomBytes(4).toString('hex')}`,
        args: [{ taskQueue, sweepEveryMs: 1, longestIntervalMs: 3_600_000 }],
      }),
    async clearFaults() {
      const res = await fetch(`${simulatorListening.url}/_sim/faults`, { method: 'DELETE' });
      if (!res.ok) throw new Error(`clearing faults answered ${res.status}`);
    },
    waitForPayment,
    stopWorker,
    startWorker,
    async restartWithKeys(encryptionKeys) {
      await api.close();
      await stopWorker();
      config = configWith(encryptionKeys);
      await startApi();
      await startWorker();
    },
    async close() {
      await stopWorker().catch(() => undefined);
      await api.close();
      await simulatorListening.close();
      await env.teardown();
    },
  };
}

export function directPayment(overrides: Record<string, unknown> = {}) {
  return { amount: 1_000_000, currency: 'IDR', return_url: 'https://shop.example/return', ...overrides };
}

/** A checkout-integration body: three line items adding up to the amount. */
export function checkoutPayment() {
  return {
    amount: 300_000,
    currency: 'IDR',
    integration: 'checkout',
    success_url: 'https://shop.example/ok',
    cancel_url: 'https://shop.example/no',
    line_items: [{ name: 'Kopi', unit_amount: 100_000, quantity: 3 }],
  };
}

export function newKey(prefix = 'key'): string {
  return `${prefix}-${randomBytes(8).toString('hex')}`;
}

/**
 * A second API on the stack's task queue (so the stack's worker runs its payments) with a key and webhook
 * secret of the caller's, so a test can sign events itself; `temporalAddress` points it elsewhere (a port
 * with nothing listening gives the answers of a Temporal outage).
 */
export async function startSideApi(
  stack: Stack,
  options: { apiKey: string; webhookSecret: string; temporalAddress?: string },
): Promise<ApiServer> {
  return startApiServer({
    config: loadConfig({
      PORT: '0',
      TEMPORAL_ADDRESS: options.temporalAddress ?? process.env.TEMPORAL_TEST_ADDRESS,
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
      API_KEYS: options.apiKey,
      WOOSHPAY_BASE_URL: stack.simulatorUrl,
      WOOSHPAY_SECRET_KEY: 'sk_test_side_api',
      WOOSHPAY_WEBHOOK_SECRETS: options.webhookSecret,
    }),
    logger: createLogger('side-api', process.env.TEST_LOG_LEVEL ?? 'silent'),
  });
}
