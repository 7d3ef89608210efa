/**
 * The API against its own OpenAPI document (GET /openapi.json), over real HTTP with the real worker,
 * simulator and Temporal dev server: every answer of every request here must be one the document describes
 * (status, body against its schema, the headers it names), and every status the document lists for every
 * operation is reached by a request in the table below. A second API whose Temporal address has nothing
 * listening gives the 503s as a Temporal outage does.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ApiServer } from '../../api/server.js';
import { signWebhookPayload } from '../../wooshpay/index.js';
import { type Answer, DocumentReader } from '../helpers/openapi-document.js';
import { checkoutPayment, directPayment, newKey, startSideApi, startStack, type Stack } from '../helpers/stack.js';

const KEY = 'contract_test_key_0123456789';
const SECRET = 'whsec_contract_test_secret_0123456789';
const UNKNOWN_PAYMENT = 'pay_aaaaaaaaaaaaaaaaaaaaaaaa';

let stack: Stack;
let live: ApiServer;
let down: ApiServer;
let doc: DocumentReader;
const problems: string[] = [];
/** `operationId status` of every answer seen. */
const reached = new Set<string>();

/** A port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  stack = await startStack();
  await stack.sim('/_sim/settings', { refundAutoSettleMs: null, refundsSupported: true });
  live = await startSideApi(stack, { apiKey: KEY, webhookSecret: SECRET });
  down = await startSideApi(stack, { apiKey: KEY, webhookSecret: SECRET, temporalAddress: `127.0.0.1:${await closedPort()}` });
  doc = await DocumentReader.load(live.url);
});
afterAll(async () => {
  await down?.close();
  await live?.close();
  await stack?.close();
});

interface Request {
  method: string;
  path: string;
  body?: unknown;
  /** Sent as it is, with `contentType` (default JSON). */
  raw?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  auth?: string | null;
  idempotencyKey?: string;
  on?: ApiServer;
}

/** Sends a request and judges the answer by the document; every answer is recorded as reached. */
async function send(request: Request): Promise<Answer & { json: any }> {
  const headers: Record<string, string> = { ...request.headers };
  if (request.auth !== null) headers.Authorization = `Bearer ${request.auth ?? KEY}`;
  if (request.idempotencyKey) headers['Idempotency-Key'] = request.idempotencyKey;
  const body = request.raw ?? (request.body === undefined ? undefined : JSON.stringify(request.body));
  if (body !== undefined) headers['Content-Type'] ??= request.contentType ?? 'application/json';
  const res = await fetch(`${(request.on ?? live).url}${request.path}`, { method: request.method, headers, body });
  const answer = { status: res.status, headers: res.headers, text: await res.text() };
  problems.push(...doc.problems(request.method, request.path, answer));
  const { path, operation } = doc.reached(request.method, request.path);
  const id = operation?.operationId ?? (path && Object.values(doc.doc.paths[path]).map((op) => op.operationId as string));
  for (const operationId of [id ?? []].flat()) reached.add(`${operationId} ${answer.status}`);
  let json: any = null;
  try {
    json = JSON.parse(answer.text);
  } catch {
    // Not JSON (metrics): judged by its documented media type above.
  }
  return { ...answer, json };
}

async function created(body: unknown = directPayment()): Promise<any> {
  const res = await send({ method: 'POST', path: '/v1/payments', body, idempotencyKey: newKey('contract') });
  expect(res.status).toBe(201);
  return res.json;
}

async function paid(): Promise<any> {
  const payment = await created();
  await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/succeed`);
  return stack.waitForPayment(payment.id, (p) => p.status === 'succeeded');
}

async function disputed(): Promise<any> {
  const payment = await paid();
  await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/dispute`, {});
  return stack.waitForPayment(payment.id, (p) => p.status === 'disputed');
}

function signedEvent(type: string, object: Record<string, unknown>) {
  const raw = JSON.stringify({ id: `evt_${newKey()}`, object: 'event', type, created: Math.floor(Date.now() / 1000), data: { object } });
  return { raw, headers: { 'Wooshpay-Signature': signWebhookPayload({ rawBody: raw, secret: SECRET }) } };
}

const tooLarge = (bytes: number) => JSON.stringify({ amount: 1, padding: 'x'.repeat(bytes) });
const idPath = (id: string, rest = '') => `/v1/payments/${id}${rest}`;

describe('the API against its OpenAPI document', () => {
  it('answers every request as the document describes, and reaches every documented status of every operation', async () => {
    const replayKey = newKey('replay');
    const direct = directPayment();
    expect((await send({ method: 'POST', path: '/v1/payments', body: direct, idempotencyKey: replayKey })).status).toBe(201);
    const unpaid = await created(checkoutPayment());
    const paidPayment = await paid();
    const open = await disputed();
    const submitted = await disputed();
    const page = await send({ method: 'GET', path: '/v1/payments?limit=1' });
    expect(page.json.next_cursor).toEqual(expect.any(String));
    const event = signedEvent('payment_intent.succeeded', {
      id: paidPayment.payment_intent,
      object: 'payment_intent',
      amount: paidPayment.amount,
      currency: 'idr',
      status: 'succeeded',
      metadata: { payment_id: paidPayment.id },
    });
    const ignored = signedEvent('customer.created', { id: 'cus_1', object: 'customer' });

    // Each documented `operationId status`, and the request that reaches it. Order matters where a request
    // changes the payment the next one reads.
    const table: [string, number, Request][] = [
      ['createPayment', 200, { method: 'POST', path: '/v1/payments', body: direct, idempotencyKey: replayKey }],
      ['createPayment', 400, { method: 'POST', path: '/v1/payments', body: directPayment({ success_url: 'https://shop.example/ok' }), idempotencyKey: newKey() }],
      ['createPayment', 401, { method: 'POST', path: '/v1/payments', body: direct, idempotencyKey: newKey(), auth: 'wrong_key_0123456789' }],
      ['createPayment', 405, { method: 'DELETE', path: '/v1/payments' }],
      ['createPayment', 409, { method: 'POST', path: '/v1/payments', body: directPayment({ amount: 7_000 }), idempotencyKey: replayKey }],
      ['createPayment', 413, { method: 'POST', path: '/v1/payments', raw: tooLarge(200_000), idempotencyKey: newKey() }],
      ['createPayment', 415, { method: 'POST', path: '/v1/payments', raw: 'amount=1', contentType: 'application/x-www-form-urlencoded', idempotencyKey: newKey() }],
      ['createPayment', 422, { method: 'POST', path: '/v1/payments', body: directPayment({ amount: 50 }), idempotencyKey: newKey() }],
      ['createPayment', 503, { method: 'POST', path: '/v1/payments', body: direct, idempotencyKey: newKey(), on: down }],
      ['listPayments', 200, { method: 'GET', path: `/v1/payments?limit=1&starting_after=${encodeURIComponent(page.json.next_cursor)}` }],
      ['listPayments', 400, { method: 'GET', path: '/v1/payments?starting_after=LPT1' }],
      ['listPayments', 401, { method: 'GET', path: '/v1/payments', auth: null }],
      ['listPayments', 503, { method: 'GET', path: '/v1/payments', on: down }],
      ['getPayment', 200, { method: 'GET', path: idPath(paidPayment.id) }],
      ['getPayment', 401, { method: 'GET', path: idPath(paidPayment.id), auth: null }],
      ['getPayment', 404, { method: 'GET', path: idPath(UNKNOWN_PAYMENT) }],
      ['getPayment', 405, { method: 'PUT', path: idPath(paidPayment.id), body: {} }],
      ['getPayment', 503, { method: 'GET', path: idPath(paidPayment.id), on: down }],
      ['cancelPayment', 200, { method: 'POST', path: idPath(unpaid.id, '/cancel'), body: { reason: 'contract test' } }],
      ['cancelPayment', 400, { method: 'POST', path: idPath(unpaid.id, '/cancel'), body: { reason: 5 } }],
      ['cancelPayment', 401, { method: 'POST', path: idPath(unpaid.id, '/cancel'), auth: 'nope_0123456789' }],
      ['cancelPayment', 404, { method: 'POST', path: idPath(UNKNOWN_PAYMENT, '/cancel') }],
      ['cancelPayment', 405, { method: 'GET', path: idPath(unpaid.id, '/cancel') }],
      ['cancelPayment', 409, { method: 'POST', path: idPath(paidPayment.id, '/cancel') }],
      ['cancelPayment', 413, { method: 'POST', path: idPath(unpaid.id, '/cancel'), raw: tooLarge(200_000) }],
      ['cancelPayment', 415, { method: 'POST', path: idPath(unpaid.id, '/cancel'), raw: 'reason', contentType: 'text/plain' }],
      ['cancelPayment', 503, { method: 'POST', path: idPath(unpaid.id, '/cancel'), on: down }],
      ['createRefund', 201, { method: 'POST', path: idPath(paidPayment.id, '/refunds'), body: { amount: 100_000 }, idempotencyKey: newKey() }],
      ['createRefund', 400, { method: 'POST', path: idPath(paidPayment.id, '/refunds'), body: { amount: '1' }, idempotencyKey: newKey() }],
      ['createRefund', 401, { method: 'POST', path: idPath(paidPayment.id, '/refunds'), auth: null }],
      ['createRefund', 404, { method: 'POST', path: idPath(UNKNOWN_PAYMENT, '/refunds'), body: {}, idempotencyKey: newKey() }],
      ['createRefund', 405, { method: 'PATCH', path: idPath(paidPayment.id, '/refunds'), body: {} }],
      ['createRefund', 409, { method: 'POST', path: idPath(unpaid.id, '/refunds'), body: {}, idempotencyKey: newKey() }],
      ['createRefund', 413, { method: 'POST', path: idPath(paidPayment.id, '/refunds'), raw: tooLarge(200_000), idempotencyKey: newKey() }],
      ['createRefund', 415, { method: 'POST', path: idPath(paidPayment.id, '/refunds'), raw: '<refund/>', contentType: 'application/xml', idempotencyKey: newKey() }],
      ['createRefund', 422, { method: 'POST', path: idPath(paidPayment.id, '/refunds'), body: { amount: paidPayment.amount * 2 }, idempotencyKey: newKey() }],
      ['createRefund', 503, { method: 'POST', path: idPath(paidPayment.id, '/refunds'), body: {}, idempotencyKey: newKey(), on: down }],
      ['submitDisputeEvidence', 200, { method: 'POST', path: idPath(submitted.id, '/dispute/evidence'), body: { evidence: { product_description: 'Kopi' }, submit: true } }],
      ['submitDisputeEvidence', 400, { method: 'POST', path: idPath(open.id, '/dispute/evidence'), body: { evidence: { product_descripton: 'typo' } } }],
      ['submitDisputeEvidence', 401, { method: 'POST', path: idPath(open.id, '/dispute/evidence'), auth: null }],
      ['submitDisputeEvidence', 404, { method: 'POST', path: idPath(UNKNOWN_PAYMENT, '/dispute/evidence'), body: {} }],
      ['submitDisputeEvidence', 405, { method: 'GET', path: idPath(open.id, '/dispute/evidence') }],
      ['submitDisputeEvidence', 409, { method: 'POST', path: idPath(paidPayment.id, '/dispute/evidence'), body: {} }],
      ['submitDisputeEvidence', 413, { method: 'POST', path: idPath(open.id, '/dispute/evidence'), raw: tooLarge(200_000) }],
      ['submitDisputeEvidence', 415, { method: 'POST', path: idPath(open.id, '/dispute/evidence'), raw: 'evidence', contentType: 'text/plain' }],
      ['submitDisputeEvidence', 422, { method: 'POST', path: idPath(submitted.id, '/dispute/evidence'), body: { evidence: { product_description: 'Kopi' } } }],
      ['submitDisputeEvidence', 503, { method: 'POST', path: idPath(open.id, '/dispute/evidence'), body: {}, on: down }],
      ['acceptDispute', 401, { method: 'POST', path: idPath(open.id, '/dispute/accept'), auth: null }],
      ['acceptDispute', 404, { method: 'POST', path: idPath(UNKNOWN_PAYMENT, '/dispute/accept') }],
      ['acceptDispute', 405, { method: 'GET', path: idPath(open.id, '/dispute/accept') }],
      ['acceptDispute', 409, { method: 'POST', path: idPath(paidPayment.id, '/dispute/accept') }],
      ['acceptDispute', 422, { method: 'POST', path: idPath(submitted.id, '/dispute/accept') }],
      ['acceptDispute', 503, { method: 'POST', path: idPath(open.id, '/dispute/accept'), on: down }],
      ['acceptDispute', 200, { method: 'POST', path: idPath(open.id, '/dispute/accept') }],
      ['receiveWooshPayEvent', 200, { method: 'POST', path: '/webhooks/wooshpay', auth: null, ...event }],
      ['receiveWooshPayEvent', 400, { method: 'POST', path: '/webhooks/wooshpay', auth: null, raw: event.raw, headers: { 'Wooshpay-Signature': 't=1,v1=00' } }],
      ['receiveWooshPayEvent', 405, { method: 'GET', path: '/webhooks/wooshpay', auth: null }],
      ['receiveWooshPayEvent', 413, { method: 'POST', path: '/webhooks/wooshpay', auth: null, raw: tooLarge(1_100_000), headers: event.headers }],
      ['receiveWooshPayEvent', 415, { method: 'POST', path: '/webhooks/wooshpay', auth: null, ...event, headers: { ...event.headers, 'Content-Encoding': 'x-unknown' } }],
      ['receiveWooshPayEvent', 503, { method: 'POST', path: '/webhooks/wooshpay', auth: null, ...event, on: down }],
      ['receiveWooshPayEvent', 200, { method: 'POST', path: '/webhooks/wooshpay', auth: null, ...ignored, on: down }],
      ['health', 200, { method: 'GET', path: '/healthz', auth: null }],
      ['health', 405, { method: 'POST', path: '/healthz', auth: null }],
      ['ready', 200, { method: 'GET', path: '/readyz', auth: null }],
      ['ready', 503, { method: 'GET', path: '/readyz', auth: null, on: down }],
      ['ready', 405, { method: 'DELETE', path: '/readyz', auth: null }],
      ['metrics', 200, { method: 'GET', path: '/metrics', auth: null }],
      ['metrics', 405, { method: 'POST', path: '/metrics', auth: null }],
      ['openapi', 200, { method: 'GET', path: '/openapi.json', auth: null }],
      ['openapi', 405, { method: 'PUT', path: '/openapi.json', auth: null }],
    ];
    const documented = doc.operations().flatMap(({ operation }) => Object.keys(operation.responses).map((s) => `${operation.operationId} ${s}`));
    // Only what this document has (an operation moved off this port is not requested here).
    const rows = table.filter(([operationId]) => documented.some((d) => d.startsWith(`${operationId} `)));
    const judge = async ([operationId, status, request]: (typeof table)[number]) => {
      const answer = await send(request);
      return answer.status === status ? null : `${operationId}: ${answer.status}, expected ${status}: ${answer.text.slice(0, 200)}`;
    };
    // Against the API without Temporal each answer waits out the client's retries (seconds): all at once.
    const outage = Promise.all(rows.filter(([, , r]) => r.on === down).map(judge));
    const wrong: (string | null)[] = [];
    for (const row of rows.filter(([, , r]) => r.on !== down)) wrong.push(await judge(row));
    wrong.push(...(await outage));
    expect(wrong.filter(Boolean)).toEqual([]);
    expect(problems).toEqual([]);
    expect(documented.length).toBeGreaterThan(60);
    expect(documented.filter((d) => !reached.has(d)).sort()).toEqual([]);
  }, 300_000);

  it('answers 405 with Allow for every method a declared path does not have, HEAD included where GET is', async () => {
    for (const { path } of doc.operations()) {
      const concrete = path.replace('{id}', UNKNOWN_PAYMENT);
      const declared = Object.keys(doc.doc.paths[path]).map((m) => m.toUpperCase());
      for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => !declared.includes(m) && !(m === 'HEAD' && declared.includes('GET')))) {
        const answer = await send({ method, path: concrete, auth: path.startsWith('/v1/') ? KEY : null });
        expect({ method, path, status: answer.status }).toEqual({ method, path, status: 405 });
        expect(answer.headers.get('allow')?.split(', ').sort()).toEqual(declared.flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m])).sort());
      }
    }
    expect(problems).toEqual([]);
  });

  it('finds what the document forbids: the judge is not vacuous', () => {
    const answer = { status: 200, headers: new Headers({ 'content-type': 'application/json' }), text: JSON.stringify({ id: 'pay_x' }) };
    expect(doc.problems('GET', idPath(UNKNOWN_PAYMENT), answer)).toEqual([expect.stringContaining('does not match')]);
    expect(doc.problems('GET', idPath(UNKNOWN_PAYMENT), { ...answer, status: 418 })).toEqual([expect.stringContaining('not documented')]);
    expect(doc.problems('DELETE', '/v1/payments', { ...answer, status: 405, text: '{"error":{"type":"invalid_request_error","code":"x","message":"y"}}' })).toEqual([
      expect.stringContaining('Allow missing'),
    ]);
  });
});
