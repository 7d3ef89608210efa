/**
 * Nothing is lost when a process dies. The worker and the API run as real child processes and are killed
 * with SIGKILL at the worst moments; the simulator and the Temporal dev server stay up, as they would.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createSimulator } from '../../simulator/index.js';
import { createWooshPayClient, type WooshPayClient } from '../../wooshpay/index.js';
import { freePort, startRole, type RoleProcess } from '../helpers/processes.js';
import { reconciliationScheduleId } from '../../worker/reconciliation-schedule.js';
import { connectTestEnv, uniqueTaskQueue } from '../harness/temporal.js';

const API_KEY = 'durability_key_0123456789';
let simulator: Awaited<ReturnType<ReturnType<typeof createSimulator>['listen']>>;
let wooshpay: WooshPayClient;
let endpointId: string;
let common: Record<string, string>;
let apiEnv: Record<string, string>;
const running: RoleProcess[] = [];

beforeAll(async () => {
  simulator = await createSimulator({ webhookRetryScale: 0.0001 }).listen(0, '127.0.0.1');
  const secretKey = `sk_test_${randomBytes(8).toString('hex')}`;
  wooshpay = createWooshPayClient({ baseUrl: simulator.url, secretKey });
  const endpoint = await wooshpay.createWebhookEndpoint(
    { url: 'http://127.0.0.1:9/webhooks/wooshpay', enabled_events: ['*'] },
    { idempotencyKey: randomBytes(8).toString('hex') },
  );
  endpointId = endpoint.id;
  common = {
    TEMPORAL_ADDRESS: process.env.TEMPORAL_TEST_ADDRESS!,
    TEMPORAL_TASK_QUEUE: uniqueTaskQueue('durability'),
    WOOSHPAY_BASE_URL: simulator.url,
    WOOSHPAY_SECRET_KEY: secretKey,
    NOTIFY_SIGNING_SECRET: 'notify_secret_0123456789',
    TEMPORAL_LOG_LEVEL: 'WARN',
  };
  apiEnv = { ...common, PORT: '0', API_KEYS: API_KEY, WOOSHPAY_WEBHOOK_SECRETS: endpoint.secret! };
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.kill()));
  await fetch(`${simulator.url}/_sim/faults`, { method: 'DELETE' });
});

afterAll(async () => {
  await simulator?.close();
});

async function startWorker(): Promise<RoleProcess> {
  const worker = startRole('worker/main.ts', { ...common, METRICS_PORT: String(await freePort()) });
  running.push(worker);
  await worker.waitForLog((l) => l.msg === 'worker polling');
  return worker;
}

async function startApi(): Promise<{ process: RoleProcess; url: string }> {
  const api = startRole('api/main.ts', apiEnv);
  running.push(api);
  const line = await api.waitForLog((l) => l.msg === 'api listening');
  const url = line.url as string;
  // WooshPay delivers to wherever the API now listens.
  await wooshpay.updateWebhookEndpoint(endpointId, { url: `${url}/webhooks/wooshpay` }, { idempotencyKey: randomBytes(8).toString('hex') });
  return { process: api, url };
}

async function createPayment(apiUrl: string, key: string) {
  const res = await fetch(`${apiUrl}/v1/payments`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${API_KEY}`, 'Idempotency-Key': key, 'Content-Type': 'application/json' },
    body: JSON.stringify({ amount: 750_000, currency: 'IDR', return_url: 'https://shop.example/r' }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function getPayment(apiUrl: string, id: string) {
  const res = await fetch(`${apiUrl}/v1/payments/${id}`, { headers: { Authorization: `Bearer ${API_KEY}` } });
  return (await res.json()) as Record<string, any>;
}

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (ok(last)) return last;
    } catch {
      // The process may be between lives; ask again.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`condition not met; last: ${JSON.stringify(last)}`);
}

async function intentsOf(paymentId: string) {
  return (await wooshpay.searchPaymentIntents({ query: `metadata['payment_id']:'${paymentId}'` })).data;
}

async function fault(body: unknown) {
  const res = await fetch(`${simulator.url}/_sim/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.ok).toBe(true);
}

describe('process death', () => {
  it('a worker killed while WooshPay creates the intent leaves one payment that completes when a worker is back', async () => {
    const { url } = await startApi();
    const firstWorker = await startWorker();
    // WooshPay takes 3 s to answer the create: long enough to kill the worker while the call is in flight.
    await fault({ kind: 'latency', latencyMs: 3_000, pathPrefix: '/v1/payment_intents', method: 'POST', times: 1 });
    const key = `kill-worker-${randomBytes(6).toString('hex')}`;
    const pending = createPayment(url, key);
    await until(
      async () => (await fetch(`${simulator.url}/_sim/faults`)).json() as Promise<{ faults: unknown[] }>,
      ({ faults }) => faults.length === 0, // the latency fault was used: the create reached WooshPay
      10_000,
    );
    await firstWorker.kill('SIGKILL');
    await startWorker();

    // The intake answers 201 once the retried activity finds the intent WooshPay made (same idempotency key),
    // or 503 "still processing" first; a retry with the same key then gives the payment.
    const first = await pending;
    const created = first.status === 201 ? first : await until(() => createPayment(url, key), (r) => r.status === 200, 90_000);
    expect(created.body.status).toBe('requires_action');
    expect(await intentsOf(created.body.id)).toHaveLength(1);

    await fetch(`${simulator.url}/_sim/payment_intents/${created.body.payment_intent}/succeed`, { method: 'POST' });
    const paid = await until(() => getPayment(url, created.body.id), (p) => p.status === 'succeeded');
    expect(paid.payment_intent).toBe(created.body.payment_intent);
  });

  it('a payment paid while no worker runs completes when a worker is back', async () => {
    const { url } = await startApi();
    const worker = await startWorker();
    const created = await createPayment(url, `paid-while-down-${randomBytes(6).toString('hex')}`);
    expect(created.status).toBe(201);
    await worker.kill('SIGKILL');

    // The webhook is accepted while no worker runs: the signal is durable in the payment's history.
    await fetch(`${simulator.url}/_sim/payment_intents/${created.body.payment_intent}/succeed`, { method: 'POST' });
    await until(
      async () => (await fetch(`${simulator.url}/_sim/webhooks?event_type=payment_intent.succeeded`)).json() as Promise<any>,
      (log) => log.data.some((attempt: any) => attempt.outcome === 'succeeded' && attempt.status === 200),
      20_000,
    );
    await startWorker();
    const paid = await until(() => getPayment(url, created.body.id), (p) => p.status === 'succeeded');
    expect(await intentsOf(paid.id)).toHaveLength(1);
  });

  it('an API killed before it replied leaves one payment; the retry with the same key returns it', async () => {
    await startWorker();
    const first = await startApi();
    await fault({ kind: 'latency', latencyMs: 1_500, pathPrefix: '/v1/payment_intents', method: 'POST', times: 1 });
    const key = `kill-api-${randomBytes(6).toString('hex')}`;
    const lost = createPayment(first.url, key).catch((err: unknown) => err);
    await new Promise((r) => setTimeout(r, 500));
    await first.process.kill('SIGKILL');
    // The caller saw the connection die (undici's TypeError comes from another realm than jest's Error).
    expect(String(await lost)).toMatch(/fetch failed/);

    const second = await startApi();
    const retried = await until(() => createPayment(second.url, key), (r) => r.status === 200 || r.status === 201, 60_000);
    expect(retried.body.status).toBe('requires_action');
    expect(await intentsOf(retried.body.id)).toHaveLength(1);
    const again = await createPayment(second.url, key);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(retried.body.id);
  });

  it('a worker schedules the reconciliation sweep from its configuration; the next worker brings it in line', async () => {
    const env = await connectTestEnv();
    const scheduleId = reconciliationScheduleId(common.TEMPORAL_TASK_QUEUE);
    const schedule = env.client.schedule.getHandle(scheduleId);
    // The worker ensures the schedule in the background once it is up: wait for it to appear.
    const described = async () => (await until(() => schedule.describe().catch(() => undefined), (d) => d !== undefined, 20_000))!;
    try {
      const first = await startWorker();
      const before = await described();
      expect(before.spec.intervals).toMatchObject([{ every: 600_000 }]);
      expect(before.action).toMatchObject({
        workflowType: 'reconciliationSweepWorkflow',
        taskQueue: common.TEMPORAL_TASK_QUEUE,
        args: [{ taskQueue: common.TEMPORAL_TASK_QUEUE, sweepEveryMs: 600_000, longestIntervalMs: 3_600_000 }],
      });
      await first.kill('SIGKILL');
      running.splice(running.indexOf(first), 1);

      const second = startRole('worker/main.ts', { ...common, METRICS_PORT: String(await freePort()), RECONCILE_FIRST_SECONDS: '120', RECONCILE_INTERVAL_SECONDS: '900' });
      running.push(second);
      const after = await until(described, (d) => d.spec.intervals?.[0]?.every === 120_000, 20_000);
      expect(after.action).toMatchObject({ args: [{ sweepEveryMs: 120_000, longestIntervalMs: 900_000 }] });
    } finally {
      await schedule.delete().catch(() => undefined);
    }
  });
});
