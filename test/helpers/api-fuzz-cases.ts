/**
 * fast-check generators of requests for test/e2e/api-fuzz.test.ts: valid bodies built from the request
 * shapes (api/schemas.ts, as GET /openapi.json renders them), then mutated field by field and at the HTTP
 * level. A case says whether it is well-formed at the HTTP level (JSON media type, parseable, the headers
 * the route needs); the document then decides whether its body is allowed.
 */
import fc from 'fast-check';
import { newKey } from './stack.js';

export interface FuzzCase {
  what: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  raw?: string;
  /** The body as sent, when it was sent as well-formed JSON. */
  json?: unknown;
  /** Media type, JSON syntax, auth and required headers all as the route needs them. */
  wellFormed: boolean;
  /** Sign the raw body with the webhook secret (webhook cases). */
  sign?: boolean;
}

type Body = Record<string, unknown>;

// ---- values -----------------------------------------------------------------------------------------

const text = (max: number) => fc.string({ maxLength: max, unit: fc.constantFrom('grapheme', 'binary', 'grapheme-ascii') as never });
const smallText = (min: number, max: number) => fc.string({ minLength: min, maxLength: max, unit: 'grapheme' });
const goodUrl = fc.constantFrom('https://shop.example/return', 'http://localhost:3000/back?o=1#x', 'HTTPS://SHOP.EXAMPLE/R', 'https://例え.jp/戻る');
const badUrl = fc.constantFrom('/relative', 'ftp://shop.example/x', 'javascript:alert(1)', 'https://', 'http://[::1', 'not a url', 'https://exa mple.com', 'mailto:a@b.c', '');
const metadataKey = fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/);
const metadata = fc.dictionary(metadataKey, smallText(0, 40), { maxKeys: 5 });
const wrongValue = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.object({ maxDepth: 1, maxKeys: 3 }),
);
const oddAmount = fc.constantFrom(0, -1, 1.5, 2 ** 53, 1e300, -0.0001, '100', '1e3');
const hugeText = fc.integer({ min: 1_001, max: 60_000 }).map((n) => 'é'.repeat(n));

const flatItem = fc.record({ name: smallText(1, 30), unit_amount: fc.integer({ min: 1, max: 100_000 }), quantity: fc.integer({ min: 1, max: 5 }) }, { requiredKeys: ['name', 'unit_amount', 'quantity'] });
const wooshpayItem = fc.record(
  {
    price_data: fc.record(
      {
        currency: fc.constantFrom('IDR', 'idr'),
        unit_amount: fc.integer({ min: 1, max: 100_000 }),
        product_data: fc.record({ name: smallText(1, 30), description: smallText(0, 40) }, { requiredKeys: ['name'] }),
        nickname: smallText(1, 20),
        lookup_key: fc.stringMatching(/^[a-z0-9_]{1,20}$/),
      },
      { requiredKeys: ['currency', 'unit_amount', 'product_data'] },
    ),
    quantity: fc.integer({ min: 1, max: 5 }),
  },
  { requiredKeys: ['price_data', 'quantity'] },
);
const lineTotal = (items: Body[]) =>
  items.reduce((sum, li) => sum + ((li.price_data as Body | undefined)?.unit_amount as number ?? (li.unit_amount as number)) * (li.quantity as number), 0);

// ---- valid bodies -------------------------------------------------------------------------------------

const optional = {
  description: smallText(0, 60),
  merchant_order_id: smallText(1, 30),
  metadata,
};

export const directBody = fc.record(
  {
    amount: fc.integer({ min: 1, max: 50_000_000 }),
    currency: fc.constantFrom('IDR', 'idr', 'Idr'),
    integration: fc.constant('direct'),
    return_url: goodUrl,
    expires_in: fc.integer({ min: 60, max: 7 * 86_400 }),
    ...optional,
  },
  { requiredKeys: ['amount', 'currency', 'return_url'] },
);

export const checkoutBody = fc
  .record(
    {
      currency: fc.constantFrom('IDR', 'idr'),
      integration: fc.constant('checkout'),
      success_url: goodUrl,
      cancel_url: goodUrl,
      line_items: fc.array(fc.oneof(wooshpayItem, flatItem), { minLength: 1, maxLength: 3 }),
      ...optional,
    },
    { requiredKeys: ['currency', 'integration', 'success_url', 'cancel_url', 'line_items'] },
  )
  .map((body) => ({ amount: lineTotal(body.line_items as Body[]), ...body }));

// ---- mutations --------------------------------------------------------------------------------------

type Mutation = (body: Body) => fc.Arbitrary<[string, Body]>;

const KNOWN_FIELDS = ['amount', 'currency', 'integration', 'return_url', 'success_url', 'cancel_url', 'line_items', 'description', 'merchant_order_id', 'metadata', 'expires_in', 'notify_url'];

const mutations: Mutation[] = [
  (b) => fc.constant(['valid', b]),
  (b) => fc.tuple(fc.constantFrom(...KNOWN_FIELDS), wrongValue).map(([k, v]) => [`${k} of a wrong type`, { ...b, [k]: v }]),
  (b) => fc.constantFrom(...Object.keys(b)).map((k) => [`without ${k}`, Object.fromEntries(Object.entries(b).filter(([key]) => key !== k))]),
  (b) => fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !KNOWN_FIELDS.includes(k)).map((k) => [`unknown field ${k}`, { ...b, [k]: 1 }]),
  (b) => fc.constantFrom('return_url', 'success_url', 'cancel_url', 'expires_in').map((k) => [`${k} added`, { ...b, [k]: k === 'expires_in' ? 3_600 : 'https://shop.example/x' }]),
  (b) => fc.tuple(fc.constantFrom('return_url', 'success_url', 'cancel_url'), badUrl).map(([k, v]) => [`${k} ${v}`, { ...b, [k]: v }]),
  (b) => fc.tuple(fc.constantFrom('description', 'merchant_order_id'), hugeText).map(([k, v]) => [`huge ${k}`, { ...b, [k]: v }]),
  (b) => fc.tuple(fc.constantFrom('description', 'merchant_order_id'), text(1_200)).map(([k, v]) => [`any text in ${k}`, { ...b, [k]: v }]),
  // Characters outside the BMP around a limit: the document (JSON Schema) counts code points, and so must the API.
  (b) => fc.integer({ min: 995, max: 1_005 }).map((n) => [`${n} emoji in description`, { ...b, description: '😀'.repeat(n) }]),
  (b) => fc.integer({ min: 498, max: 502 }).map((n) => [`${n} astral characters in a metadata value`, { ...b, metadata: { note: '𒆜'.repeat(n) } }]),
  (b) => oddAmount.map((v) => [`amount ${v}`, { ...b, amount: v }]),
  (b) => fc.constantFrom('USD', 'IDRX', '', 'rupiah').map((v) => [`currency ${v}`, { ...b, currency: v }]),
  (b) => fc.constantFrom('Direct', 'CHECKOUT', 'hosted', '', null).map((v) => [`integration ${v}`, { ...b, integration: v }]),
  (b) => fc.integer({ min: -3, max: 3 }).filter((d) => d !== 0).map((d) => [`amount off by ${d}`, { ...b, amount: (b.amount as number) + d }]),
  (b) =>
    fc.dictionary(fc.string({ maxLength: 45 }), fc.oneof(smallText(0, 10), fc.integer()), { minKeys: 1, maxKeys: 25 }).map((m) => [`odd metadata`, { ...b, metadata: m }]),
  (b) =>
    fc.constantFrom<[string, unknown]>(
      ['both shapes in one item', [{ name: 'x', unit_amount: 1, quantity: 1, price_data: { currency: 'IDR', unit_amount: 1, product_data: { name: 'x' } } }]],
      ['price id instead of price_data', [{ price: 'price_123', quantity: 1 }]],
      ['USD price_data', [{ price_data: { currency: 'USD', unit_amount: b.amount, product_data: { name: 'x' } }, quantity: 1 }]],
      ['product_data without name', [{ price_data: { currency: 'IDR', unit_amount: b.amount, product_data: {} }, quantity: 1 }]],
      ['unknown price_data field', [{ price_data: { currency: 'IDR', unit_amount: b.amount, product_data: { name: 'x' }, billing_scheme: 'per_unit' }, quantity: 1 }]],
      ['zero quantity', [{ name: 'x', unit_amount: b.amount, quantity: 0 }]],
      ['no line items', []],
    ).map(([what, items]) => [what, { ...b, line_items: items }]),
];

/** A valid body of either integration, then one mutation (or none). */
const paymentBody = fc
  .oneof(directBody, checkoutBody)
  .chain((b) => fc.oneof({ arbitrary: mutations[0](b), weight: 4 }, ...mutations.slice(1).map((m) => ({ arbitrary: m(b), weight: 1 }))));

// ---- HTTP-level mutations ------------------------------------------------------------------------------

type Transport = (raw: string) => { what: string; raw: string; headers: Record<string, string> };

const JSON_HEADERS = { 'Content-Type': 'application/json' };
const transports: Transport[] = [
  (raw) => ({ what: 'truncated JSON', raw: raw.slice(0, Math.max(1, raw.length - 2)), headers: JSON_HEADERS }),
  (raw) => ({ what: 'text/plain', raw, headers: { 'Content-Type': 'text/plain' } }),
  () => ({ what: 'form encoded', raw: 'amount=100&currency=IDR', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }),
  (raw) => ({ what: 'no content type', raw, headers: { 'Content-Type': '' } }),
  (raw) => ({ what: 'charset utf-7', raw, headers: { 'Content-Type': 'application/json; charset=utf-7' } }),
  (raw) => ({ what: 'charset utf-16le', raw, headers: { 'Content-Type': 'application/json; charset=utf-16le' } }),
  (raw) => ({ what: 'charset latin1', raw, headers: { 'Content-Type': 'application/json;charset=iso-8859-1' } }),
  (raw) => ({ what: 'gzip that is not', raw, headers: { ...JSON_HEADERS, 'Content-Encoding': 'gzip' } }),
  (raw) => ({ what: 'unknown encoding', raw, headers: { ...JSON_HEADERS, 'Content-Encoding': 'x-squash' } }),
  () => ({ what: 'a JSON array', raw: '[1,2]', headers: JSON_HEADERS }),
  () => ({ what: 'JSON null', raw: 'null', headers: JSON_HEADERS }),
  () => ({ what: 'a huge body', raw: JSON.stringify({ amount: 1, pad: 'x'.repeat(150_000) }), headers: JSON_HEADERS }),
  () => ({ what: 'deep nesting', raw: `${'['.repeat(5_000)}${']'.repeat(5_000)}`, headers: JSON_HEADERS }),
  (raw) => ({ what: 'no API key', raw, headers: { ...JSON_HEADERS, Authorization: '' } }),
  (raw) => ({ what: 'a wrong API key', raw, headers: { ...JSON_HEADERS, Authorization: 'Bearer sk_live_wrong_0123456789' } }),
  (raw) => ({ what: 'basic auth', raw, headers: { ...JSON_HEADERS, Authorization: 'Basic Zm9vOmJhcg==' } }),
  (raw) => ({ what: 'no Idempotency-Key', raw, headers: { ...JSON_HEADERS, 'Idempotency-Key': '' } }),
  (raw) => ({ what: 'an Idempotency-Key with spaces', raw, headers: { ...JSON_HEADERS, 'Idempotency-Key': 'order 1' } }),
  (raw) => ({ what: 'a 300-character Idempotency-Key', raw, headers: { ...JSON_HEADERS, 'Idempotency-Key': 'k'.repeat(300) } }),
];

function withTransport(method: string, path: string, body: fc.Arbitrary<[string, Body]>, idempotent: boolean): fc.Arbitrary<FuzzCase> {
  const keyed = (headers: Record<string, string>) => (idempotent ? { 'Idempotency-Key': newKey('fuzz'), ...headers } : headers);
  const jsonType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'Application/JSON; Charset="UTF-8"');
  const asJson = fc
    .tuple(body, jsonType)
    .map(([[what, json], type]): FuzzCase => ({ what, method, path, headers: keyed({ 'Content-Type': type }), raw: JSON.stringify(json), json, wellFormed: true }));
  const odd = fc.tuple(body, fc.constantFrom(...transports)).map(([[what, json], transport]): FuzzCase => {
    const t = transport(JSON.stringify(json));
    return { what: `${what}, ${t.what}`, method, path, headers: keyed(t.headers), raw: t.raw, wellFormed: false };
  });
  return fc.oneof({ arbitrary: asJson, weight: 3 }, { arbitrary: odd, weight: 1 });
}

export function bodyCase(): fc.Arbitrary<FuzzCase> {
  return withTransport('POST', '/v1/payments', paymentBody, true);
}

// ---- refunds ------------------------------------------------------------------------------------------

const refundBody = fc
  .record(
    { amount: fc.integer({ min: 1, max: 5_000 }), reason: fc.constantFrom('duplicate', 'fraudulent', 'requested_by_customer'), metadata },
    { requiredKeys: ['amount'] },
  )
  .chain((b) =>
    fc.oneof(
      { arbitrary: fc.constant<[string, Body]>(['valid', b]), weight: 3 },
      fc.tuple(fc.constantFrom('amount', 'reason', 'metadata'), wrongValue).map(([k, v]): [string, Body] => [`${k} of a wrong type`, { ...b, [k]: v }]),
      oddAmount.map((v): [string, Body] => [`amount ${v}`, { ...b, amount: v }]),
      fc.constantFrom('other', 'expired_uncaptured_charge', '').map((v): [string, Body] => [`reason ${v}`, { ...b, reason: v }]),
      fc.string({ minLength: 1, maxLength: 10 }).filter((k) => !['amount', 'reason', 'metadata'].includes(k)).map((k): [string, Body] => [`unknown ${k}`, { ...b, [k]: true }]),
      fc.dictionary(fc.string({ maxLength: 45 }), fc.oneof(smallText(0, 10), hugeText), { minKeys: 1, maxKeys: 22 }).map((m): [string, Body] => ['odd metadata', { ...b, metadata: m }]),
    ),
  );

export function refundCase(paymentId: string): fc.Arbitrary<FuzzCase> {
  const good = withTransport('POST', `/v1/payments/${paymentId}/refunds`, refundBody, true);
  const badId = fc.constantFrom('pay_', 'pay_AAAAAAAAAAAAAAAAAAAAAAAA', 'pay_aaaaaaaaaaaaaaaaaaaaaaaa', '..%2F..', '%E0%A4%A', 'x'.repeat(500));
  const wrongPayment = badId.map((id): FuzzCase => ({
    what: `refund of payment ${id}`,
    method: 'POST',
    path: `/v1/payments/${id}/refunds`,
    headers: { ...JSON_HEADERS, 'Idempotency-Key': newKey('fuzz') },
    raw: '{"amount":1}',
    wellFormed: false,
  }));
  return fc.oneof({ arbitrary: good, weight: 5 }, { arbitrary: wrongPayment, weight: 1 });
}

// ---- the list -----------------------------------------------------------------------------------------

const cursor = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('LPT1', 'c1..', 'c1.AAAA.aaaaaaaaaaaa', 'c1.%00.x', 'null', '0', 'x'.repeat(3_000)),
  fc.base64String({ maxLength: 60 }).map((b) => `c1.${b.replace(/=/g, '')}.${b.slice(0, 12)}`),
);
const queryParam = fc.oneof(
  cursor.map((c) => `starting_after=${encodeURIComponent(c)}`),
  fc.oneof(fc.integer({ min: -5, max: 200 }).map(String), fc.constantFrom('', 'ten', '1e1', '5.5', '0x10', ' 7')).map((l) => `limit=${encodeURIComponent(l)}`),
  fc.constantFrom('processing', 'succeeded', 'refunded', 'SUCCEEDED', 'paid', '').map((s) => `status=${s}`),
  fc.constantFrom('limit=1&limit=2', 'status[]=x', 'unknown=1', 'starting_after', '%zz=1', 'ending_before=x'),
);

export function queryCase(): fc.Arbitrary<FuzzCase> {
  return fc.array(queryParam, { maxLength: 3 }).map((params): FuzzCase => ({
    what: 'list',
    method: 'GET',
    path: `/v1/payments${params.length ? `?${params.join('&')}` : ''}`,
    headers: {},
    wellFormed: true,
  }));
}

// ---- the webhook ------------------------------------------------------------------------------------

const NOT_ACTED_ON = ['customer.created', 'charge.succeeded', 'payout.paid', 'invoice.created', 'x.y'];

export function webhookCase(target: { id: string; payment_intent: string }): fc.Arbitrary<FuzzCase> {
  const event = (type: string, object: Body) => JSON.stringify({ id: `evt_${newKey()}`, object: 'event', type, created: Math.floor(Date.now() / 1000), data: { object } });
  const aboutTarget = fc.constantFrom('payment_intent.succeeded', 'payment_intent.canceled', 'charge.dispute.created').map((type) =>
    event(type, { id: target.payment_intent, object: 'payment_intent', amount: 1, currency: 'idr', status: 'succeeded', metadata: { payment_id: target.id } }),
  );
  const hook = (what: string, raw: string, headers: Record<string, string>, sign: boolean, wellFormed: boolean): FuzzCase => ({
    what,
    method: 'POST',
    path: '/webhooks/wooshpay',
    headers: { Authorization: '', ...headers },
    raw,
    sign,
    wellFormed,
  });
  return fc.oneof(
    // Signed, an event, not about any payment of ours: taken (200) and nothing signalled.
    fc.tuple(fc.constantFrom(...NOT_ACTED_ON), fc.object({ maxDepth: 2 })).map(([type, object]) => hook(`signed ${type}`, event(type, { id: 'obj_1', ...object }), JSON_HEADERS, true, true)),
    // About the target, but not signed by WooshPay: refused, nothing signalled.
    fc.tuple(aboutTarget, fc.constantFrom('', 't=1,v1=00', 'garbage', `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`, 'v1=abc,t=')).map(([raw, sig]) =>
      hook(`unsigned (${sig})`, raw, { ...JSON_HEADERS, 'Wooshpay-Signature': sig }, false, false),
    ),
    // Signed, but not a WooshPay event.
    fc.oneof(fc.json(), fc.string(), fc.constant('{"id":1}')).map((raw) => hook('signed non-event', raw, JSON_HEADERS, true, false)),
    // Signed, sent in a way the route does not read.
    fc.tuple(aboutTarget, fc.constantFrom({ 'Content-Encoding': 'x-squash' }, { 'Content-Encoding': 'gzip' })).map(([raw, headers]) =>
      hook(`signed, ${headers['Content-Encoding']}`, raw, { ...JSON_HEADERS, ...headers }, true, false),
    ),
    fc.constant(hook('a huge body', 'x'.repeat(1_100_000), JSON_HEADERS, true, false)),
  );
}
