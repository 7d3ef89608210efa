/**
 * Inputs and outputs of the activities, as the workflow sees them. Everything here crosses Temporal's
 * history, so it carries ids and amounts, never secrets.
 */
import type {
  LineItemInput,
  ProviderDisputeState,
  ProviderIntentState,
  ProviderRefundState,
  RefundReason,
} from '../workflows/messages.js';

export interface CreateIntentInput {
  paymentId: string;
  idempotencyKey: string;
  amount: number;
  currency: 'IDR';
  returnUrl: string;
  description?: string;
  merchantOrderId?: string;
  metadata: Record<string, string>;
}

export interface CreatedIntent {
  paymentIntentId: string;
  redirectUrl: string;
  status: string;
}

export interface CreateCheckoutInput {
  paymentId: string;
  idempotencyKey: string;
  amount: number;
  currency: 'IDR';
  successUrl: string;
  cancelUrl: string;
  lineItems: LineItemInput[];
  description?: string;
  merchantOrderId?: string;
  metadata: Record<string, string>;
}

export interface CreatedCheckout {
  checkoutSessionId: string;
  paymentIntentId: string | null;
  url: string;
  expiresAt: number;
}

export interface PaymentObjectRef {
  paymentIntentId: string | null;
  checkoutSessionId: string | null;
}

export interface CancelInput extends PaymentObjectRef {
  reason: string;
  idempotencyKey: string;
}

export interface CancelOutcome {
  /** false when WooshPay refused because the intent moved on (paid, or a transfer is clearing). */
  canceled: boolean;
  intent: ProviderIntentState | null;
}

export interface CreateRefundInput {
  refundId: string;
  paymentId: string;
  paymentIntentId: string;
  amount: number;
  reason?: RefundReason;
  metadata: Record<string, string>;
}

export interface DisputeEvidenceInput {
  disputeId: string;
  evidence: Record<string, string>;
  submit: boolean;
  idempotencyKey: string;
}

export interface MerchantNotificationInput {
  url: string;
  /** Whose signing secret signs the delivery; the secret itself is looked up by the worker, never carried here. */
  merchantId: string;
  eventId: string;
  type: string;
  created: number;
  /** The payment as it is when the notification is sent (events say what happened; the payment, where it stands). */
  payment: unknown;
}

/** The activity implementations' shape; workflows import it type-only. */
export interface PaymentActivities {
  createPaymentIntent(input: CreateIntentInput): Promise<CreatedIntent>;
  createCheckoutSession(input: CreateCheckoutInput): Promise<CreatedCheckout>;
  retrieveIntentState(ref: PaymentObjectRef): Promise<ProviderIntentState | null>;
  cancelAtProvider(input: CancelInput): Promise<CancelOutcome>;
  createRefund(input: CreateRefundInput): Promise<ProviderRefundState>;
  retrieveRefund(input: { providerRefundId: string }): Promise<ProviderRefundState>;
  updateDisputeEvidence(input: DisputeEvidenceInput): Promise<ProviderDisputeState>;
  acceptDispute(input: { disputeId: string; idempotencyKey: string }): Promise<ProviderDisputeState>;
  deliverMerchantNotification(input: MerchantNotificationInput): Promise<void>;
}

/** What one reconciliation sweep covers: the payments of one task queue, read on a backoff by their age. */
export interface ReconciliationSweepInput {
  taskQueue: string;
  /** How far apart sweeps run (RECONCILE_FIRST_SECONDS): a payment is first read once it is this old. */
  sweepEveryMs: number;
  /** The longest a waiting payment goes unread (RECONCILE_INTERVAL_SECONDS). */
  longestIntervalMs: number;
}

/** What a sweep did; the sweep workflow's result, shown in the Temporal UI. */
export interface ReconciliationSweepReport {
  /** Payments visibility listed as waiting for their transfer. */
  waiting: number;
  /** Of those, read at WooshPay in this sweep. */
  read: number;
  /** Told to reconcile: their intent moved, or they have no intent to read yet (a Checkout Session). */
  nudged: number;
  /**
   * Due payments not read: WooshPay did not answer, or had stopped answering so the sweep read no more. Read
   * again at the next sweep; never taken as "nothing moved".
   */
  unreadable: number;
}

export interface ReconciliationActivities {
  sweepWaitingPayments(input: ReconciliationSweepInput): Promise<ReconciliationSweepReport>;
}
