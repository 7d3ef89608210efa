/**
 * The payment workflow's contract: its input, and the messages other processes send it. Its record (what
 * `getPayment` returns and the API serves) is in payment-record.ts, re-exported here so that one import names
 * the whole contract. Importable by the API and tests; no Node built-ins here.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { DisputeRecord, Integration, LateFundsPolicy, PaymentRecord, RefundReason, RefundRecord } from './payment-record.js';
import type { PaymentWorkflowInput } from './payment/run.js';

export * from './payment-record.js';

export interface LineItemInput {
  name: string;
  unit_amount: number;
  quantity: number;
  description?: string;
  /** WooshPay's `price_data.nickname` and `price_data.lookup_key`, passed through when the caller sent them. */
  nickname?: string;
  lookup_key?: string;
}

/** What the intake API hands the workflow, already validated. */
/** The merchant of an `API_KEYS` entry written without `merchant:`, and of payments from before merchants. */
export const DEFAULT_MERCHANT_ID = 'default';

export interface PaymentRequest {
  paymentId: string;
  /**
   * The merchant whose API key created the payment; only that merchant's keys reach it. Absent in payments
   * started before merchants existed: those belong to `default` (see DEFAULT_MERCHANT_ID).
   */
  merchantId?: string;
  /** Hash of the canonical request body; the API compares it to spot an Idempotency-Key reused with another body. */
  requestFingerprint: string;
  /** A nonce of the intake request that started the workflow: tells the API "created" (201) from "replayed" (200). */
  intakeId: string;
  amount: number;
  currency: 'IDR';
  integration: Integration;
  returnUrl?: string;
  successUrl?: string;
  cancelUrl?: string;
  lineItems?: LineItemInput[];
  description?: string;
  merchantOrderId?: string;
  metadata: Record<string, string>;
  /** When the shopper's transfer window closes (ms since epoch), fixed at intake. */
  expiresAt: number;
  notifyUrl?: string;
  createdAt: number;
}

/** Tunables that tests shorten; production takes them from configuration. */
export interface PaymentSettings {
  reconcileFirstMs: number;
  reconcileIntervalMs: number;
  /** How long a paid payment stays open for refunds and disputes. */
  retentionMs: number;
  refundsEnabled: boolean;
  /** Poll a pending refund this often in case its webhook never comes. */
  refundPollMs: number;
  /** Remind the merchant this long before a dispute's evidence deadline. */
  disputeReminderLeadMs: number;
  /** Continue-as-new after this many history events even if the server has not suggested it (tests). */
  continueAsNewAfterEvents?: number;
  /** What happens to money that needs a person: held for `review`, or returned by `refund`. */
  lateFundsPolicy: LateFundsPolicy;
  /** Refunds a payment may hold; bounds the record, the history and every payload that carries them. */
  maxRefunds: number;
  /** Default merchant notification endpoint when the payment has none. */
  defaultNotifyUrl?: string;
  /** Backoff of merchant notification delivery (defaults: 5 s growing to 1 h, for three days). */
  notificationRetry?: NotificationRetry;
}

export interface NotificationRetry {
  initialIntervalMs: number;
  maximumIntervalMs: number;
}

/**
 * A WooshPay webhook event, reduced by the API to what the workflow acts on. Keeping it small keeps
 * history small, and keeps payer data (dispute scheme metadata, billing details) out of history.
 */
export type ProviderEvent = {
  id: string;
  type: string;
  created: number;
} & (
  | { object: 'payment_intent'; data: ProviderIntentState }
  | { object: 'checkout_session'; data: { id: string; status: string; payment_status: string | null; payment_intent: string | null } }
  | { object: 'refund'; data: ProviderRefundState }
  | { object: 'dispute'; data: ProviderDisputeState }
  | { object: 'other'; data: { id: string | null } }
);

export interface ProviderIntentState {
  id: string;
  status: string;
  amount: number;
  /** Total received, when WooshPay reports it (docs/wooshpay-api.md §14.23); null when it does not. */
  amount_received?: number | null;
  failure: { code: string; message: string } | null;
  cancellation_reason: string | null;
  /** The session's state when the intent belongs to a Checkout Session. */
  checkout_session_status?: string | null;
}

export interface ProviderRefundState {
  id: string;
  amount: number;
  status: string;
  failure_reason: string | null;
  /** Our refund id, sent in the refund's metadata so an event can arrive before the create call returns. */
  refund_id: string | null;
}

export interface ProviderDisputeState {
  id: string;
  amount: number;
  currency: string;
  reason: string | null;
  status: string;
  evidence_due_by: number | null;
  has_evidence: boolean;
  created: number;
}

/**
 * Who sends an action (update): the merchant of the caller's API key. The update's validator refuses a payment
 * of another merchant with PaymentErrorType.PaymentNotFound, before anything is written to history. Absent in
 * updates from before merchants (replayed without validators).
 */
export interface MerchantScope {
  merchantId?: string;
}

export interface RefundRequest extends MerchantScope {
  refundId: string;
  amount?: number;
  reason?: RefundReason;
  metadata?: Record<string, string>;
}

export interface DisputeEvidenceRequest extends MerchantScope {
  evidence: Record<string, string>;
  submit: boolean;
}

/** Error types the workflow's updates fail with; the API maps each to its HTTP answer. */
export const PaymentErrorType = {
  ProviderRejected: 'ProviderRejected',
  InvalidState: 'InvalidState',
  AmountExceedsRefundable: 'AmountExceedsRefundable',
  RefundNotSupported: 'RefundNotSupported',
  InvalidAmount: 'InvalidAmount',
  NoOpenDispute: 'NoOpenDispute',
  RefundLimitReached: 'RefundLimitReached',
  /** The payment belongs to another merchant: answered exactly as an unknown payment id. */
  PaymentNotFound: 'PaymentNotFound',
} as const;
export type PaymentErrorType = (typeof PaymentErrorType)[keyof typeof PaymentErrorType];

/** What the intake needs to answer an Idempotency-Key: the payment, and which request made it. */
export interface PaymentIntake {
  payment: PaymentRecord;
  /** The payment's merchant (DEFAULT_MERCHANT_ID for payments from before merchants): reads compare it with the caller's. */
  merchantId: string;
  requestFingerprint: string;
  intakeId: string;
}

// Messages
/** What a closed payment needs to be opened again (a late transfer): its input and its carried state. */
export const getContinuationQuery = defineQuery<PaymentWorkflowInput>('getContinuation');
/** Returns the payment once the WooshPay object exists (redirect URL ready), or fails with the reason. */
export const createPaymentUpdate = defineUpdate<PaymentIntake, []>('createPayment');
export const getIntakeQuery = defineQuery<PaymentIntake>('getIntake');
export const cancelPaymentUpdate = defineUpdate<PaymentRecord, [{ reason?: string } & MerchantScope]>('cancelPayment');
export const refundUpdate = defineUpdate<RefundRecord, [RefundRequest]>('refund');
export const disputeEvidenceUpdate = defineUpdate<DisputeRecord, [DisputeEvidenceRequest]>('submitDisputeEvidence');
export const acceptDisputeUpdate = defineUpdate<DisputeRecord, [MerchantScope]>('acceptDispute');
export const providerEventSignal = defineSignal<[ProviderEvent]>('wooshpayEvent');
/**
 * The reconciliation sweep saw WooshPay's intent move while no webhook told the payment: read WooshPay's view
 * and apply it. Carries nothing; the payment reads for itself, through the same rules as a webhook.
 */
export const reconcileSignal = defineSignal('reconcile');
export const getPaymentQuery = defineQuery<PaymentRecord>('getPayment');
