import { z } from 'zod';
import { CHECKOUT_SESSION_LIFETIME_MS, WEBHOOK_TIMEOUT_MS } from '../wooshpay/assumptions.js';

const DAY_MS = 24 * 60 * 60 * 1_000;

/** What a test (in process, or over `POST /_sim/settings`) can change about the simulated WooshPay. */
export const SimulatorSettingsSchema = z.strictObject({
  /** Base of hosted-page URLs; null uses the listen URL (or the request's host when not listening). */
  publicBaseUrl: z.url({ protocol: /^https?$/ }).nullable(),
  /** Multiplier on the documented webhook retry schedule: 1e-6 runs 72 h in about a quarter second. */
  webhookRetryScale: z.number().positive(),
  /** A delivery unanswered after this is a failed attempt. */
  webhookTimeoutMs: z.number().int().positive(),
  /** Refunds settle `succeeded` after this; null leaves them `pending` until a control call. */
  refundAutoSettleMs: z.number().int().nonnegative().nullable(),
  checkoutSessionLifetimeMs: z.number().int().positive(),
  /** §14.15: unpaid direct intents are cancelled (reason `automatic`) after this; null never. */
  intentAutoExpireMs: z.number().int().positive().nullable(),
  /** §14.1: false answers refunds with 400 `refund_unsupported_for_payment_method`, as the WooshPay page marks them. */
  refundsSupported: z.boolean(),
  /** Time a merchant has to respond to a dispute (`evidence_details.due_by`). */
  disputeEvidenceWindowMs: z.number().int().positive(),
  /** §14.13: also send the undocumented `checkout.session.completed`. */
  emitCheckoutSessionCompleted: z.boolean(),
});

export type SimulatorSettings = z.infer<typeof SimulatorSettingsSchema>;
export type SimulatorOptions = Partial<SimulatorSettings>;

export const DEFAULT_SETTINGS: SimulatorSettings = {
  publicBaseUrl: null,
  webhookRetryScale: 1,
  webhookTimeoutMs: WEBHOOK_TIMEOUT_MS,
  refundAutoSettleMs: null,
  checkoutSessionLifetimeMs: CHECKOUT_SESSION_LIFETIME_MS,
  intentAutoExpireMs: null,
  refundsSupported: true,
  disputeEvidenceWindowMs: 7 * DAY_MS,
  emitCheckoutSessionCompleted: false,
};

export const SettingsUpdateSchema = SimulatorSettingsSchema.partial();
