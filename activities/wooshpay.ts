/**
 * Every call the payment makes to WooshPay. Thin on purpose: build the request, pass Temporal's cancellation
 * signal through, classify the error. Retries and their timing belong to the workflow's retry policies.
 */
import { cancellationSignal } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { MERCHANT_ORDER_ID_METADATA_KEY, redirectUrlOf, type WooshPayClient, WooshPayError } from '../wooshpay/index.js';
import type { ProviderIntentState } from '../workflows/messages.js';
import { ActivityErrorType, toActivityFailure } from './failures.js';
import {
  disputeState,
  intentState,
  PAYMENT_ID_METADATA_KEY,
  REFUND_ID_METADATA_KEY,
  refundState,
  sessionOnlyState,
} from './provider-state.js';
import type {
  CancelInput,
  CancelOutcome,
  CreateCheckoutInput,
  CreatedCheckout,
  CreatedIntent,
  CreateIntentInput,
  CreateRefundInput,
  DisputeEvidenceInput,
  PaymentActivities,
  PaymentObjectRef,
} from './types.js';

type WooshPayActivities = Omit<PaymentActivities, 'deliverMerchantNotification'>;

async function call<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  try {
    return await fn(cancellationSignal());
  } catch (err) {
    throw toActivityFailure(err);
  }
}

export function createWooshPayActivities(wooshpay: WooshPayClient): WooshPayActivities {
  return { ...creationActivities(wooshpay), ...intentActivities(wooshpay), ...afterPaymentActivities(wooshpay) };
}

/** The create: a PaymentIntent confirmed at once (its redirect URL is the transfer page), or a hosted Checkout Session. */
function creationActivities(wooshpay: WooshPayClient): Pick<WooshPayActivities, 'createPaymentIntent' | 'createCheckoutSession'> {
  return {
    async createPaymentIntent(input: CreateIntentInput): Promise<CreatedIntent> {
      const pi = await call((signal) =>
        wooshpay.createPaymentIntent(
          {
            amount: input.amount,
            currency: input.currency,
            confirm: true,
            payment_method_data: { type: 'bank_transfer_id' },
            payment_method_types: ['bank_transfer_id'],
            return_url: input.returnUrl,
            description: input.description,
            // §14.22: top level (searchable) and in metadata.
            merchant_order_id: input.merchantOrderId,
            metadata: createdObjectMetadata(input),
          },
          { idempotencyKey: input.idempotencyKey, signal },
        ),
      );
      const redirectUrl = redirectUrlOf(pi);
      if (!redirectUrl) {
        // Without a redirect the shopper cannot pay; WooshPay answering so is a contract break, not a blip.
        throw ApplicationFailure.create({
          type: ActivityErrorType.ProviderRejected,
          message: `WooshPay created ${pi.id} (${pi.status}) without a bank-transfer redirect URL.`,
          nonRetryable: true,
          details: [{ code: 'redirect_missing', message: `PaymentIntent ${pi.id} has no redirect URL.` }],
        });
      }
      return { paymentIntentId: pi.id, redirectUrl, status: pi.status };
    },

    async createCheckoutSession(input: CreateCheckoutInput): Promise<CreatedCheckout> {
      const session = await call((signal) =>
        wooshpay.createCheckoutSession(
          {
            mode: 'payment',
            success_url: input.successUrl,
            cancel_url: input.cancelUrl,
            payment_method_types: ['bank_transfer_id'],
            client_reference_id: input.paymentId,
            line_items: checkoutLineItems(input),
            metadata: createdObjectMetadata(input),
          },
          { idempotencyKey: input.idempotencyKey, signal },
        ),
      );
      if (!session.url) {
        throw ApplicationFailure.create({
          type: ActivityErrorType.ProviderRejected,
          message: `WooshPay created ${session.id} without a hosted page URL.`,
          nonRetryable: true,
          details: [{ code: 'redirect_missing', message: `Checkout Session ${session.id} has no URL.` }],
        });
      }
      return {
        checkoutSessionId: session.id,
        paymentIntentId: session.payment_intent ?? null,
        url: session.url,
        expiresAt: session.expires_at,
      };
    },
  };
}

/** While the payment waits: reading where its intent stands, and the cancel that ends an unpaid one. */
function intentActivities(wooshpay: WooshPayClient): Pick<WooshPayActivities, 'retrieveIntentState' | 'cancelAtProvider'> {
  return {
    async retrieveIntentState(ref: PaymentObjectRef): Promise<ProviderIntentState | null> {
      return call((signal) => readIntent(wooshpay, ref, signal));
    },

    async cancelAtProvider(input: CancelInput): Promise<CancelOutcome> {
      return call(async (signal) => {
        try {
          if (input.checkoutSessionId) {
            // A session's intent cannot be canceled directly (§3.3): expiring the session cancels it.
            await wooshpay.expireCheckoutSession(input.checkoutSessionId, { idempotencyKey: input.idempotencyKey, signal });
          } else if (input.paymentIntentId) {
            await wooshpay.cancelPaymentIntent(
              input.paymentIntentId,
              { cancellation_reason: input.reason },
              { idempotencyKey: input.idempotencyKey, signal },
            );
          }
        } catch (err) {
          // A refusal means the intent moved on (paid, clearing, already canceled): read where it is.
          if (!(err instanceof WooshPayError) || err.retryable) throw err;
        }
        const intent = await readIntent(wooshpay, input, signal);
        const canceled = intent?.status === 'canceled' || intent?.checkout_session_status === 'expired';
        return { canceled, intent };
      });
    },
  };
}

/** Once paid: refunds and the merchant's answers to a dispute. */
function afterPaymentActivities(
  wooshpay: WooshPayClient,
): Pick<WooshPayActivities, 'createRefund' | 'retrieveRefund' | 'updateDisputeEvidence' | 'acceptDispute'> {
  return {
    async createRefund(input: CreateRefundInput) {
      const refund = await call((signal) =>
        wooshpay.createRefund(
          {
            payment_intent: input.paymentIntentId,
            amount: input.amount,
            reason: input.reason,
            metadata: {
              ...input.metadata,
              [PAYMENT_ID_METADATA_KEY]: input.paymentId,
              [REFUND_ID_METADATA_KEY]: input.refundId,
            },
          },
          // Our refund id is the key: a retry after a lost answer finds the same refund.
          { idempotencyKey: input.refundId, signal },
        ),
      );
      return refundState(refund);
    },

    async retrieveRefund({ providerRefundId }: { providerRefundId: string }) {
      return refundState(await call((signal) => wooshpay.retrieveRefund(providerRefundId, { signal })));
    },

    async updateDisputeEvidence(input: DisputeEvidenceInput) {
      const dispute = await call((signal) =>
        wooshpay.updateDispute(
          input.disputeId,
          { evidence: input.evidence, submit: input.submit },
          { idempotencyKey: input.idempotencyKey, signal },
        ),
      );
      return disputeState(dispute);
    },

    async acceptDispute({ disputeId, idempotencyKey }: { disputeId: string; idempotencyKey: string }) {
      return disputeState(await call((signal) => wooshpay.closeDispute(disputeId, { idempotencyKey, signal })));
    },
  };
}

/** WooshPay's view of the payment: its intent, read through its Checkout Session when it has one. */
async function readIntent(wooshpay: WooshPayClient, ref: PaymentObjectRef, signal: AbortSignal): Promise<ProviderIntentState | null> {
  if (ref.checkoutSessionId) {
    const session = await wooshpay.retrieveCheckoutSession(ref.checkoutSessionId, { signal });
    const piId = session.payment_intent ?? ref.paymentIntentId;
    if (!piId) return sessionOnlyState(session);
    return intentState(await wooshpay.retrievePaymentIntent(piId, { signal }), session);
  }
  if (!ref.paymentIntentId) return null;
  return intentState(await wooshpay.retrievePaymentIntent(ref.paymentIntentId, { signal }));
}

/** Our payment id (and the merchant's order id) ride in every object we create, so any event finds its payment. */
function createdObjectMetadata(input: CreateIntentInput | CreateCheckoutInput): Record<string, string> {
  return {
    ...input.metadata,
    [PAYMENT_ID_METADATA_KEY]: input.paymentId,
    ...(input.merchantOrderId && { [MERCHANT_ORDER_ID_METADATA_KEY]: input.merchantOrderId }),
  };
}

/** Our line items in WooshPay's shape: each an inline price in the payment's currency. */
function checkoutLineItems(input: CreateCheckoutInput) {
  return input.lineItems.map((item) => ({
    quantity: item.quantity,
    price_data: {
      currency: input.currency,
      unit_amount: item.unit_amount,
      product_data: { name: item.name, ...(item.description && { description: item.description }) },
      ...(item.nickname && { nickname: item.nickname }),
      ...(item.lookup_key && { lookup_key: item.lookup_key }),
    },
  }));
}
