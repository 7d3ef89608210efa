import { ApplicationFailure } from '@temporalio/common';
import { WooshPayError } from '../wooshpay/index.js';

/** Failure types the workflows and retry policies match on. */
export const ActivityErrorType = {
  /** WooshPay refused the call (4xx): the same call fails the same way, so it is not retried. */
  ProviderRejected: 'WooshPayRejected',
  /** WooshPay or the network failed transiently (5xx, 429, timeout): retried with backoff. */
  ProviderUnavailable: 'WooshPayUnavailable',
  /** The merchant's endpoint did not take the notification: retried for days. */
  NotificationFailed: 'MerchantNotificationFailed',
  /** Something in our configuration is missing: retrying cannot help. */
  Misconfigured: 'Misconfigured',
} as const;

/**
 * A WooshPay error as a Temporal failure: non-retryable for refusals (with WooshPay's code and message as
 * details, which the workflow records), retryable otherwise, honouring `Retry-After`.
 */
export function toActivityFailure(err: unknown): ApplicationFailure {
  if (err instanceof WooshPayError) {
    const details = { status: err.status ?? null, type: err.type, code: err.code, message: err.message };
    if (!err.retryable) {
      return ApplicationFailure.create({
        type: ActivityErrorType.ProviderRejected,
        message: err.message,
        nonRetryable: true,
        details: [details],
      });
    }
    return ApplicationFailure.create({
      type: ActivityErrorType.ProviderUnavailable,
      message: err.message,
      nonRetryable: false,
      details: [details],
      ...(err.retryAfterMs !== undefined && { nextRetryDelay: err.retryAfterMs }),
    });
  }
  if (err instanceof ApplicationFailure) return err;
  // Anything else is a bug or an unclassified transport fault; let Temporal retry it and surface it.
  return ApplicationFailure.create({
    type: ActivityErrorType.ProviderUnavailable,
    message: err instanceof Error ? err.message : String(err),
    nonRetryable: false,
  });
}
