import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * What operators filter payments by in the Temporal UI (and what `GET /v1/payments` lists from).
 * Search attributes are indexed in clear text by the server: never put personal data in them.
 */
export const PaymentStatus = defineSearchAttributeKey('PaymentStatus', SearchAttributeType.KEYWORD);
export const PaymentIntegration = defineSearchAttributeKey('PaymentIntegration', SearchAttributeType.KEYWORD);
/** Whose API key created the payment (a configured slug, never personal data); absent before merchants: `default`. */
export const MerchantId = defineSearchAttributeKey('MerchantId', SearchAttributeType.KEYWORD);
export const MerchantOrderId = defineSearchAttributeKey('MerchantOrderId', SearchAttributeType.KEYWORD);
export const WooshPayIntentId = defineSearchAttributeKey('WooshPayIntentId', SearchAttributeType.KEYWORD);
export const DisputeStatus = defineSearchAttributeKey('DisputeStatus', SearchAttributeType.KEYWORD);
export const PaymentAmount = defineSearchAttributeKey('PaymentAmount', SearchAttributeType.INT);
export const RefundedAmount = defineSearchAttributeKey('RefundedAmount', SearchAttributeType.INT);
/** Why the payment's money needs a person (`paid_after_expiry`, `underpaid`, `overpaid`, `over_committed`). */
export const PaymentReview = defineSearchAttributeKey('PaymentReview', SearchAttributeType.KEYWORD);

/** Registered on every server we run against: `npm start`, the test harness, the compose stack. */
export const PAYMENT_SEARCH_ATTRIBUTES = [
  PaymentStatus,
  PaymentIntegration,
  MerchantOrderId,
  WooshPayIntentId,
  DisputeStatus,
  PaymentAmount,
  RefundedAmount,
  PaymentReview,
  MerchantId,
] as const;

/** The visibility clauses that select the payments of one task queue: the API's lists and the reconciliation sweep. */
export function paymentsOfTaskQueue(taskQueue: string): string[] {
  return [`WorkflowType = 'paymentWorkflow'`, `TaskQueue = '${taskQueue}'`];
}
