/**
 * How Temporal's answers become the API's one error envelope: the workflow's typed update failures map to
 * 4xx with their codes, an unreachable Temporal to a retryable 503, the rest to a 500 without details.
 */
import { type Client, isGrpcServiceError, WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { PaymentErrorType, type PaymentRecord } from '../workflows/messages.js';
import { ApiError } from './errors.js';

/** gRPC status codes we act on (from the gRPC spec), without depending on grpc-js directly. */
export const grpcStatus = { INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, UNAVAILABLE: 14 } as const;

/** The gRPC status behind an error, looking through the client's wrappers (ServiceError and causes). */
export function grpcCodeOf(err: unknown): number | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isGrpcServiceError(e)) return Number(e.code);
  }
  return undefined;
}

/** Temporal could not be reached (down, or slower than our deadline): a retry later can succeed. */
export function isTemporalUnavailable(err: unknown): boolean {
  const code = grpcCodeOf(err);
  return code === grpcStatus.UNAVAILABLE || code === grpcStatus.DEADLINE_EXCEEDED;
}

export function idempotencyMismatch(): ApiError {
  return new ApiError(
    409,
    'idempotency_error',
    'idempotency_key_reused',
    'This Idempotency-Key was used with a different request body; use a new key for a new request.',
  );
}

/**
 * The one answer for a payment the caller cannot see: an id that was never issued and another merchant's
 * payment read the same, byte for byte, so the answer does not tell them apart.
 */
export function paymentNotFound(paymentId: string | undefined): ApiError {
  return new ApiError(404, 'not_found', 'payment_not_found', `No payment ${paymentId ?? ''}.`.replace(' .', '.'));
}

export function paymentClosed(paymentId: string | undefined): ApiError {
  return new ApiError(409, 'state_error', 'payment_closed', 'This payment is closed; nothing more can happen to it.', { payment: paymentId });
}

export function providerRejected(payment: PaymentRecord | undefined, message?: string, paymentId?: string): ApiError {
  return new ApiError(
    422,
    'invalid_request_error',
    payment?.failure?.code ?? 'provider_rejected',
    `WooshPay refused the payment: ${payment?.failure?.message ?? message ?? 'no reason given'}`,
    { payment: payment?.id ?? paymentId },
  );
}

const UPDATE_ERRORS: Record<string, { status: number; type: 'invalid_request_error' | 'state_error'; code: string }> = {
  [PaymentErrorType.InvalidState]: { status: 409, type: 'state_error', code: 'payment_state_invalid' },
  [PaymentErrorType.AmountExceedsRefundable]: { status: 422, type: 'invalid_request_error', code: 'amount_exceeds_refundable' },
  [PaymentErrorType.RefundNotSupported]: { status: 422, type: 'invalid_request_error', code: 'refund_not_supported' },
  [PaymentErrorType.InvalidAmount]: { status: 422, type: 'invalid_request_error', code: 'amount_invalid' },
  [PaymentErrorType.NoOpenDispute]: { status: 409, type: 'state_error', code: 'no_open_dispute' },
  [PaymentErrorType.RefundLimitReached]: { status: 422, type: 'invalid_request_error', code: 'refund_limit_reached' },
  [PaymentErrorType.ProviderRejected]: { status: 422, type: 'invalid_request_error', code: 'provider_rejected' },
};

export function translateTemporalError(err: unknown, paymentId?: string): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof WorkflowNotFoundError) return paymentNotFound(paymentId);
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    if (err.cause.type === PaymentErrorType.PaymentNotFound) return paymentNotFound(paymentId);
    const mapped = UPDATE_ERRORS[err.cause.type ?? ''];
    // A refusal by WooshPay carries WooshPay's own code.
    const providerCode = (err.cause.details?.[0] as { code?: string } | undefined)?.code;
    const code = err.cause.type === PaymentErrorType.ProviderRejected && providerCode ? providerCode : mapped?.code;
    if (mapped) return new ApiError(mapped.status, mapped.type, code ?? mapped.code, err.cause.message, { payment: paymentId });
    // An activity the update ran failed for good (e.g. WooshPay refused the dispute call).
    return new ApiError(422, 'invalid_request_error', 'provider_rejected', err.cause.message, { payment: paymentId });
  }
  if (err instanceof DeadlineExceeded || err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return new ApiError(503, 'api_error', 'still_processing', 'The payment is still being processed; retry with the same Idempotency-Key.', {
      payment: paymentId,
      retryAfterSeconds: 2,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  if (/workflow execution already completed|already completed/i.test(message)) return paymentClosed(paymentId);
  const code = grpcCodeOf(err);
  if (code !== undefined) {
    if (code === grpcStatus.NOT_FOUND) return paymentNotFound(paymentId);
    if (isTemporalUnavailable(err)) {
      return new ApiError(503, 'api_error', 'temporal_unavailable', 'The payment service is temporarily unavailable; retry shortly.', {
        retryAfterSeconds: 2,
      });
    }
  }
  return new ApiError(500, 'api_error', 'internal_error', 'Something went wrong on our side; it is safe to retry.');
}

export class DeadlineExceeded extends Error {}

/** How long a read (a query, a describe) may keep an HTTP caller waiting for Temporal. */
export const READ_DEADLINE_MS = 10_000;

/**
 * Bounds how long an HTTP caller waits; the work itself goes on in Temporal and a retry picks it up. At the
 * deadline the calls `call` made are cancelled too: an update's result poll left running would otherwise go on
 * retrying on its own, past the request, and past the connection's close at shutdown.
 */
export async function withDeadline<T>(client: Client, ms: number, call: () => Promise<T>): Promise<T> {
  const abandoned = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new DeadlineExceeded('deadline'));
      abandoned.abort();
    }, ms);
  });
  const answer = client.connection.withAbortSignal(abandoned.signal, call);
  try {
    return await Promise.race([answer, deadline]);
  } finally {
    clearTimeout(timer);
    answer.catch(() => undefined);
  }
}
