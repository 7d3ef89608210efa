import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { signWebhookPayload, verifyWebhookSignature, WebhookSignatureError } from '../../wooshpay/index.js';

const SECRET = 'whsec_0123456789abcdefghijABCDEFGHIJ';
const OTHER_SECRET = 'whsec_ZYXWVUTSRQPONMLKJIHGFEDCBA987654';
// Deliberately not how JSON.stringify would write it: spacing and key order must survive.
const RAW_BODY = '{"id": "evt_1", "object":"event", "type":"payment_intent.succeeded", "amount":1000000}';
const NOW = 1_700_000_000_000;
const T = NOW / 1_000;

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof WebhookSignatureError) return error.reason;
    throw error;
  }
  return 'verified';
}

const verify = (header: string | undefined, overrides: Partial<Parameters<typeof verifyWebhookSignature>[0]> = {}) =>
  verifyWebhookSignature({ rawBody: RAW_BODY, header, secrets: [SECRET], now: NOW, ...overrides });

describe('webhook signatures (§11)', () => {
  it('signs as t=…,v1=hex(HMAC-SHA256(secret, "t." + body)), matching the documented algorithm', () => {
    const header = signWebhookPayload({ rawBody: RAW_BODY, secret: SECRET, timestamp: T });
    const expected = createHmac('sha256', SECRET).update(`${T}.${RAW_BODY}`).digest('hex');
    expect(header).toBe(`t=${T},v1=${expected}`);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });

  it('verifies a valid signature and returns the timestamp in milliseconds', () => {
    const header = signWebhookPayload({ rawBody: RAW_BODY, secret: SECRET, timestamp: T });
    expect(verify(header)).toEqual({ timestamp: NOW, secretIndex: 0 });
  });

  it('verifies the exact bytes as a Buffer', () => {
    const header = signWebhookPayload({ rawBody: Buffer.from(RAW_BODY), secret: SECRET, timestamp: T });
    expect(verify(header, { rawBody: Buffer.from(RAW_BODY) }).timestamp).toBe(NOW);
  });

  it('rejects a tampered body', () => {
    const header = signWebhookPayload({ rawBody: RAW_BODY, secret: SECRET, timestamp: T });
    expect(reasonOf(() => verify(header, { rawBody: RAW_BODY.replace('1000000', '9000000') }))).toBe('no_matching_signature');
  });

  it('rejects a body that was parsed and serialised again', () => {
    const header = signWebhookPayload({ rawBody: RAW_BODY, secret: SECRET, timestamp: T });
    const reserialised = JSON.stringify(JSON.parse(RAW_BODY));
    expect(reasonOf(() => verify(header, { rawBody: reserialised }))).toBe('no_matching_signature');
  });

  it('rejects the wrong secret', () => {
    const header = signWebhookPayload({ rawBody: RAW_BODY, secret: OTHER_SECRET, timestamp: T });
    expect(reasonOf(() => verify(header))).toBe('no_matching_signature');
  });

  it('rejects a stale and a future timestamp, and accepts both edges of the tolerance', () => {
    const at = (t: number) => signWebhookPayload({ rawBody: RAW_BODY, secret: SECRET, timestamp: t });
    expect(reasonOf(() => verify(at(T - 301)))).toBe('timestamp_outside_tolerance');
    expect(reasonOf(() => verify(at(T + 301)))).toBe('timestamp_outside_tolerance');
    expect(reasonOf(() => verify(at(T - 300)))).toBe('verified');
    expect(reasonOf(() => verify(at(T + 300)))).toBe('verified');
    expect(reasonOf(() => verify(at(T - 3_600), { toleranceSeconds: 7_200 }))).toBe('verified');
  });

  it('accepts a millisecond t', () => {
    const header = signWebhookPayload({ rawBody: RAW_BODY, secret: SECRET, timestamp: NOW });
    expect(verify(header).timestamp).toBe(NOW);
    const stale = signWebhookPayload({ rawBody: RAW_BODY, secret: SECRET, timestamp: NOW - 301_000 });
    expect(reasonOf(() => verify(stale))).toBe('timestamp_outside_tolerance');
  });

  it('accepts a header with two v1 values when one is valid, in either position', () => {
    const valid = signWebhookPayload({ rawBody: RAW_BODY, secret: SECRET, timestamp: T }).split('v1=')[1];
    const bogus = 'a'.repeat(64);
    expect(reasonOf(() => verify(`t=${T},v1=${bogus},v1=${valid}`))).toBe('verified');
    expect(reasonOf(() => verify(`t=${T}, v1=${valid}, v1=${bogus}, v0=ignored`))).toBe('verified');
    expect(reasonOf(() => verify(`t=${T},v1=${bogus},v1=short`))).toBe('no_matching_signature');
  });

  it('verifies with any of several secrets while one is being rotated', () => {
    const header = signWebhookPayload({ rawBody: RAW_BODY, secret: SECRET, timestamp: T });
    expect(verify(header, { secrets: [OTHER_SECRET, SECRET] }).secretIndex).toBe(1);
    expect(reasonOf(() => verify(header, { secrets: [OTHER_SECRET] }))).toBe('no_matching_signature');
    expect(reasonOf(() => verify(header, { secrets: [] }))).toBe('no_matching_signature');
  });

  it('tells a missing header from a malformed one', () => {
    expect(reasonOf(() => verify(undefined))).toBe('missing_header');
    expect(reasonOf(() => verify('  '))).toBe('missing_header');
    expect(reasonOf(() => verify('v1=abc'))).toBe('malformed_header');
    expect(reasonOf(() => verify(`t=${T}`))).toBe('malformed_header');
    expect(reasonOf(() => verify('t=yesterday,v1=abc'))).toBe('malformed_header');
    expect(reasonOf(() => verify('garbage'))).toBe('malformed_header');
  });

  it('checks the signature before the clock: a forged old message is reported as forged', () => {
    const header = signWebhookPayload({ rawBody: RAW_BODY, secret: OTHER_SECRET, timestamp: T - 10_000 });
    expect(reasonOf(() => verify(header))).toBe('no_matching_signature');
  });
});
