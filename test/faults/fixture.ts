/**
 * The product under faults, one per test file: the Temporal dev server and the payment worker as child
 * processes (killed for real with SIGKILL), the WooshPay simulator and the intake API on loopback HTTP in this
 * process (the API in-process so a scenario can shorten its timers, e.g. continue-as-new after N events), and
 * a merchant receiver for notifications. Every answer of the API with a 5xx is recorded for the invariants.
 */
import { randomBytes } from 'node:crypto';
import { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';
import { paymentIdFromKey } from '../../api/idempotency.js';
import { startApiServer, type ApiServer } from '../../api/server.js';
import { temporalConnection } from '../../api/temporal-connection.js';
import { loadConfig } from '../../config/config.js';
import { createLogger } from '../../config/logger.js';
import { createSimulator } from '../../simulator/index.js';
import { createWooshPayClient, signWebhookPayload, type WooshPayClient } from '../../wooshpay/index.js';
import { SIGNATURE_HEADER } from '../../wooshpay/assumptions.js';
import { freePort, startRole, type RoleProcess } from '../helpers/processes.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { directPayment, NOTIFY_SECRET, TEST_SETTINGS } from '../helpers/stack.js';
import { DEFAULT_MERCHANT_ID } from '../../workflows/messages.js';
import { until } from '../cluster/fixture.js';
import { temporalProcess, type TemporalProcess } from './temporal-process.js';

// Polls until a condition holds, errors counting as "not yet" (a process may be between lives).
export { until };

export const API_KEY = 'faults_api_key_0123456789';
const { EventType } = proto.temporal.api.enums.v1;
const TASK_QUEUE = 'faults';

export interface Answer {
  status: number;
  body: any;
}

export interface FaultStack {
  temporal: TemporalProcess;
  client: Client;
  api: ApiServer;
  receiver: Receiver;
  wooshpay: WooshPayClient;
  simulatorUrl: string;
  /** Every 5xx the API answered (to our calls and to WooshPay's deliveries), with where it came from. */
  fiveXX: { where: string; status: number }[];
  /** Payments this file created: what the invariants check. */
  paymentIds: Set<string>;
  call(method: string, path: string, options?: { body?: unknown; idempotencyKey?: string }): Promise<Answer>;
  sim(path: string, body?: unknown): Promise<any>;
  fault(body: unknown): Promise<void>;
  clearFaults(): Promise<void>;
  /** Creates a payment as a merchant backend does: the same key again until the intake answers with it. */
  createPayment(key: string, overrides?: Record<string, unknown>, timeoutMs?: number): Promise<any>;
  /** Asks for a refund as a merchant backend does: the same key again until the API answers with it. */
  refund(paymentId: string, key: string, amount: number, timeoutMs?: number): Promise<any>;
  waitForPayment(id: string, predicate: (p: any) => boolean, timeoutMs?: number): Promise<any>;
  /** An event as WooshPay stored it, signed now with the endpoint's secret: the bytes and header of a delivery. */
  signedEvent(eventId: string, timestamp?: number): Promise<{ rawBody: string; header: string }>;
  deliver(delivery: { rawBody: string; header: string }): Promise<Answer>;
  startWorker(): Promise<RoleProcess>;
  killWorker(): Promise<void>;
  close(): Promise<void>;
}

export async function startFaultStack(options: { webhookRetryScale?: number; workerEnv?: Record<string, string> } = {}): Promise<FaultStack> {
  const temporal = await temporalProcess();
  await temporal.start();
  const receiver = await startReceiver();
  const simulator = await createSimulator({ webhookRetryScale: options.webhookRetryScale ?? 0.0001 }).listen(0, '127.0.0.1');
  const secretKey = `sk_test_${randomBytes(12).toString('hex')}`;
  const wooshpay = createWooshPayClient({ baseUrl: simulator.url, secretKey, timeoutMs: 5_000 });
  const endpoint = await wooshpay.createWebhookEndpoint(
    { url: 'http://127.0.0.1:9/webhooks/wooshpay', enabled_events: ['*'] },
    { idempotencyKey: randomBytes(8).toString('hex') },
  );
  const config = loadConfig({
    PORT: '0',
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    API_KEYS: API_KEY,
    WOOSHPAY_BASE_URL: simulator.url,
    WOOSHPAY_SECRET_KEY: secretKey,
    WOOSHPAY_WEBHOOK_SECRETS: endpoint.secret!,
    NOTIFY_SIGNING_SECRET: NOTIFY_SECRET,
  });
  const fiveXX: FaultStack['fiveXX'] = [];
  const api = await startApiServer({
    config,
    logger: createLogger('faults-api', process.env.TEST_LOG_LEVEL ?? 'silent'),
    // Reconciliation an hour out: a payment here moves by its webhooks, so a lost or doubled one shows.
    settings: {
      ...TEST_SETTINGS,
      reconcileFirstMs: 3_600_000,
      reconcileIntervalMs: 3_600_000,
      defaultNotifyUrl: receiver.url,
      notificationRetry: { initialIntervalMs: 200, maximumIntervalMs: 1_000 },
    },
    onWebhookOutcome: (outcome, eventType) => {
      if (outcome === 'unavailable') fiveXX.push({ where: `webhook ${eventType ?? '?'}`, status: 503 });
    },
  });
  await wooshpay.updateWebhookEndpoint(endpoint.id, { url: `${api.url}/webhooks/wooshpay` }, { idempotencyKey: randomBytes(8).toString('hex') });
  // Built as the API builds its own: a retry still waiting when the suite closes it ends cancelled, not thrown.
  const client = new Client({ connection: temporalConnection(temporal.address) });
  const workerEnv = {
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    WOOSHPAY_BASE_URL: simulator.url,
    WOOSHPAY_SECRET_KEY: secretKey,
    NOTIFY_SIGNING_SECRET: NOTIFY_SECRET,
    // The receiver listens on loopback over plain http.
    NOTIFY_ALLOW_PRIVATE_NETWORKS: 'true',
    TEMPORAL_LOG_LEVEL: 'WARN',
    ...options.workerEnv,
  };
  let worker: RoleProcess | undefined;
  const paymentIds = new Set<string>();

  const { call, untilAnswered, waitForPayment } = merchantCalls(api.url, fiveXX);
  const sim = simulatorCalls(simulator.url);

  return {
    temporal,
    client,
    api,
    receiver,
    wooshpay,
    simulatorUrl: simulator.url,
    fiveXX,
    paymentIds,
    call,
    sim,
    async fault(body) {
      await sim('/_sim/faults', body);
    },
    async clearFaults() {
      await fetch(`${simulator.url}/_sim/faults`, { method: 'DELETE' });
    },
    async createPayment(key, overrides = {}, timeoutMs = 120_000) {
      const payment = await untilAnswered('POST', '/v1/payments', directPayment(overrides), key, timeoutMs).catch(async (err: Error) => {
        // A create that never answers is the one failure a log-less run cannot explain afterwards: say where it stood.
        throw new Error(`${err.message}\n${await whereItStands(client, paymentIdFromKey(DEFAULT_MERCHANT_ID, key))}`);
      });
      paymentIds.add(payment.id);
      return payment;
    },
    refund: (paymentId, key, amount, timeoutMs = 120_000) => untilAnswered('POST', `/v1/payments/${paymentId}/refunds`, { amount }, key, timeoutMs),
    waitForPayment,
    async signedEvent(eventId, timestamp) {
      const res = await fetch(`${simulator.url}/v1/events/${eventId}`, { headers: { Authorization: `Basic ${Buffer.from(`${secretKey}:`).toString('base64')}` } });
      if (!res.ok) throw new Error(`event ${eventId}: ${res.status}`);
      const rawBody = await res.text();
      return { rawBody, header: signWebhookPayload({ rawBody, secret: endpoint.secret!, timestamp }) };
    },
    async deliver({ rawBody, header }) {
      const res = await fetch(`${api.url}/webhooks/wooshpay`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', [SIGNATURE_HEADER]: header },
        body: rawBody,
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    async startWorker() {
      worker = startRole('worker/main.ts', { ...workerEnv, METRICS_PORT: String(await freePort()) });
      await worker.waitForLog((l) => l.msg === 'worker polling', 120_000);
      return worker;
    },
    async killWorker() {
      await worker?.kill('SIGKILL');
    },
    async close() {
      await worker?.kill('SIGKILL');
      await api.close();
      await simulator.close();
      await receiver.close();
      await client.connection.close().catch(() => undefined);
      await temporal.dispose();
    },
  };
}

/** The merchant's side of the API: every 5xx it answers is recorded. */
function merchantCalls(apiUrl: string, fiveXX: FaultStack['fiveXX']) {
  const call: FaultStack['call'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { Authorization: `Bearer ${API_KEY}` };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;
    const res = await fetch(`${apiUrl}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    const text = await res.text();
    if (res.status >= 500) fiveXX.push({ where: `${method} ${path}`, status: res.status });
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  /** The same request with the same key until it gets a 2xx; a 4xx is a refusal and ends it. */
  const untilAnswered = async (method: string, path: string, body: unknown, key: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await call(method, path, { body, idempotencyKey: key }).catch(() => undefined);
      if (res && res.status >= 200 && res.status < 300) return res.body;
      if (res && res.status < 500) throw new Error(`${method} ${path} (${key}) answered ${res.status}: ${JSON.stringify(res.body)}`);
      if (Date.now() > deadline) throw new Error(`${method} ${path} (${key}): no answer within ${timeoutMs} ms (last ${res?.status})`);
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  const waitForPayment: FaultStack['waitForPayment'] = async (id, predicate, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    let last: any;
    while (Date.now() < deadline) {
      const res = await call('GET', `/v1/payments/${id}`).catch(() => undefined);
      last = res?.body;
      if (res?.status === 200 && predicate(last)) return last;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`payment ${id} did not reach the expected state; last seen: ${JSON.stringify(last)}`);
  };
  return { call, untilAnswered, waitForPayment };
}

/** The payment's workflow as Temporal sees it: its status, its pending activities and its last events. */
async function whereItStands(client: Client, paymentId: string): Promise<string> {
  try {
    const handle = client.workflow.getHandle(paymentId);
    const { status, raw } = await handle.describe();
    const pending = (raw.pendingActivities ?? []).map((a) => ({
      type: a.activityType?.name,
      attempt: a.attempt,
      state: a.state,
      lastFailure: a.lastFailure?.message,
      nextAttemptInMs: a.nextAttemptScheduleTime?.seconds ? Number(a.nextAttemptScheduleTime.seconds) * 1000 - Date.now() : null,
    }));
    const events = (await handle.fetchHistory()).events ?? [];
    const last = events.slice(-15).map((e) => `${String(e.eventId)}:${EventType[e.eventType ?? 0]}@${tsToMs(e.eventTime)}`);
    return `payment ${paymentId} is ${status.name}; pending activities ${JSON.stringify(pending)}; ${events.length} events, the last: ${last.join(' ')}`;
  } catch (err) {
    return `payment ${paymentId}: ${(err as Error).message}`;
  }
}

/** The simulator's test controls (`/_sim/…`). */
function simulatorCalls(simulatorUrl: string): FaultStack['sim'] {
  return async (path, body) => {
    const get = body === undefined && path.startsWith('/_sim/webhooks');
    const res = await fetch(`${simulatorUrl}${path}`, {
      method: get ? 'GET' : 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: get ? undefined : JSON.stringify(body ?? {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`simulator ${path} answered ${res.status}: ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

/** One line per scenario for the lead's note: jest prints it, and the suite's summary collects it. */
export function record(scenario: string, figures: Record<string, unknown>): void {
  process.stderr.write(`\nFAULTS ${scenario} ${JSON.stringify(figures)}\n`);
}

/** The ids of the events of this type WooshPay emitted about this object (from its delivery log). */
export async function eventIdsFor(stack: FaultStack, type: string, objectId: string): Promise<string[]> {
  const log = (await stack.sim(`/_sim/webhooks?event_type=${type}`)).data as { event_id: string }[];
  const ids: string[] = [];
  for (const eventId of new Set(log.map((a) => a.event_id))) {
    const { rawBody } = await stack.signedEvent(eventId);
    if (JSON.parse(rawBody).data.object.id === objectId) ids.push(eventId);
  }
  return ids;
}

/** The payment's workflow once it is no longer running (closed), as Temporal describes it. */
export async function closedRun(stack: FaultStack, paymentId: string, timeoutMs = 60_000) {
  return until(() => stack.client.workflow.getHandle(paymentId).describe(), (d) => d.status.name !== 'RUNNING', timeoutMs, `${paymentId} closed`);
}

export function notificationsOf(stack: FaultStack, paymentId: string, type: string) {
  return stack.receiver.received.filter((n) => n.body.type === type && n.body.data.object.id === paymentId);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
