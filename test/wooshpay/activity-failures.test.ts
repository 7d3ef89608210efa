/**
 * How a WooshPay failure reaches Temporal: only a refusal is non-retryable; an ambiguous answer has its
 * own type, so the workflow can tell "maybe committed" from "unavailable"; a Temporal cancellation stays one.
 */
import { describe, expect, it } from '@jest/globals';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { ActivityErrorType, toActivityFailure } from '../../activities/failures.js';
import { ERROR_CODES, errorFromResponse, WooshPayError, type WooshPayFailureKind } from '../../wooshpay/index.js';

const errorOf = (kind: WooshPayFailureKind, extra: Partial<ConstructorParameters<typeof WooshPayError>[0]> = {}) =>
  new WooshPayError({ message: `a ${kind} failure`, type: 'api_error', code: 'some_code', kind, ...extra });

describe('toActivityFailure', () => {
  it('makes a documented refusal final, with WooshPay’s code and message as details', () => {
    const refusal = errorFromResponse({
      status: 400,
      method: 'post',
      body: JSON.stringify({ error: { type: 'invalid_request_error', code: ERROR_CODES.amountTooLarge, message: 'Too much' } }),
    });
    const failure = toActivityFailure(refusal);
    if (!(failure instanceof ApplicationFailure)) throw new Error('expected an ApplicationFailure');
    expect(failure).toMatchObject({ type: ActivityErrorType.ProviderRejected, nonRetryable: true, message: 'Too much' });
    expect(failure.details).toEqual([{ status: 400, type: 'invalid_request_error', code: ERROR_CODES.amountTooLarge, message: 'Too much', kind: 'rejected' }]);
  });

  it('gives "maybe committed" its own retryable type, and "unavailable" another honouring Retry-After', () => {
    expect(toActivityFailure(errorOf('ambiguous', { code: ERROR_CODES.invalidResponse, status: 200 }))).toMatchObject({
      type: 'WooshPayAmbiguous',
      nonRetryable: false,
    });
    expect(toActivityFailure(errorOf('unavailable', { status: 429, retryAfterMs: 7_000 }))).toMatchObject({
      type: 'WooshPayUnavailable',
      nonRetryable: false,
      nextRetryDelay: 7_000,
    });
    // Aborted by a caller's own signal, not Temporal's: the change may have gone out.
    expect(toActivityFailure(errorOf('aborted', { cause: new Error('caller gave up') }))).toMatchObject({
      type: 'WooshPayAmbiguous',
      nonRetryable: false,
    });
  });

  it('lets Temporal’s cancellation through unchanged (activity cancelled, worker shutting down)', () => {
    const cancelled = new CancelledFailure('WORKER_SHUTDOWN');
    expect(toActivityFailure(errorOf('aborted', { code: ERROR_CODES.aborted, cause: cancelled }))).toBe(cancelled);
    expect(toActivityFailure(cancelled)).toBe(cancelled);
  });

  it('retries what it cannot classify, and passes an ApplicationFailure through', () => {
    expect(toActivityFailure(new TypeError('boom'))).toMatchObject({ type: 'WooshPayUnavailable', nonRetryable: false });
    const own = ApplicationFailure.nonRetryable('ours', 'Misconfigured');
    expect(toActivityFailure(own)).toBe(own);
  });
});
