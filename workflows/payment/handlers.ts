/**
 * Every message the payment answers, registered in one place before the first await: queries, WooshPay's
 * events (signal) and the merchant's actions (updates, each with a validator that rejects before anything is
 * written to history).
 */
import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import {
  acceptDisputeUpdate,
  cancelPaymentUpdate,
  createPaymentUpdate,
  DEFAULT_MERCHANT_ID,
  disputeEvidenceUpdate,
  getContinuationQuery,
  getIntakeQuery,
  getPaymentQuery,
  PaymentErrorType,
  providerEventSignal,
  reconcileSignal,
  refundUpdate,
  type DisputeEvidenceRequest,
  type MerchantScope,
  type PaymentIntake,
  type PaymentRecord,
  type RefundRequest,
} from '../messages.js';
import { isAwaitingTransfer, isPaid } from '../payment-state.js';
import { acceptDispute, requireOpenDispute, submitEvidence } from './disputes.js';
import { onProviderEvent } from './provider-events.js';
import { refund, validateRefund } from './refunds.js';
import type { PaymentRun } from './run.js';

export function registerHandlers(run: PaymentRun): void {
  const { record, request } = run;
  const intake = (): PaymentIntake => ({
    payment: record,
    merchantId: request.merchantId ?? DEFAULT_MERCHANT_ID,
    requestFingerprint: request.requestFingerprint,
    intakeId: request.intakeId,
  });

  setHandler(getPaymentQuery, () => record);
  setHandler(getContinuationQuery, () => ({ request, settings: run.settings, carried: run.carried() }));
  setHandler(getIntakeQuery, intake);
  setHandler(providerEventSignal, (event) => onProviderEvent(run, event));
  setHandler(reconcileSignal, () => {
    // Only a payment awaiting its transfer reconciles this way; a paid one learns of money by its events.
    if (isAwaitingTransfer(record)) run.reconcileRequested = true;
    run.touch();
  });

  setHandler(createPaymentUpdate, async () => {
    await condition(() => record.status !== 'processing' || record.payment_intent !== null || record.checkout_session !== null);
    if (record.status === 'failed' && record.redirect_url === null && record.failure) {
      throw ApplicationFailure.create({
        type: PaymentErrorType.ProviderRejected,
        message: record.failure.message,
        details: [record.failure],
        nonRetryable: true,
      });
    }
    return intake();
  });

  // Each validator asks "whose payment?" first, so another merchant learns nothing of its state either.
  setHandler(cancelPaymentUpdate, (req) => cancel(run, req.reason), {
    validator: (req: { reason?: string } & MerchantScope) => {
      requireOwner(run, req);
      validateCancel(record);
    },
  });
  setHandler(refundUpdate, (req) => refund(run, req), {
    validator: (req: RefundRequest) => {
      requireOwner(run, req);
      validateRefund(run, req);
    },
  });
  setHandler(disputeEvidenceUpdate, (req) => submitEvidence(run, req), {
    validator: (req: DisputeEvidenceRequest) => {
      requireOwner(run, req);
      requireOpenDispute(run);
    },
  });
  setHandler(acceptDisputeUpdate, () => acceptDispute(run), {
    validator: (scope?: MerchantScope) => {
      requireOwner(run, scope);
      requireOpenDispute(run);
    },
  });
}

/** The merchant's cancel: asks the cancel gate (awaiting phase) and answers with what WooshPay decided. */
async function cancel(run: PaymentRun, reason: string | undefined): Promise<PaymentRecord> {
  const { record } = run;
  run.cancelRequest ??= { reason: reason ?? 'requested_by_merchant', ending: 'canceled' };
  run.touch();
  await condition(() => !isAwaitingTransfer(record) || run.cancelAttempted);
  if (record.status !== 'canceled') {
    throw ApplicationFailure.create({
      type: PaymentErrorType.InvalidState,
      message: isPaid(record)
        ? 'The transfer arrived before the cancel took effect; the payment has succeeded.'
        : `The payment cannot be canceled while it is ${record.provider_status === 'processing' ? 'clearing at the bank' : record.status}.`,
      nonRetryable: true,
    });
  }
  return record;
}

/**
 * Only the payment's own merchant acts on it. Validators write no history and do not run on replay
 * (docs/temporal-notes.md §2.1), so the check costs no round trip and no re-recording; an update without a
 * merchant (sent before merchants) is not checked.
 */
function requireOwner(run: PaymentRun, scope: MerchantScope | undefined): void {
  if (scope?.merchantId === undefined || scope.merchantId === (run.request.merchantId ?? DEFAULT_MERCHANT_ID)) return;
  throw ApplicationFailure.create({
    type: PaymentErrorType.PaymentNotFound,
    message: 'No such payment.',
    nonRetryable: true,
  });
}

function validateCancel(record: PaymentRecord): void {
  if (!isAwaitingTransfer(record) && record.status !== 'canceled') {
    throw ApplicationFailure.create({
      type: PaymentErrorType.InvalidState,
      message: `Only an unpaid payment can be canceled; this one is ${record.status}.`,
      nonRetryable: true,
    });
  }
}
