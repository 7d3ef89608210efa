import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { WooshPayError } from '../wooshpay/index.js';

/** Failure types the workflows and retry policies match on. */
export const ActivityErrorType = {
  /** WooshPay refused the call (a documented 4xx): nothing changed, the same call fails the same way; not retried. */
  ProviderRejected: 'WooshPayRejected',
  /**
   * The call may have taken effect and its answer could not be read (a timeout or dropped connection after
   * a change went out, a 2xx we cannot parse, a 5xx mid-change, a 404 on reading our own object). Retried
   * with the same idempotency key; never a reason to release money or end a payment.
   */
  ProviderAmbiguous: 'WooshPayAmbiguous',
  /** WooshPay did not act (429, 503, nothing sent, a read that failed): retried with backoff. */
  ProviderUnavailable: 'WooshPayUnavailable',
  /** The merchant's endpoint did not take the notification: retried for days. */
  NotificationFailed: 'MerchantNotificationFailed',
  /** The notification URL's host is (now) an address we never send to (activities/outbound-address.ts): not retried. */
  NotificationAddressRefused: 'NotificationAddressRefused',
  /** Something in our configuration is missing: retrying cannot help. */
  Misconfigured: 'Misconfigured',
} as const;

/**
 * A WooshPay error as what the activity throws: non-retryable for refusals only (WooshPay's code and
 * message as details, which the workflow records), retryable otherwise (honouring `Retry-After`), and
 * Temporal's own cancellation unchanged when the activity was cancelled or its worker is shutting down.
 */
export function toActivityFailure(err: unknown): ApplicationFailure | CancelledFailure {
  if (err instanceof CancelledFailure) return err;
  if (err instanceof WooshPayError) {
    if (err.kind === 'aborted' && err.cause instanceof CancelledFailure) return err.cause;
    const details = { status: err.status ?? null, type: err.type, code: err.code, message: err.message, kind: err.kind };
    return ApplicationFailure.create({
      type: failureTypeOf(err),
      message: err.message,
      nonRetryable: err.kind === 'rejected',
      details: [details],
      ...(err.retryAfterMs !== undefined && err.kind !== 'rejected' && { nextRetryDelay: err.retryAfterMs }),
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

function failureTypeOf(err: WooshPayError): string {
  switch (err.kind) {
    case 'rejected':
      return ActivityErrorType.ProviderRejected;
    case 'unavailable':
      return ActivityErrorType.ProviderUnavailable;
    default:
      // Ambiguous, or aborted by a caller's own signal (not Temporal's): a change may have been made.
      return ActivityErrorType.ProviderAmbiguous;
  }
}
