import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createWooshPayClient, ERROR_CODES, WooshPayError, type PostOptions } from '../../wooshpay/index.js';
import { directIntent, failure, key, SECRET_KEY, startSimulator, type RunningSimulator } from '../simulator/support.js';

/** A server that answers every request with `handler`, recording what it was sent. */
async function startFakeProvider(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
  const requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

const PI = {
  id: 'pi_1',
  object: 'payment_intent',
  amount: 1000000,
  currency: 'IDR',
  status: 'requires_action',
  created: 1685612167000,
};

describe('WooshPay client on the wire', () => {
  let fake: Awaited<ReturnType<typeof startFakeProvider>>;
  let answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => json(res, 200, PI);

  beforeAll(async () => {
    fake = await startFakeProvider((req, res) => answer(req, res));
  });
  afterAll(() => fake.close());

  const client = (timeoutMs = 2_000) => createWooshPayClient({ baseUrl: fake.url, secretKey: 'sk_test_abc', timeoutMs });

  it('sends Basic auth with the secret key, JSON, and the caller’s idempotency key', async () => {
    answer = (_req, res) => json(res, 200, PI);
    fake.requests.length = 0;
    await client().createPaymentIntent(directIntent({ currency: 'idr' }), { idempotencyKey: 'order-42-create' });
    const [sent] = fake.requests;
    expect(sent?.method).toBe('POST');
    expect(sent?.url).toBe('/v1/payment_intents');
    expect(sent?.headers.authorization).toBe(`Basic ${Buffer.from('sk_test_abc:').toString('base64')}`);
    expect(sent?.headers['content-type']).toContain('application/json');
    expect(sent?.headers['idempotency-key']).toBe('order-42-create');
    expect(JSON.parse(sent?.body ?? '')).toMatchObject({ amount: 1000000, currency: 'IDR', confirm: true });
  });

  it('sends list parameters as a query string in bracket notation', async () => {
    answer = (_req, res) => json(res, 200, { object: 'list', url: '/v1/payment_intents', has_more: false, data: [PI] });
    fake.requests.length = 0;
    const list = await client().listPaymentIntents({ limit: 2, created: { gte: 1, lt: 5 }, starting_after: 'pi_0' });
    expect(list.data[0]?.id).toBe('pi_1');
    const sent = new URL(fake.requests[0]?.url ?? '', fake.url);
    expect(sent.pathname).toBe('/v1/payment_intents');
    expect([...sent.searchParams].sort()).toEqual([['created[gte]', '1'], ['created[lt]', '5'], ['limit', '2'], ['starting_after', 'pi_0']]);
    expect(fake.requests[0]?.headers['idempotency-key']).toBeUndefined();
  });

  it('refuses a POST without an idempotency key, or a call without an id, before sending anything', async () => {
    fake.requests.length = 0;
    const error = await failure<WooshPayError>(client().createPaymentIntent(directIntent(), {} as PostOptions));
    expect(error).toMatchObject({ code: ERROR_CODES.idempotencyKeyMissing, retryable: false });
    const noId = await failure<WooshPayError>(client().retrievePaymentIntent(''));
    expect(noId).toMatchObject({ code: ERROR_CODES.parameterMissing, param: 'id', retryable: false });
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses invalid parameters before sending anything, naming the parameter', async () => {
    fake.requests.length = 0;
    const error = await failure<WooshPayError>(
      client().createCheckoutSession(
        { mode: 'payment', success_url: 'https://x', line_items: [{ quantity: 0, price_data: { currency: 'IDR', unit_amount: 1, product_data: { name: 'a' } } }] },
        { idempotencyKey: key() },
      ),
    );
    expect(error).toMatchObject({ type: 'invalid_request_error', code: ERROR_CODES.parameterInvalid, param: 'line_items[0][quantity]', retryable: false });
    const missing = await failure<WooshPayError>(client().cancelPaymentIntent('pi_1', {} as never, { idempotencyKey: key() }));
    expect(missing).toMatchObject({ code: ERROR_CODES.parameterMissing, param: 'cancellation_reason' });
    expect(fake.requests).toHaveLength(0);
  });

  it('takes a 2xx it cannot parse as not a refusal: ambiguous, retried, whatever the method', async () => {
    answer = (_req, res) => json(res, 200, { id: 'pi_1', object: 'payment_intent', status: 'teleported' }, { 'Request-Id': 'req_x' });
    const read = await failure<WooshPayError>(client().retrievePaymentIntent('pi_1'));
    expect(read).toMatchObject({ code: ERROR_CODES.invalidResponse, kind: 'ambiguous', retryable: true, status: 200, requestId: 'req_x' });
    answer = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html>maintenance</html>');
    };
    const created = await failure<WooshPayError>(client().createRefund({ payment_intent: 'pi_1', amount: 1 }, { idempotencyKey: key() }));
    expect(created).toMatchObject({ code: ERROR_CODES.invalidResponse, kind: 'ambiguous', retryable: true });
  });

  it('classifies HTTP failures: only an enveloped documented 4xx is a refusal', async () => {
    const envelope = (type: string, code: string) => ({ error: { type, code, message: `${code} from the fake` } });
    const cases: [number, object | string, 'get' | 'post', string, Record<string, string>?][] = [
      [400, envelope('invalid_request_error', 'amount_too_large'), 'post', 'rejected'],
      [404, envelope('invalid_request_error', 'resource_missing'), 'post', 'rejected'],
      [404, envelope('invalid_request_error', 'resource_missing'), 'get', 'ambiguous'],
      [409, envelope('idempotency_error', ERROR_CODES.idempotencyKeyInUse), 'post', 'ambiguous'],
      [429, envelope('invalid_request_error', 'rate_limit'), 'post', 'unavailable', { 'Retry-After': '7' }],
      [503, envelope('api_error', 'api_error'), 'post', 'unavailable'],
      [500, envelope('api_error', 'api_error'), 'post', 'ambiguous'],
      [500, envelope('api_error', 'api_error'), 'get', 'unavailable'],
      [502, '<html>Bad gateway</html>', 'post', 'ambiguous'],
      [400, '<html>Bad request from a proxy</html>', 'post', 'ambiguous'],
    ];
    for (const [status, body, method, kind, headers] of cases) {
      answer = (_req, res) => {
        res.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/html' : 'application/json', ...headers });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
      };
      const call = method === 'get'
        ? client().retrievePaymentIntent('pi_1')
        : client().createRefund({ payment_intent: 'pi_1', amount: 1 }, { idempotencyKey: key() });
      const error = await failure<WooshPayError>(call);
      expect({ status, method, kind: error.kind, retryable: error.retryable }).toEqual({ status, method, kind, retryable: kind !== 'rejected' });
      if (headers) expect(error.retryAfterMs).toBe(7_000);
    }
  });

  it('times out a call whose answer never comes: a change may have been made, a read changed nothing', async () => {
    answer = () => undefined; // never answers
    expect(await failure(client(100).retrievePaymentIntent('pi_1'))).toMatchObject({ code: ERROR_CODES.timeout, kind: 'unavailable', retryable: true, status: undefined });
    const post = await failure(client(100).createPaymentIntent(directIntent(), { idempotencyKey: key() }));
    expect(post).toMatchObject({ code: ERROR_CODES.timeout, kind: 'ambiguous', retryable: true });
    answer = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"id":'); // headers sent, the body never finishes
    };
    expect(await failure(client(100).retrievePaymentIntent('pi_1'))).toMatchObject({ code: ERROR_CODES.timeout });
  });

  it('takes a connection reset after the request went out as ambiguous for a change', async () => {
    answer = (req) => req.socket.destroy();
    const post = await failure<WooshPayError>(client().createRefund({ payment_intent: 'pi_1', amount: 1 }, { idempotencyKey: key() }));
    expect(post).toMatchObject({ type: 'api_connection_error', code: ERROR_CODES.networkError, kind: 'ambiguous', retryable: true });
    expect(await failure(client().retrievePaymentIntent('pi_1'))).toMatchObject({ code: ERROR_CODES.networkError, kind: 'unavailable' });
  });

  it('passes the caller’s AbortSignal through, keeping its reason: an abort is not a refusal', async () => {
    answer = () => undefined;
    const controller = new AbortController();
    const reason = new Error('activity cancelled');
    const pending = client(5_000).createPaymentIntent(directIntent(), { idempotencyKey: key(), signal: controller.signal });
    controller.abort(reason);
    const error = await failure<WooshPayError>(pending);
    expect(error).toMatchObject({ code: ERROR_CODES.aborted, kind: 'aborted', retryable: true });
    expect(error.cause).toBe(reason);
  });

  it('reports a refused connection as unavailable even for a change: nothing was sent', async () => {
    const closed = await startFakeProvider(() => undefined);
    await closed.close();
    const offline = createWooshPayClient({ baseUrl: closed.url, secretKey: 'sk_test_abc' });
    const error = await failure<WooshPayError>(offline.createRefund({ payment_intent: 'pi_1', amount: 1 }, { idempotencyKey: key() }));
    expect(error).toBeInstanceOf(WooshPayError);
    expect(error).toMatchObject({ type: 'api_connection_error', code: ERROR_CODES.networkError, kind: 'unavailable', retryable: true, status: undefined });
  });

  it('uses the fetch it is given', async () => {
    const seen: string[] = [];
    const recording: typeof fetch = (input, init) => {
      seen.push(input instanceof Request ? input.url : String(input));
      return fetch(input, init);
    };
    answer = (_req, res) => json(res, 200, PI);
    await createWooshPayClient({ baseUrl: fake.url, secretKey: 'sk_test_abc', fetch: recording }).retrievePaymentIntent('pi 1/x');
    expect(seen).toEqual([`${fake.url}/v1/payment_intents/pi%201%2Fx`]);
  });
});

describe('WooshPay client against the simulator', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(() => sim.close());

  it('is refused without a test secret key, and does not retry that', async () => {
    const wrongKey = createWooshPayClient({ baseUrl: sim.url, secretKey: 'sk_live_real' });
    const error = await failure<WooshPayError>(wrongKey.retrievePaymentIntent('pi_1'));
    expect(error).toMatchObject({ status: 401, code: ERROR_CODES.apiKeyInvalid, kind: 'rejected', retryable: false });
    expect(error.requestId).toMatch(/^req_/);
  });

  it('reports reading an unknown object as a 404 that is not proof of absence, and a refund of one as a refusal', async () => {
    expect(await failure(sim.client.retrievePaymentIntent('pi_404'))).toMatchObject({
      status: 404,
      type: 'invalid_request_error',
      code: ERROR_CODES.resourceMissing,
      kind: 'ambiguous',
    });
    expect(await failure(sim.client.createRefund({ payment_intent: 'pi_404' }, { idempotencyKey: key() }))).toMatchObject({
      status: 400,
      code: ERROR_CODES.resourceMissing,
      kind: 'rejected',
      retryable: false,
    });
  });

  it('round-trips a payment intent with the same key as one object', async () => {
    const options = { idempotencyKey: key() };
    const first = await sim.client.createPaymentIntent(directIntent(), options);
    const again = await sim.client.createPaymentIntent(directIntent(), options);
    expect(again).toEqual(first);
    expect(SECRET_KEY.startsWith('sk_test_')).toBe(true);
  });
});
