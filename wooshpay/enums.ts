// Enumerations WooshPay documents, with no imports: the zod schemas use them, and so does deterministic
// workflow code, which must not pull the schemas (or zod) into its bundle.

/** §3.2: the documented `payment_method_data.type` values. */
export const PAYMENT_METHOD_TYPES = [
  'card', 'alipayplus', 'alipay', 'wechat_pay', 'sepa_debit', 'alipay_hk', 'boost', 'truemoney', 'gcash',
  'kakaopay', 'touchngo', 'rabbit_line_pay', 'dana', 'klarna', 'ideal', 'giropay', 'sofort', 'eps', 'trustly',
  'bancontact', 'p24', 'unionpay', 'fpx', 'mcash', 'grabpay', 'bank_transfer_id', 'qris', 'promptpay', 'ovo',
  'shopeepay', 'upi', 'boleto', 'paynow', 'pix', '9pay', 'stitch', 'bpi',
] as const;
export type PaymentMethodType = (typeof PAYMENT_METHOD_TYPES)[number];

/** §5: reasons a merchant may give for a refund. */
export const REFUND_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer', 'resolved_dispute'] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];

/** §7: Stripe's 27 evidence fields, all free text or file ids. */
export const DISPUTE_EVIDENCE_FIELDS = [
  'access_activity_log', 'billing_address', 'cancellation_policy', 'cancellation_policy_disclosure',
  'cancellation_rebuttal', 'customer_communication', 'customer_email_address', 'customer_name',
  'customer_purchase_ip', 'customer_signature', 'duplicate_charge_documentation', 'duplicate_charge_explanation',
  'duplicate_charge_id', 'product_description', 'receipt', 'refund_policy', 'refund_policy_disclosure',
  'refund_refusal_explanation', 'service_date', 'service_documentation', 'shipping_address', 'shipping_carrier',
  'shipping_date', 'shipping_documentation', 'shipping_tracking_number', 'uncategorized_file', 'uncategorized_text',
] as const;
export type DisputeEvidenceField = (typeof DISPUTE_EVIDENCE_FIELDS)[number];
