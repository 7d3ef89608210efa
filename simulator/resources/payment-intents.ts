import type { z } from 'zod';
import { toMinorUnits } from '../../wooshpay/amounts.js';
import {
  AUTO_CANCELLATION_REASON,
  BANK_TRANSFER_REDIRECT_PATH,
  ERROR_CODES,
  LIST_LIMIT_DEFAULT,
  PAYMENT_INTENT_CANCELABLE_STATUSES,
  TIMESTAMP_UNIT_MS,
} from '../../wooshpay/assumptions.js';
import { fillPath, PATHS } from '../../wooshpay/paths.js';
import type {
  ConfirmPaymentIntentParamsSchema,
  CreatePaymentIntentParamsSchema,
  ListEnvelope,
  ListPaymentIntentsParamsSchema,
  PaymentIntent,
  PaymentIntentStatus,
  SearchPaymentIntentsParamsSchema,
} from '../../wooshpay/schemas.js';
import { invalidRequest, notFound } from '../api-error.js';
import { newId, randomAlphanumeric } from '../ids.js';
import { envelope, paginate } from '../list.js';
import { compileSearchQuery } from '../search-query.js';
import { applyChanges, NO_REQUEST, type Origin, type Simulation } from '../simulation.js';

type CreateParams = z.output<typeof CreatePaymentIntentParamsSchema>;
type ConfirmParams = z.output<typeof ConfirmPaymentIntentParamsSchema>;

export const BANK_TRANSFER_ID = 'bank_transfer_id';

/** §12: "1.00 IDR" minimum, in minor units under our exponent assumption. */
const MINIMUM_AMOUNT = toMinorUnits('1.00', 'IDR');

/** The shopper has not paid yet and can still pay: control transitions start from these. */
export const OPEN_STATUSES: readonly PaymentIntentStatus[] = [
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
  'processing',
];

export function getPaymentIntent(sim: Simulation, id: string, param?: string): PaymentIntent {
  const pi = sim.store.paymentIntents.get(id);
  if (!pi) throw notFound('payment_intent', id, param);
  return pi;
}

/** Fields every new intent starts with; shared by the Direct API and Checkout. */
export function insertPaymentIntent(
  sim: Simulation,
  fields: Pick<PaymentIntent, 'amount' | 'currency'> & Partial<PaymentIntent>,
  origin: Origin,
): PaymentIntent {
  const id = newId('pi_');
  const pi: PaymentIntent = {
    id,
    object: 'payment_intent',
    status: 'requires_payment_method',
    created: sim.now(),
    livemode: false,
    client_secret: `${id}_secret_${randomAlphanumeric(24)}`,
    next_action: null,
    payment_method_types: [BANK_TRANSFER_ID],
    payment_method_options: {},
    payment_method: null,
    confirmation_method: 'automatic',
    capture_method: 'automatic',
    return_url: null,
    description: null,
    merchant_order_id: null,
    customer: null,
    metadata: {},
    last_payment_error: null,
    cancellation_reason: null,
    canceled_at: null,
    amount_received: 0,
    amount_capturable: 0,
    latest_charge: null,
    ...fields,
  };
  sim.store.paymentIntents.set(id, pi);
  sim.emit('payment_intent.created', pi, origin);
  return pi;
}

export function createPaymentIntent(sim: Simulation, params: CreateParams, origin: Origin, baseUrl: string): PaymentIntent {
  const method = chosenMethod(params.payment_method_data?.type, params.payment_method_types, 'payment_method_data[type]');
  if (params.capture_method === 'manual') {
    throw invalidRequest(ERROR_CODES.parameterInvalid, 'bank_transfer_id supports automatic capture only', 'capture_method');
  }
  if (params.currency !== 'IDR') {
    throw invalidRequest(ERROR_CODES.parameterInvalid, 'bank_transfer_id processes IDR only', 'currency');
  }
  if (params.amount < MINIMUM_AMOUNT) {
    throw invalidRequest(ERROR_CODES.amountTooSmall, `Amount must be at least ${MINIMUM_AMOUNT} (1.00 IDR)`, 'amount');
  }
  if (params.confirm && !method) {
    throw invalidRequest(ERROR_CODES.parameterMissing, 'confirm: true needs payment_method_data', 'payment_method_data');
  }
  const pi = insertPaymentIntent(
    sim,
    {
      amount: params.amount,
      currency: params.currency,
      status: method ? 'requires_confirmation' : 'requires_payment_method',
      payment_method_types: params.payment_method_types ?? [BANK_TRANSFER_ID],
      payment_method_options: params.payment_method_options ?? {},
      payment_method: method ? newId('pm_') : null,
      return_url: params.return_url ?? null,
      description: params.description ?? null,
      merchant_order_id: params.merchant_order_id ?? null,
      customer: params.customer ?? null,
      metadata: params.metadata ?? {},
      ...(params.shipping ? { shipping: params.shipping } : {}),
    },
    origin,
  );
  if (params.confirm) requireAction(sim, pi, origin, baseUrl);
  return pi;
}

export function confirmPaymentIntent(
  sim: Simulation,
  id: string,
  params: ConfirmParams,
  origin: Origin,
  baseUrl: string,
): PaymentIntent {
  const pi = getPaymentIntent(sim, id);
  expectStatus(pi, ['requires_payment_method', 'requires_confirmation'], 'confirm');
  const attached = pi.payment_method ? BANK_TRANSFER_ID : undefined;
  const method = chosenMethod(params.payment_method_data?.type ?? attached, pi.payment_method_types, 'payment_method_data[type]');
  if (!method) throw invalidRequest(ERROR_CODES.parameterMissing, 'A payment method is needed to confirm', 'payment_method_data');
  if (params.error_on_requires_action === true || params.error_on_requires_action === 'true') {
    throw invalidRequest(ERROR_CODES.parameterInvalid, 'bank_transfer_id always requires action', 'error_on_requires_action');
  }
  applyChanges(pi, {
    payment_method: pi.payment_method ?? newId('pm_'),
    ...(params.return_url ? { return_url: params.return_url } : {}),
  });
  requireAction(sim, pi, origin, baseUrl);
  return pi;
}

/** Confirmed: the shopper is sent to the hosted bank-transfer page (§3.2's `next_action`). */
function requireAction(sim: Simulation, pi: PaymentIntent, origin: Origin, baseUrl: string): void {
  const previous = applyChanges(pi, {
    status: 'requires_action',
    last_payment_error: null,
    next_action: bankTransferAction(pi.id, baseUrl),
  });
  sim.emit('payment_intent.requires_action', pi, origin, previous);
  scheduleAutoExpiry(sim, pi);
}

/** Where the shopper sees the virtual account and pays (§3.6, §12). */
export function bankTransferAction(intentId: string, baseUrl: string): NonNullable<PaymentIntent['next_action']> {
  const url = `${baseUrl}${fillPath(BANK_TRANSFER_REDIRECT_PATH, { id: intentId })}`;
  return { type: 'bank_transfer_id_handle_redirect', bank_transfer_id_handle_redirect: { url } };
}

/** §14.15: with `intentAutoExpireMs`, an unpaid direct intent is cancelled by WooshPay itself. */
function scheduleAutoExpiry(sim: Simulation, pi: PaymentIntent): void {
  const after = sim.settings.intentAutoExpireMs;
  if (after === null || sim.store.sessionOfIntent.has(pi.id) || sim.store.intentDeadlines.has(pi.id)) return;
  sim.store.intentDeadlines.set(pi.id, sim.now() + after);
  armAutoExpiry(sim, pi);
}

/** Cancels the intent at its deadline (`intentDeadlines`) if it is still unpaid. */
export function armAutoExpiry(sim: Simulation, pi: PaymentIntent): void {
  const deadline = sim.store.intentDeadlines.get(pi.id);
  if (deadline === undefined) return;
  sim.timers.schedule(deadline * TIMESTAMP_UNIT_MS - Date.now(), () => {
    if (isCancelable(pi.status)) cancelIntent(sim, pi, AUTO_CANCELLATION_REASON, NO_REQUEST);
  });
}

export function cancelPaymentIntent(sim: Simulation, id: string, reason: string, origin: Origin): PaymentIntent {
  const pi = getPaymentIntent(sim, id);
  if (sim.store.sessionOfIntent.has(id)) {
    throw invalidRequest(
      ERROR_CODES.paymentIntentUnexpectedState,
      `PaymentIntent ${id} belongs to Checkout Session ${sim.store.sessionOfIntent.get(id)}; expire the session instead`,
    );
  }
  expectStatus(pi, PAYMENT_INTENT_CANCELABLE_STATUSES, 'cancel');
  return cancelIntent(sim, pi, reason, origin);
}

export function cancelIntent(sim: Simulation, pi: PaymentIntent, reason: string, origin: Origin): PaymentIntent {
  const previous = applyChanges(pi, {
    status: 'canceled',
    cancellation_reason: reason,
    canceled_at: sim.now(),
    next_action: null,
  });
  sim.emit('payment_intent.canceled', pi, origin, previous);
  return pi;
}

export function listPaymentIntents(
  sim: Simulation,
  params: z.output<typeof ListPaymentIntentsParamsSchema>,
): ListEnvelope<PaymentIntent> {
  const all = [...sim.store.paymentIntents.values()].filter((pi) => !params.customer || pi.customer === params.customer);
  return paginate(all, params, PATHS.paymentIntents);
}

export function searchPaymentIntents(
  sim: Simulation,
  params: z.output<typeof SearchPaymentIntentsParamsSchema>,
): ListEnvelope<PaymentIntent> {
  const matches = compileSearchQuery(params.query);
  const found = [...sim.store.paymentIntents.values()].reverse().filter(matches);
  const limit = params.limit ?? LIST_LIMIT_DEFAULT;
  return envelope(found.slice(0, limit), found.length > limit, PATHS.paymentIntentsSearch);
}

export function isCancelable(status: PaymentIntentStatus): boolean {
  return (PAYMENT_INTENT_CANCELABLE_STATUSES as readonly string[]).includes(status);
}

export function expectStatus(pi: PaymentIntent, allowed: readonly PaymentIntentStatus[], action: string): void {
  if (!allowed.includes(pi.status)) {
    throw invalidRequest(
      ERROR_CODES.paymentIntentUnexpectedState,
      `You cannot ${action} PaymentIntent ${pi.id} because it has a status of ${pi.status} (allowed: ${allowed.join(', ')})`,
    );
  }
}

/**
 * The method a request chooses: named in `payment_method_data`, or the only one allowed. The
 * simulator implements `bank_transfer_id` only; other methods are refused by name.
 */
function chosenMethod(type: string | undefined, allowed: readonly string[] | undefined, param: string): string | undefined {
  const method = type ?? (allowed?.length === 1 ? allowed[0] : undefined);
  if (method !== undefined && method !== BANK_TRANSFER_ID) {
    throw invalidRequest(ERROR_CODES.paymentMethodUnsupported, `The simulator implements ${BANK_TRANSFER_ID} only, not ${method}`, param);
  }
  return method;
}
