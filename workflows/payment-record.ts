/**
 * The payment's record: what the workflow keeps, `getPayment` returns and the API serves, with its refunds,
 * its dispute and the review a person must make. Data only, importable by the workflow, the API and tests.
 */
import { DISPUTE_STATUSES } from '../wooshpay/assumptions.js';
import type { RefundReason } from '../wooshpay/enums.js';

export const PAYMENT_STATUSES = [
  'processing',
  'requires_action',
  'succeeded',
  'partially_refunded',
  'refunded',
  'disputed',
  'charged_back',
  'expired',
  'canceled',
  'failed',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** Statuses after which nothing more can happen to the money; the workflow closes on them. */
export const UNPAID_FINAL_STATUSES: readonly PaymentStatus[] = ['expired', 'canceled', 'failed'];

export type Integration = 'direct' | 'checkout';

export const LATE_FUNDS_POLICIES = ['review', 'refund'] as const;
export type LateFundsPolicy = (typeof LATE_FUNDS_POLICIES)[number];

export const REVIEW_REASONS = ['paid_after_expiry', 'underpaid', 'overpaid', 'over_committed'] as const;
export type ReviewReason = (typeof REVIEW_REASONS)[number];

/** Money that needs a person: funds we hold but should not keep, or money out beyond what was received. */
export interface PaymentReview {
  reason: ReviewReason;
  /** The money concerned: what arrived late, the underpayment received, the excess, or the over-commitment. */
  amount: number;
  currency: 'IDR';
  /** What the service does about it: hold for a person, or return it through the refund ledger. */
  policy: LateFundsPolicy;
  /** How much of `amount` is on its way back through refunds (policy `refund`). */
  amount_returned: number;
  created: number;
}

// WooshPay's own enumerations, from the provider module (import-free files, safe in workflow code).
export { REFUND_REASONS, type RefundReason } from '../wooshpay/enums.js';
export { DISPUTE_STATUSES };

export interface RefundRecord {
  id: string;
  object: 'refund';
  payment: string;
  amount: number;
  currency: 'IDR';
  status: 'pending' | 'succeeded' | 'failed';
  reason: RefundReason | null;
  /** WooshPay's `re_…` id once the provider accepted it. */
  provider_refund: string | null;
  failure_reason: string | null;
  metadata: Record<string, string>;
  created: number;
}

export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];
/** Statuses after which a dispute is over (Stripe's meaning, which WooshPay's dispute object copies). */
export const CLOSED_DISPUTE_STATUSES: readonly DisputeStatus[] = ['won', 'lost', 'warning_closed', 'charge_refunded', 'prevented'];

export interface DisputeRecord {
  id: string;
  amount: number;
  currency: string;
  reason: string | null;
  status: DisputeStatus;
  evidence_due_by: number | null;
  evidence_submitted: boolean;
  past_due: boolean;
  funds_withdrawn: boolean;
  funds_reinstated: boolean;
  created: number;
}

/** The payment as the API returns it; the workflow keeps it as its own record. */
export interface PaymentRecord {
  id: string;
  object: 'payment';
  status: PaymentStatus;
  amount: number;
  currency: 'IDR';
  settlement_currency: 'USD';
  integration: Integration;
  redirect_url: string | null;
  payment_intent: string | null;
  checkout_session: string | null;
  expires_at: number;
  /** What WooshPay reports as received for the intent, late transfers included. */
  amount_received: number;
  /** What the shopper still has to transfer while the window is open; 0 once paid or ended. */
  amount_due: number;
  amount_refunded: number;
  amount_refund_pending: number;
  amount_disputed: number;
  amount_lost: number;
  refunds: RefundRecord[];
  dispute: DisputeRecord | null;
  /** Money that needs a person (late, underpaid, overpaid, over-committed); null when all is in order. */
  review: PaymentReview | null;
  description: string | null;
  merchant_order_id: string | null;
  metadata: Record<string, string>;
  /** WooshPay's own view of the intent, for operators (e.g. `processing` while a transfer clears). */
  provider_status: string | null;
  failure: { code: string; message: string } | null;
  created: number;
  paid_at: number | null;
  closed_at: number | null;
}
