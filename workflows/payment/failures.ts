import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';

export interface ProviderFailure {
  code: string;
  message: string;
}

/**
 * A WooshPay refusal as a code and message: the activity failed non-retryably (a documented 4xx), or its
 * retries ran out of time. Anything else (a bug, a cancellation) is not a refusal and is rethrown by callers.
 */
export function providerFailure(err: unknown): ProviderFailure | null {
  if (!(err instanceof ActivityFailure)) return null;
  const cause = err.cause;
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
  return err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.nonRetryable === true;
}
