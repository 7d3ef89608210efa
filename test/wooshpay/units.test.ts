import { describe, expect, it } from '@jest/globals';
import {
  describeAmount,
  ERROR_CODES,
  errorFromResponse,
  formatAmount,
  fromMinorUnits,
  IDR_EXPONENT,
  classifyHttpFailure,
  parseRetryAfter,
  toMinorUnits,
  WEBHOOK_MAX_ATTEMPTS,
  WEBHOOK_RETRY_SCHEDULE_MS,
  WooshPayError,
} from '../../wooshpay/index.js';

const HOUR = 3_600_000;

describe('amounts', () => {
  it('converts rupiah to minor units with the assumed exponent', () => {
    expect(IDR_EXPONENT).toBe(2);
    expect(toMinorUnits(10_000, 'IDR')).toBe(1_000_000);
    expect(toMinorUnits('10000.5', 'idr')).toBe(1_000_050);
    expect(toMinorUnits('0.07', 'USD')).toBe(7);
    expect(toMinorUnits(0.07, 'USD')).toBe(7);
  });

  it('refuses what it cannot convert exactly', () => {
    expect(() => toMinorUnits('1.234', 'IDR')).toThrow(RangeError);
    expect(() => toMinorUnits('12,5', 'IDR')).toThrow(RangeError);
    expect(() => toMinorUnits(10, 'XYZ')).toThrow(/exponent/);
    expect(() => toMinorUnits(Number.POSITIVE_INFINITY, 'IDR')).toThrow(RangeError);
  });

  it('converts back and formats for people and logs', () => {
    expect(fromMinorUnits(1_000_050, 'IDR')).toBe(10_000.5);
    expect(formatAmount(1_000_000, 'IDR')).toBe('IDR 10,000.00');
    expect(formatAmount(1_000_000, 'IDR', 'id-ID')).toBe('Rp 10.000,00');
    expect(formatAmount(1_000, 'USD')).toBe('USD 10.00');
    expect(describeAmount(1_000_000, 'IDR')).toBe('1000000 (IDR 10,000.00)');
  });
});

describe('error classification', () => {
  it('makes only a documented 4xx refusal final; a maybe-made change is ambiguous, a read or a "not now" unavailable', () => {
    const refused = { method: 'post', enveloped: true } as const;
    for (const status of [400, 401, 402, 403, 404]) expect(classifyHttpFailure(status, refused)).toBe('rejected');
    expect(classifyHttpFailure(409, { ...refused, code: ERROR_CODES.idempotencyKeyReused })).toBe('rejected');
    expect(classifyHttpFailure(409, { ...refused, code: ERROR_CODES.idempotencyKeyInUse })).toBe('ambiguous');
    for (const status of [429, 503]) expect(classifyHttpFailure(status, refused)).toBe('unavailable');
    for (const status of [500, 502, 504, 422, 408]) expect(classifyHttpFailure(status, refused)).toBe('ambiguous');
    for (const status of [500, 502, 504]) expect(classifyHttpFailure(status, { method: 'get', enveloped: true })).toBe('unavailable');
    // Not WooshPay's envelope: something in between answered, so it is not WooshPay refusing.
    expect(classifyHttpFailure(400, { method: 'post', enveloped: false })).toBe('ambiguous');
    expect(classifyHttpFailure(400, { method: 'get', enveloped: false })).toBe('unavailable');
    // Reading our own object: a 404 is not proof it is gone.
    expect(classifyHttpFailure(404, { method: 'get', enveloped: true })).toBe('ambiguous');
    expect(classifyHttpFailure(404, { method: 'delete', enveloped: true })).toBe('rejected');
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3_000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('builds the error from the documented envelope', () => {
    const error = errorFromResponse({
      status: 409,
      method: 'post',
      body: JSON.stringify({ error: { type: 'idempotency_error', code: 'idempotency_key_in_use', message: 'busy' } }),
      retryAfter: '2',
      requestId: 'req_1',
    });
    expect(error).toBeInstanceOf(WooshPayError);
    expect(error).toMatchObject({ status: 409, type: 'idempotency_error', code: 'idempotency_key_in_use', kind: 'ambiguous', retryable: true, retryAfterMs: 2_000, requestId: 'req_1', message: 'busy' });
  });

  it('keeps the param of a 400 and does not retry it', () => {
    const error = errorFromResponse({
      status: 400,
      method: 'post',
      body: JSON.stringify({ error: { type: 'invalid_request_error', code: 'parameter_missing', param: 'amount' } }),
    });
    expect(error).toMatchObject({ kind: 'rejected', retryable: false, param: 'amount', code: 'parameter_missing' });
  });

  it('classifies an answer without an envelope as not a refusal, and a 404 on a read as not proof of absence', () => {
    const gateway = errorFromResponse({ status: 502, method: 'post', body: '<html>Bad gateway</html>' });
    expect(gateway).toMatchObject({ status: 502, code: ERROR_CODES.unexpectedResponse, kind: 'ambiguous', retryable: true });
    const notFound = errorFromResponse({ status: 404, method: 'post', body: 'nope' });
    expect(notFound).toMatchObject({ code: ERROR_CODES.unexpectedResponse, kind: 'ambiguous' });
    const missing = errorFromResponse({ status: 404, method: 'get', body: JSON.stringify({ error: { type: 'invalid_request_error', code: 'resource_missing' } }) });
    expect(missing).toMatchObject({ code: 'resource_missing', kind: 'ambiguous' });
    expect(missing.message).toContain('not proof that it does not exist');
  });
});

describe('webhook retry schedule (§10, §14.18)', () => {
  it('makes 18 attempts over about 72 hours with growing gaps', () => {
    expect(WEBHOOK_MAX_ATTEMPTS).toBe(18);
    const total = WEBHOOK_RETRY_SCHEDULE_MS.reduce((sum, gap) => sum + gap, 0);
    expect(total).toBeGreaterThan(71 * HOUR);
    expect(total).toBeLessThanOrEqual(72 * HOUR);
    WEBHOOK_RETRY_SCHEDULE_MS.slice(1).forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(WEBHOOK_RETRY_SCHEDULE_MS[i]));
  });
});
