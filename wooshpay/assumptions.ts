// What we act on where the WooshPay documentation is silent or contradicts itself.
// Each constant cites its item in docs/wooshpay-api.md §14 (or the section it refines), so a
// check against live test mode changes one line here instead of literals scattered through the code.

const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * §14.5: object timestamps (`created`, `expires_at`, dispute dates) count Unix milliseconds, so one
 * unit is 1 ms (it would be 1000 if WooshPay used seconds as its Stripe-copied schema text says).
 */
export const TIMESTAMP_UNIT_MS = 1;

/**
 * §14.5: a numeric timestamp above this is milliseconds, below it seconds. Stripe-copied examples
 * show seconds; a seconds value only crosses 10¹² in the year 33658, a millisecond one did in 2001.
 */
export const MILLISECOND_TIMESTAMP_THRESHOLD = 1e12;

/** §14.5: accepted clock difference between a webhook's signed `t` and now, in both directions. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** §11: header carrying `t=…,v1=…` on webhook deliveries. */
export const SIGNATURE_HEADER = 'Wooshpay-Signature';

/** §11: the only signature scheme documented; other prefixes in the header are ignored. */
export const SIGNATURE_SCHEME = 'v1';

/**
 * §14.4: IDR follows ISO 4217 (exponent 2) like Stripe, so Rp 10 000 is `amount: 1000000`.
 * Flip to 0 here if live test mode shows whole rupiah; amounts.ts is the only reader.
 */
export const IDR_EXPONENT = 2;

/** §4: sessions expire 24 h after creation (`expires_at` = `created` + 86 400 000 in the example). */
export const CHECKOUT_SESSION_LIFETIME_MS = 24 * HOUR_MS;

/**
 * §10 and §14.18: "18 attempts in total over 72 hours, exponential". The gaps after each failed
 * attempt: 1 m, 5 m, 15 m, 30 m, 1 h, 2 h, 4 h, then ten steps of 6.4 h, which puts the 18th
 * attempt 71.85 h after the first. Delivery n+1 waits `WEBHOOK_RETRY_SCHEDULE_MS[n-1]` after attempt n.
 */
export const WEBHOOK_RETRY_SCHEDULE_MS: readonly number[] = [
  1 * MINUTE_MS,
  5 * MINUTE_MS,
  15 * MINUTE_MS,
  30 * MINUTE_MS,
  1 * HOUR_MS,
  2 * HOUR_MS,
  4 * HOUR_MS,
  ...Array.from({ length: 10 }, () => 6.4 * HOUR_MS),
];

/** §10: total delivery attempts per event and endpoint, the first one included. */
export const WEBHOOK_MAX_ATTEMPTS = WEBHOOK_RETRY_SCHEDULE_MS.length + 1;

/** §14.18: a delivery that has not answered within this is a failed attempt. */
export const WEBHOOK_TIMEOUT_MS = 10 * SECOND_MS;

/** §14.19: the simulator's signing secrets: `whsec_` followed by this many alphanumerics. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';
export const WEBHOOK_SECRET_RANDOM_LENGTH = 32;

/**
 * §14.11: how long a stored idempotent response is replayed. Only successful (2xx) responses are
 * stored; an error releases the key so the same request can be retried (Stripe stores some errors;
 * storing none is the reading that never pins a transient failure to a key).
 */
export const IDEMPOTENCY_RETENTION_MS = 24 * HOUR_MS;

/** §2.6: request header naming the idempotency key. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/** Stripe's response headers, which the simulator sends and the client reads when present. */
export const REQUEST_ID_HEADER = 'Request-Id';
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/** §14.2: refund statuses (Stripe's set). */
export const REFUND_STATUSES = ['pending', 'succeeded', 'failed', 'canceled'] as const;

/** §14.12: Checkout Session `status` and `payment_status` values. */
export const CHECKOUT_SESSION_STATUSES = ['open', 'complete', 'expired'] as const;
export const CHECKOUT_PAYMENT_STATUSES = ['unpaid', 'paid', 'no_payment_required'] as const;

/**
 * §7: dispute statuses. WooshPay shows `warning_needs_response`, `lost`, `warning_closed` and
 * `won`; the rest are Stripe's, whose dispute object WooshPay copies.
 */
export const DISPUTE_STATUSES = [
  'warning_needs_response',
  'warning_under_review',
  'warning_closed',
  'needs_response',
  'under_review',
  'won',
  'lost',
  'charge_refunded',
  'prevented',
] as const;

/** Dispute statuses in which the merchant may still submit evidence or accept (Stripe rules). */
export const DISPUTE_RESPONDABLE_STATUSES = ['warning_needs_response', 'needs_response'] as const;

/** §3.3: the only states a PaymentIntent can be cancelled from. */
export const PAYMENT_INTENT_CANCELABLE_STATUSES = [
  'requires_payment_method',
  'requires_capture',
  'requires_confirmation',
  'requires_action',
] as const;

/** §14.15: the simulator cancels an unpaid intent after a configured time with this reason (Stripe's). */
export const AUTO_CANCELLATION_REASON = 'automatic';

/** §14.12: expiring a Checkout Session cancels its intent with Stripe's reason for it. */
export const CHECKOUT_EXPIRY_CANCELLATION_REASON = 'abandoned';

/** §2.5: list page size bounds and default. */
export const LIST_LIMIT_DEFAULT = 10;
export const LIST_LIMIT_MAX = 100;

/**
 * §14.9 and §14.8: paths the documentation names without spelling out, and the list paths as
 * documented (with their odd `/list` suffix). paths.ts combines them with the documented ones.
 */
export const ASSUMED_PATHS = {
  checkoutSessionExpire: '/v1/checkout/sessions/:id/expire',
  checkoutSessionLineItems: '/v1/checkout/sessions/:id/line_items',
  webhookEndpointUpdate: '/v1/webhook_endpoints/:id',
  webhookEndpointDelete: '/v1/webhook_endpoints/:id',
  dispute: '/v1/disputes/:id',
  disputeUpdate: '/v1/disputes/:id',
  paymentIntentConfirm: '/v1/payment_intents/:id/confirm',
} as const;

/**
 * §14.10 and §14.11: error codes. `resource_missing` is from the assumption text; the others follow
 * Stripe's codes where Stripe has one, and are ours where it has none (marked). The two idempotency
 * conflicts are told apart because only one is worth retrying.
 */
export const ERROR_CODES = {
  resourceMissing: 'resource_missing',
  parameterMissing: 'parameter_missing',
  parameterInvalid: 'parameter_invalid',
  /** Body is not valid JSON (ours). */
  parseError: 'parse_error',
  urlUnrecognized: 'url_unrecognized',
  apiKeyMissing: 'api_key_missing',
  apiKeyInvalid: 'api_key_invalid',
  /** Same key, original request still executing: retry later (ours; Stripe uses 409 without a code). */
  idempotencyKeyInUse: 'idempotency_key_in_use',
  /** Same key, different request: never succeeds on retry (ours). */
  idempotencyKeyReused: 'idempotency_key_reused',
  paymentIntentUnexpectedState: 'payment_intent_unexpected_state',
  /** Checkout Session not `open` for the operation (ours). */
  checkoutSessionUnexpectedState: 'checkout_session_unexpected_state',
  /** A payment method the simulator does not implement (ours). */
  paymentMethodUnsupported: 'payment_method_unsupported',
  /** §14.1: refunds switched off for `bank_transfer_id`, as the WooshPay page marks them (ours). */
  refundUnsupported: 'refund_unsupported_for_payment_method',
  amountTooLarge: 'amount_too_large',
  amountTooSmall: 'amount_too_small',
  chargeAlreadyRefunded: 'charge_already_refunded',
  chargeDisputed: 'charge_disputed',
  /** Refund not `pending` for a control transition (ours). */
  refundUnexpectedState: 'refund_unexpected_state',
  /** Dispute no longer accepts the operation (ours). */
  disputeUnexpectedState: 'dispute_unexpected_state',
  rateLimit: 'rate_limit',
  /** Injected server error (simulator). */
  apiError: 'api_error',
  /** Client side: no HTTP response. */
  networkError: 'network_error',
  timeout: 'timeout',
  aborted: 'aborted',
  /** Client side: a response that does not match our schema. */
  invalidResponse: 'invalid_response',
  /** Client side: an HTTP error without the documented envelope. */
  unexpectedResponse: 'unexpected_response',
  /** Client side: a POST without an idempotency key. */
  idempotencyKeyMissing: 'idempotency_key_missing',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/**
 * §14.10: error `type` values. The first four are documented; `api_connection_error` is Stripe's
 * and is used only by the client for failures without an HTTP response.
 */
export const ERROR_TYPES = [
  'api_error',
  'card_error',
  'idempotency_error',
  'invalid_request_error',
  'api_connection_error',
] as const;

/** §14.22: the order reference travels top-level and under this metadata key. */
export const MERCHANT_ORDER_ID_METADATA_KEY = 'merchant_order_id';

/**
 * §12: where the hosted bank-transfer page lives, after the documented test host pattern
 * `https://apitest.wooshpay.com/v1/receives/c12/pay/<pi id>`.
 */
export const BANK_TRANSFER_REDIRECT_PATH = '/v1/receives/c12/pay/:id';

/** §4 and §14.21: hosted Checkout URLs carry `cs_test_` where the id has `cs_`. */
export const CHECKOUT_PAGE_PATH = '/pay/:token';

/**
 * §14.23: partial funding. A bank transfer below what is still due leaves the intent waiting for the
 * rest: it stays `requires_action` with `amount_received` raised to the total so far, and WooshPay sends
 * this event. Reaching (or passing) `amount` makes it `succeeded`, with `amount_received` above `amount`
 * for an overpayment. Until money lands `amount_received` is 0.
 */
export const PARTIAL_FUNDING = {
  status: 'requires_action',
  eventType: 'payment_intent.partially_funded',
} as const;

/**
 * §14.24: a late transfer. Money sent to a virtual account after its intent was cancelled (expired)
 * still lands: the intent stays `canceled`, its `amount_received` rises, and WooshPay sends the partial
 * funding event. Received money on a `canceled` or `succeeded` intent can be refunded up to
 * `amount_received`, so late or excess money can be returned.
 */
export const LATE_TRANSFER = {
  status: 'canceled',
  eventType: PARTIAL_FUNDING.eventType,
} as const;

/** §14.23 and §14.24: intent statuses whose received money may be refunded (the payment is settled either way). */
export const REFUNDABLE_INTENT_STATUSES = ['succeeded', LATE_TRANSFER.status] as const;
