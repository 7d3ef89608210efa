/**
 * Property-based fuzzing of intake, refunds, the list and the webhook route against the real stack (API,
 * worker, simulator, Temporal dev server). Requests are generated from the request shapes (valid bodies of
 * both integrations and both line-item shapes) and then mutated: wrong types, unknown and misplaced fields,
 * huge strings, bad JSON, wrong content types, bad cursors, odd headers. Every answer must be
 * - no 5xx, and one the API's own OpenAPI document describes (status, body, headers);
 * - the document's verdict: a body the document allows (and whose line items add up to its amount, the one
 *   rule the document states in words) is never refused with 400, and one it does not allow always is;
 * - given within a bound. The bound is a correctness check against hanging (a request that never answers, or
 *   answers only after a 20 s timeout as a bad cursor once did), not a speed measurement: it is generous.
 * No workflow may exist for a request the API refused: every payment workflow on the stack's task queue is one
 * the API reported, and a payment's refunds are exactly the 201s. Figures (cases, slowest answer) are logged.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { ApiServer } from '../../api/server.js';
import { signWebhookPayload } from '../../wooshpay/index.js';
import { DocumentReader } from '../helpers/openapi-document.js';
import { directPayment, newKey, startSideApi, startStack, type Stack } from '../helpers/stack.js';
import { bodyCase, type FuzzCase, queryCase, refundCase, webhookCase } from '../helpers/api-fuzz-cases.js';

const KEY = 'fuzz_test_key_0123456789';
const SECRET = 'whsec_fuzz_test_secret_0123456789';
/** Bad input must be answered at once; accepted work may wait on WooshPay through the workflow. */
const REFUSAL_BOUND_MS = 2_000;
const ACCEPTED_BOUND_MS = 10_000;
/** What the JSON routes read (api/routes/express.ts); the document's 413. */
const JSON_BODY_LIMIT_BYTES = 100 * 1024;

let stack: Stack;
let api: ApiServer;
let doc: DocumentReader;
const figures = { cases: 0, slowestMs: 0, slowest: '', byStatus: {} as Record<number, number> };
/** Payments the API said it made (201, 200) or made and failed (422 with `payment`). */
const reportedPayments = new Set<string>();

beforeAll(async () => {
  stack = await startStack();
  await stack.sim('/_sim/settings', { refundAutoSettleMs: null, refundsSupported: true });
  // Shares the stack's task queue and worker; its key and webhook secret are the test's own.
  api = await startSideApi(stack, { apiKey: KEY, webhookSecret: SECRET });
  doc = await DocumentReader.load(api.url);
});
afterAll(async () => {
  console.log(`api fuzz: ${JSON.stringify(figures)}`);
  await api?.close();
  await stack?.close();
});

interface Sent {
  status: number;
  json: any;
  ms: number;
}

/** Sends one case and checks what holds for every answer: no 5xx, documented, within its bound. */
async function send(c: FuzzCase): Promise<Sent> {
  const headers: Record<string, string> = { Authorization: `Bearer ${KEY}`, ...c.headers };
  for (const [name, value] of Object.entries(headers)) if (value === '') delete headers[name];
  if (c.sign) headers['Wooshpay-Signature'] = signWebhookPayload({ rawBody: c.raw ?? '', secret: SECRET });
  const started = performance.now();
  const res = await fetch(`${api.url}${c.path}`, { method: c.method, headers, body: c.raw, signal: AbortSignal.timeout(ACCEPTED_BOUND_MS * 2) });
  const text = await res.text();
  const ms = Math.round(performance.now() - started);
  figures.cases++;
  figures.byStatus[res.status] = (figures.byStatus[res.status] ?? 0) + 1;
  if (ms > figures.slowestMs) Object.assign(figures, { slowestMs: ms, slowest: `${c.method} ${c.path.slice(0, 60)} → ${res.status}` });
  const what = `${c.what}: ${c.method} ${c.path} ${JSON.stringify(c.headers)} ${(c.raw ?? '').slice(0, 300)} → ${res.status} ${text.slice(0, 300)}`;
  expect({ what, serverError: res.status >= 500 }).toEqual({ what, serverError: false });
  expect({ what, problems: doc.problems(c.method, c.path, { status: res.status, headers: res.headers, text }) }).toEqual({ what, problems: [] });
  const bound = res.status < 300 || res.status === 409 || res.status === 422 ? ACCEPTED_BOUND_MS : REFUSAL_BOUND_MS;
  expect({ what, withinBound: ms <= bound }).toEqual({ what, withinBound: true });
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  const payment = json?.object === 'payment' ? json.id : json?.error?.payment;
  if (typeof payment === 'string' && c.path === '/v1/payments') reportedPayments.add(payment);
  return { status: res.status, json, ms };
}

/** The document's verdict on a JSON body, with the rule it states in words (line items add up to the amount). */
function documentAllows(operationId: string, body: unknown): boolean {
  const op = doc.operations().find((o) => o.operation.operationId === operationId)!.operation;
  if (!doc.allowsBody(op, body)) return false;
  const b = body as { amount?: number; line_items?: ({ unit_amount?: number; quantity: number; price_data?: { unit_amount: number } })[] };
  if (!b.line_items) return true;
  const total = b.line_items.reduce((sum, li) => sum + (li.price_data?.unit_amount ?? li.unit_amount ?? 0) * li.quantity, 0);
  return total === b.amount;
}

function expectVerdict(c: FuzzCase, sent: Sent, operationId: string, accepted: number[]) {
  const what = `${c.what}: ${(c.raw ?? '').slice(0, 300)} → ${sent.status} ${JSON.stringify(sent.json).slice(0, 300)}`;
  if (c.json === undefined || !c.wellFormed) {
    expect({ what, refused: sent.status >= 400 && sent.status < 500 }).toEqual({ what, refused: true });
    return;
  }
  if (Buffer.byteLength(c.raw ?? '') > JSON_BODY_LIMIT_BYTES) {
    expect({ what, status: sent.status }).toEqual({ what, status: 413 });
    return;
  }
  const allowed = documentAllows(operationId, c.json);
  expect({ what, status: allowed ? accepted.includes(sent.status) : sent.status === 400 }).toEqual({ what, status: true });
}

const RUNS = Number(process.env.FUZZ_RUNS ?? 120);

/** Runs a property; a failure is reported by its case's description, not the (possibly 1 MB) case itself. */
async function fuzz(cases: fc.Arbitrary<FuzzCase>, numRuns: number, check: (c: FuzzCase) => Promise<void>): Promise<void> {
  const result = await fc.check(fc.asyncProperty(cases, check), { numRuns });
  if (!result.failed) return;
  const [c] = result.counterexample ?? [];
  const error = (result.errorInstance as Error | undefined)?.message ?? String(result.errorInstance);
  throw new Error(`seed ${result.seed}, ${result.numRuns} runs, shrunk ${result.numShrinks}: ${c?.what} ${c?.method} ${c?.path} ${(c?.raw ?? '').slice(0, 400)}\n${error.slice(0, 2_000)}`);
}

describe('fuzzing the API against its OpenAPI document', () => {
  it('POST /v1/payments: the document’s verdict, no 5xx, no workflow for refused input', async () => {
    // Warm the worker so the first payment is not judged on the workflow bundle's first load.
    const warm = await stack.call('POST', '/v1/payments', { idempotencyKey: newKey('warm'), body: directPayment() });
    expect(warm.status).toBe(201);
    reportedPayments.add(warm.body.id);
    await fuzz(bodyCase(), RUNS, async (c) => {
      const sent = await send(c);
      expectVerdict(c, sent, 'createPayment', [201, 422]);
    });
    // Every workflow on the task queue is a payment the API reported; visibility lags, so wait until it shows
    // at least the reported ones (an extra one, started for a refused request, would show too).
    expect(reportedPayments.size).toBeGreaterThan(RUNS / 10);
    let all: string[] = [];
    for (const deadline = Date.now() + 15_000; all.length < reportedPayments.size && Date.now() < deadline; ) {
      all = [];
      for await (const wf of stack.env.client.workflow.list({ query: `TaskQueue = '${stack.taskQueue}'` })) all.push(wf.workflowId);
    }
    expect(all.filter((id) => !reportedPayments.has(id))).toEqual([]);
    expect(all.length).toBe(reportedPayments.size);
  }, 600_000);

  it('POST /v1/payments/{id}/refunds: the document’s verdict, no 5xx, refunds exactly the 201s', async () => {
    const created = await stack.call('POST', '/v1/payments', { idempotencyKey: newKey('fuzz-paid'), body: directPayment({ amount: 1_000_000_000 }) });
    await stack.sim(`/_sim/payment_intents/${created.body.payment_intent}/succeed`);
    const paid = await stack.waitForPayment(created.body.id, (p) => p.status === 'succeeded');
    let refunded = 0;
    await fuzz(refundCase(paid.id), Math.min(RUNS, 80), async (c) => {
      const sent = await send(c);
      expectVerdict(c, sent, 'createRefund', [201, 409, 422]);
      if (sent.status === 201) refunded += sent.json.amount;
    });
    const after = await stack.waitForPayment(paid.id, () => true);
    expect(after.amount_refunded + after.amount_refund_pending).toBe(refunded);
  }, 600_000);

  it('GET /v1/payments: any query answers 200 or 400, never a 5xx or a wait', async () => {
    await fuzz(queryCase(), RUNS, async (c) => {
      const sent = await send(c);
      expect([200, 400]).toContain(sent.status);
    });
  }, 300_000);

  it('POST /webhooks/wooshpay: only a signed WooshPay event is taken; nothing else reaches a payment', async () => {
    const created = await stack.call('POST', '/v1/payments', { idempotencyKey: newKey('fuzz-hook'), body: directPayment() });
    const target = created.body;
    const signals = async () =>
      (await stack.env.client.workflow.getHandle(target.id).fetchHistory()).events?.filter((e) => e.workflowExecutionSignaledEventAttributes).length ?? 0;
    const before = await signals();
    await fuzz(webhookCase(target), RUNS, async (c) => {
      const sent = await send(c);
      const what = `${c.what} → ${sent.status}`;
      // Signed and an event: taken (200); anything else: refused (4xx), and never signalled.
      expect({ what, status: c.sign && c.wellFormed ? sent.status === 200 : sent.status >= 400 && sent.status < 500 }).toEqual({ what, status: true });
    });
    expect(await signals()).toBe(before);
  }, 300_000);
});
