/**
 * An in-memory stand-in for WooshPay behind the activity interface, for workflow tests that need to script
 * the provider precisely (a refusal, an intent that succeeds at the moment we cancel). Tests of the real
 * HTTP path use the simulator instead.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { PaymentActivities, CreateIntentInput, MerchantNotificationInput } from '../../activities/types.js';
import type { ProviderIntentState, ProviderRefundState } from '../../workflows/messages.js';

export class FakeProvider {
  intents = new Map<string, ProviderIntentState>();
  refunds = new Map<string, ProviderRefundState>();
  createCalls: CreateIntentInput[] = [];
  cancelCalls: string[] = [];
  /** The intent's status at each cancel attempt. */
  cancelStatuses: string[] = [];
  notifications: MerchantNotificationInput[] = [];
  /** Set to make the next create fail with this WooshPay refusal. */
  rejectCreate: { code: string; message: string } | null = null;
  /** The status WooshPay gives a new intent (e.g. `processing`: the shopper's transfer is already clearing). */
  initialStatus = 'requires_action';
  /** Called on cancel before it takes effect, to script races (e.g. the transfer lands first). */
  beforeCancel: ((intent: ProviderIntentState) => void) | null = null;
  /** Reads of an intent's state (reconciliation). */
  retrieveCalls = 0;
  private seq = 0;

  succeed(intentId: string): void {
    this.intents.get(intentId)!.status = 'succeeded';
  }

  activities(): PaymentActivities {
    return {
      createPaymentIntent: async (input) => {
        this.createCalls.push(input);
        if (this.rejectCreate) {
          throw ApplicationFailure.create({
            type: 'WooshPayRejected',
            message: this.rejectCreate.message,
            nonRetryable: true,
            details: [this.rejectCreate],
          });
        }
        const existing = [...this.intents.values()].find((i) => i.id === `pi_${input.idempotencyKey}`);
        if (existing) return { paymentIntentId: existing.id, redirectUrl: `https://pay.test/${existing.id}`, status: existing.status };
        const id = `pi_${input.idempotencyKey}`;
        this.intents.set(id, { id, status: this.initialStatus, amount: input.amount, failure: null, cancellation_reason: null });
        return { paymentIntentId: id, redirectUrl: `https://pay.test/${id}`, status: this.initialStatus };
      },
      createCheckoutSession: async () => {
        throw ApplicationFailure.create({ message: 'checkout not scripted', nonRetryable: true });
      },
      retrieveIntentState: async (ref) => {
        this.retrieveCalls++;
        return ref.paymentIntentId ? { ...this.intents.get(ref.paymentIntentId)! } : null;
      },
      cancelAtProvider: async (input) => {
        const intent = this.intents.get(input.paymentIntentId!)!;
        this.cancelCalls.push(intent.id);
        this.beforeCancel?.(intent);
        this.cancelStatuses.push(intent.status);
        if (intent.status === 'requires_action') {
          intent.status = 'canceled';
          intent.cancellation_reason = input.reason;
        }
        return { canceled: intent.status === 'canceled', intent: { ...intent } };
      },
      createRefund: async (input) => {
        const state: ProviderRefundState = {
          id: `re_${++this.seq}`,
          amount: input.amount,
          status: 'pending',
          failure_reason: null,
          refund_id: input.refundId,
        };
        this.refunds.set(state.id, state);
        return { ...state };
      },
      retrieveRefund: async ({ providerRefundId }) => ({ ...this.refunds.get(providerRefundId)! }),
      updateDisputeEvidence: async () => {
        throw ApplicationFailure.create({ message: 'disputes not scripted', nonRetryable: true });
      },
      acceptDispute: async () => {
        throw ApplicationFailure.create({ message: 'disputes not scripted', nonRetryable: true });
      },
      deliverMerchantNotification: async (input) => {
        this.notifications.push(input);
      },
    };
  }
}
