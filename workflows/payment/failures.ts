import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';

export interface ProviderFailure {
  code: string;
  message: string;
}

/**
 * What an activity call failed with. A regular activity's failure arrives wrapped in an ActivityFailure; a local
 * activity's arrives bare (sdk-core wraps only its timeouts and cancellations), so both shapes are read here.
 * Anything else — a cancellation of our own, a bug — is not an activity's answer, and callers rethrow it.
 */
export function activityFailureCause(err: unknown): ApplicationFailure | TimeoutFailure | null {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure || cause instanceof TimeoutFailure ? cause : null;
}

/** The call reached the outside world and failed there (a refusal, or retries that ran out). */
export function isActivityFailure(err: unknown): boolean {
  return err instanceof ActivityFailure || activityFailureCause(err) !== null;
}

/**
 * A WooshPay refusal as a code and message: the activity failed non-retryably (a documented 4xx), or its
 * retries ran out of time.
 */
export function providerFailure(err: unknown): ProviderFailure | null {
  const cause = activityFailureCause(err);
  if (cause instanceof ApplicationFailure && cause.nonRetryable) {
    const details = (cause.details?.[0] ?? {}) as { code?: string; message?: string };
    return { code: details.code ?? cause.type ?? 'provider_error', message: details.message ?? cause.message };
  }
  if (cause instanceof TimeoutFailure) {
    return { code: 'provider_unavailable', message: 'WooshPay did not answer before the payment expired.' };
  }
  return null;
}

/** Only a refusal is final; a timeout or an unavailable provider is not. */
export function isRefusal(err: unknown): boolean {
  const cause = activityFailureCause(err);
  return cause instanceof ApplicationFailure && cause.nonRetryable === true;
}
