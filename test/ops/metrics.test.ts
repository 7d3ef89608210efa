/**
 * Observability over real sockets: the worker runtime's Prometheus exporter (Temporal core metrics and the
 * payment counters, counted once despite replays), the API's GET /metrics on its own port (latency by route template,
 * webhook outcomes) and its request log (payment id, never secrets).
 */
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import { pino } from 'pino';
import { startApiServer, type ApiServer } from '../../api/server.js';
import { loadConfig } from '../../config/config.js';
import { signWebhookPayload } from '../../wooshpay/index.js';
import type { DisputeRecord, PaymentRecord, RefundRecord } from '../../workflows/messages.js';
import { paymentMetricsTracker, type PaymentMetricSink } from '../../workflows/payment-metrics.js';
import { initialRecord } from '../../workflows/payment-state.js';
import { installRuntime } from '../../worker/runtime.js';
import { connectTestEnv, uniqueTaskQueue } from '../harness/temporal.js';
import { metricsProbe, publishUpdate } from './fixtures/metrics-probe-workflow.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The value of one Prometheus sample whose labels include all of `labels` (undefined when absent). */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = /\{(.*)\}/.exec(line)?.[1] ?? '';
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) return Number(line.split(' ').pop());
  }
  return undefined;
}

const record = (overrides: Partial<PaymentRecord> = {}): PaymentRecord => ({
  ...initialRecord({
    paymentId: 'pay_k3vq7x2mhd4nq6rj5wz2a7bc',
    requestFingerprint: 'f',
    intakeId: 'i',
    amount: 10_000,
    currency: 'IDR',
    integration: 'direct',
    metadata: {},
    expiresAt: 1_767_312_000_000,
    createdAt: 1_767_225_600_000,
  }),
  ...overrides,
});
const refund = (status: RefundRecord['status']): RefundRecord => ({
  id: 're_p7m2c4x9kq3vd6wz2hn5rt8a',
  object: 'refund',
  payment: 'pay_k3vq7x2mhd4nq6rj5wz2a7bc',
  amount: 4_000,
  currency: 'IDR',
  status,
  reason: null,
  provider_refund: null,
  failure_reason: null,
  metadata: {},
  created: 1,
});
const dispute = (status: DisputeRecord['status']): DisputeRecord => ({
  id: 'dp_1',
  amount: 10_000,
  currency: 'IDR',
  reason: null,
  status,
  evidence_due_by: null,
  evidence_submitted: false,
  past_due: false,
  funds_withdrawn: true,
  funds_reinstated: false,
  created: 2,
});

/** A payment's life as the workflow would publish it; the last record is published twice. */
const LIFE: PaymentRecord[] = [
  record(),
  record({ status: 'requires_action' }),
  record({ status: 'succeeded', refunds: [refund('pending')] }),
  record({ status: 'disputed', refunds: [refund('succeeded')], dispute: dispute('needs_response') }),
  record({ status: 'charged_back', refunds: [refund('succeeded')], dispute: dispute('lost') }),
  record({ status: 'charged_back', refunds: [refund('succeeded')], dispute: dispute('lost') }),
];

describe('payment metrics tracker', () => {
  function counting() {
    const counts: string[] = [];
    const sink: PaymentMetricSink = {
      status: (s) => counts.push(`status:${s}`),
      refund: (s) => counts.push(`refund:${s}`),
      dispute: (s) => counts.push(`dispute:${s}`),
    };
    return { counts, sink };
  }

  it('counts each change of status, refund status and dispute status once', () => {
    const { counts, sink } = counting();
    const tracker = paymentMetricsTracker(undefined, sink);
    for (const r of LIFE) tracker.observe(r);
    expect(counts).toEqual([
      'status:processing',
      'status:requires_action',
      'status:succeeded',
      'refund:pending',
      'status:disputed',
      'refund:succeeded',
      'dispute:needs_response',
      'status:charged_back',
      'dispute:lost',
    ]);
  });

  it('does not count again what a run continued from (continue-as-new)', () => {
    const { counts, sink } = counting();
    const tracker = paymentMetricsTracker(LIFE[3], sink);
    tracker.observe(LIFE[3]);
    tracker.observe(LIFE[4]);
    expect(counts).toEqual(['status:charged_back', 'dispute:lost']);
  });
});

describe('worker metrics (Temporal runtime Prometheus exporter)', () => {
  let env: TestWorkflowEnvironment;
  let metricsUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    // Before any connection: the runtime (with its exporter) is the process's one.
    installRuntime(pino({ level: 'silent' }), { handleSignals: false, metricsBindAddress: `127.0.0.1:${port}` });
    env = await connectTestEnv();
  });

  it('exports core metrics and counts payment transitions once, though every task replays the history', async () => {
    const taskQueue = uniqueTaskQueue('metrics');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      workflowBundle: await bundleWorkflowCode({
        workflowsPath: fileURLToPath(new URL('./fixtures/metrics-probe-workflow.ts', import.meta.url)),
        logger: new DefaultLogger('WARN'),
      }),
      // No cache: each workflow task rebuilds the workflow by replaying everything before it.
      maxCachedWorkflows: Number(process.env.PROBE_CACHE ?? 0),
    });
    const published = await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(metricsProbe, {
        taskQueue,
        workflowId: `metrics-probe-${taskQueue}`,
        args: [LIFE[0], LIFE.length],
      });
      for (const r of LIFE.slice(1)) await handle.executeUpdate(publishUpdate, { args: [r] });
      return handle.result();
    });
    expect(published).toBe(LIFE.length);

    const text = await (await fetch(metricsUrl)).text();
    // Labels of metrics emitted from workflow code (the SDK's own metrics use task_queue).
    const q = { taskQueue };
    expect({
      processing: sample(text, 'payments_status_transitions_total', { ...q, status: 'processing' }),
      requires_action: sample(text, 'payments_status_transitions_total', { ...q, status: 'requires_action' }),
      succeeded: sample(text, 'payments_status_transitions_total', { ...q, status: 'succeeded' }),
      disputed: sample(text, 'payments_status_transitions_total', { ...q, status: 'disputed' }),
      charged_back: sample(text, 'payments_status_transitions_total', { ...q, status: 'charged_back' }),
      refund_pending: sample(text, 'payment_refunds_total', { ...q, status: 'pending' }),
      refund_succeeded: sample(text, 'payment_refunds_total', { ...q, status: 'succeeded' }),
      dispute_needs_response: sample(text, 'payment_disputes_total', { ...q, status: 'needs_response' }),
      dispute_lost: sample(text, 'payment_disputes_total', { ...q, status: 'lost' }),
    }).toEqual({
      processing: 1,
      requires_action: 1,
      succeeded: 1,
      disputed: 1,
      charged_back: 1,
      refund_pending: 1,
      refund_succeeded: 1,
      dispute_needs_response: 1,
      dispute_lost: 1,
    });
    // Temporal's own worker metrics on the same endpoint.
    expect(sample(text, 'temporal_workflow_completed_total', { task_queue: taskQueue })).toBe(1);
    // Counted per workflow task; how many tasks a life takes (and whether the last is exported yet) is the SDK's.
    expect(sample(text, 'temporal_workflow_task_execution_latency_count', { task_queue: taskQueue })).toBeGreaterThan(0);
  });
});

describe('API metrics and request log', () => {
  const WEBHOOK_SECRET = 'whsec_metrics_test_secret';
  const lines: Record<string, unknown>[] = [];
  let api: ApiServer;

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const config = loadConfig({
      PORT: '0',
      TEMPORAL_ADDRESS: process.env.TEMPORAL_TEST_ADDRESS,
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('metrics-api'),
      API_KEYS: 'metrics_test_key_0123456789',
      WOOSHPAY_BASE_URL: 'http://127.0.0.1:9',
      WOOSHPAY_SECRET_KEY: 'sk_test_unused',
      WOOSHPAY_WEBHOOK_SECRETS: WEBHOOK_SECRET,
      API_METRICS_PORT: '0',
    });
    api = await startApiServer({ config, logger: pino({ level: 'info' }, sink) });
  });

  afterAll(async () => {
    await api?.close();
  });

  it('times requests by route template, method and status, and counts webhook outcomes', async () => {
    const auth = { Authorization: 'Bearer metrics_test_key_0123456789' };
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    const missing = await fetch(`${api.url}/v1/payments/pay_aaaaaaaaaaaaaaaaaaaaaaaa`, { headers: auth });
    expect(missing.status).toBe(404);
    expect((await fetch(`${api.url}/v1/payments/pay_bbbbbbbbbbbbbbbbbbbbbbbb`, { headers: auth })).status).toBe(404);
    expect((await fetch(`${api.url}/no/such/route`)).status).toBe(404);

    const badSignature = await fetch(`${api.url}/webhooks/wooshpay`, { method: 'POST', body: '{}', headers: { 'Wooshpay-Signature': 't=1,v1=00' } });
    expect(badSignature.status).toBe(400);
    const body = JSON.stringify({ id: 'evt_1', object: 'event', type: 'customer.created', created: Math.floor(Date.now() / 1000), data: { object: { id: 'cus_1', object: 'customer' } } });
    const ignored = await fetch(`${api.url}/webhooks/wooshpay`, {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/json', 'Wooshpay-Signature': signWebhookPayload({ rawBody: body, secret: WEBHOOK_SECRET }) },
    });
    expect(ignored.status).toBe(200);

    // Not beside /v1: the API port has no /metrics, its own listener does (and nothing else).
    expect((await fetch(`${api.url}/metrics`)).status).toBe(404);
    expect(api.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(new URL(api.metricsUrl!).port).not.toBe(new URL(api.url).port);
    expect((await fetch(new URL('/v1/payments', api.metricsUrl))).status).toBe(404);
    const metrics = await fetch(api.metricsUrl!);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await metrics.text();
    const count = (labels: Record<string, string>) => sample(text, 'http_request_duration_seconds_count', labels);
    expect(count({ route: '/v1/payments/:id', method: 'GET', status_code: '404' })).toBe(2);
    expect(count({ route: '/healthz', method: 'GET', status_code: '200' })).toBe(1);
    expect(count({ route: 'unmatched', method: 'GET', status_code: '404' })).toBe(2);
    expect(count({ route: '/webhooks/wooshpay', method: 'POST', status_code: '400' })).toBe(1);
    expect(text).not.toMatch(/pay_aaaa|no\/such/);
    expect(sample(text, 'wooshpay_webhook_outcomes_total', { outcome: 'bad_signature', event_type: 'none' })).toBe(1);
    expect(sample(text, 'wooshpay_webhook_outcomes_total', { outcome: 'ignored_type', event_type: 'customer.created' })).toBe(1);
    expect(text).toMatch(/^process_cpu_seconds_total /m);
  });

  it('logs one JSON line per request with the payment and workflow id, never a key or a body', async () => {
    const key = 'metrics_test_key_0123456789';
    const response = await fetch(`${api.url}/v1/payments/pay_cccccccccccccccccccccccc/refunds?x=1`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Idempotency-Key': 'k1', 'Content-Type': 'application/json', 'X-Request-Id': 'req-abc-1' },
      body: JSON.stringify({ amount: 100, metadata: { note: 'shopper-email@example.com' } }),
    });
    await response.arrayBuffer();
    expect(response.headers.get('x-request-id')).toBe('req-abc-1');
    const line = lines.find((l) => l.requestId === 'req-abc-1');
    expect(line).toEqual(
      expect.objectContaining({
        msg: expect.stringMatching(/^request/),
        method: 'POST',
        route: '/v1/payments/:id/refunds',
        path: '/v1/payments/pay_cccccccccccccccccccccccc/refunds',
        status: response.status,
        paymentId: 'pay_cccccccccccccccccccccccc',
        workflowId: 'pay_cccccccccccccccccccccccc',
        durationMs: expect.any(Number),
      }),
    );
    const all = JSON.stringify(lines);
    expect(all).not.toContain(key);
    expect(all).not.toContain('shopper-email@example.com');
    expect(all).not.toContain('x=1');
  });
});
