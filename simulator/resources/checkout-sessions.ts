import type { z } from 'zod';
import {
  CHECKOUT_EXPIRY_CANCELLATION_REASON,
  CHECKOUT_PAGE_PATH,
  ERROR_CODES,
  TIMESTAMP_UNIT_MS,
} from '../../wooshpay/assumptions.js';
import { fillPath, PATHS } from '../../wooshpay/paths.js';
import type {
  CheckoutSession,
  CreateCheckoutSessionParamsSchema,
  LineItem,
  ListCheckoutSessionsParamsSchema,
  ListEnvelope,
  ListParamsSchema,
} from '../../wooshpay/schemas.js';
import { invalidRequest, notFound } from '../api-error.js';
import { newId } from '../ids.js';
import { paginate } from '../list.js';
import { applyChanges, NO_REQUEST, type Origin, type Simulation } from '../simulation.js';
import type { StoredCheckoutSession } from '../store.js';
import { BANK_TRANSFER_ID, cancelIntent, insertPaymentIntent, isCancelable } from './payment-intents.js';

type CreateParams = z.output<typeof CreateCheckoutSessionParamsSchema>;

/** §4 and §14.21: the hosted URL names the session `cs_test_…` where its id says `cs_…`. */
export function checkoutPageToken(sessionId: string): string {
  return sessionId.replace(/^cs_/, 'cs_test_');
}
export function sessionIdOfToken(token: string): string {
  return token.replace(/^cs_test_/, 'cs_');
}

export function getStoredSession(sim: Simulation, id: string): StoredCheckoutSession {
  const session = sim.store.checkoutSessions.get(id);
  if (!session) throw notFound('checkout.session', id);
  return session;
}

/** A session as WooshPay shows it: with its first page of line items. */
export function sessionView(sim: Simulation, session: StoredCheckoutSession): CheckoutSession {
  const items = sim.store.lineItems.get(session.id) ?? [];
  return { ...session, line_items: paginate(items, {}, fillPath(PATHS.checkoutSessionLineItems, { id: session.id }), 'as_stored') };
}

export function createCheckoutSession(sim: Simulation, params: CreateParams, origin: Origin, baseUrl: string): CheckoutSession {
  if (params.mode !== 'payment') {
    throw invalidRequest(ERROR_CODES.parameterInvalid, 'The simulator implements mode "payment" only', 'mode');
  }
  const methods = params.payment_method_types ?? [BANK_TRANSFER_ID];
  const other = methods.find((m) => m !== BANK_TRANSFER_ID);
  if (other) {
    throw invalidRequest(ERROR_CODES.paymentMethodUnsupported, `The simulator implements ${BANK_TRANSFER_ID} only, not ${other}`, 'payment_method_types');
  }
  if (!params.line_items) throw invalidRequest(ERROR_CODES.parameterMissing, 'Missing required param: line_items.', 'line_items');

  const id = newId('cs_');
  const lineItems = storedLineItems(params.line_items);
  const total = lineItems.reduce((sum, item) => sum + item.amount_total, 0);
  if (!Number.isSafeInteger(total) || total <= 0) {
    throw invalidRequest(ERROR_CODES.parameterInvalid, 'The line items must total a positive amount', 'line_items');
  }

  const pi = insertPaymentIntent(sim, { amount: total, currency: 'IDR', payment_method_types: methods }, origin);
  const created = sim.now();
  const lifetime = sim.settings.checkoutSessionLifetimeMs;
  const session: StoredCheckoutSession = {
    id,
    object: 'checkout.session',
    created,
    expires_at: created + lifetime,
    status: 'open',
    payment_status: 'unpaid',
    mode: 'payment',
    livemode: false,
    currency: 'IDR',
    url: `${baseUrl}${fillPath(CHECKOUT_PAGE_PATH, { token: checkoutPageToken(id) })}`,
    success_url: params.success_url,
    cancel_url: params.cancel_url ?? null,
    payment_intent: pi.id,
    payment_method_types: methods,
    payment_method_options: params.payment_method_options ?? {},
    amount_subtotal: total,
    amount_total: total,
    customer: params.customer ?? null,
    customer_email: params.customer_email ?? null,
    customer_details: null,
    client_reference_id: params.client_reference_id ?? null,
    billing_address_collection: params.billing_address_collection ?? null,
    metadata: params.metadata ?? {},
  };
  sim.store.checkoutSessions.set(id, session);
  sim.store.lineItems.set(id, lineItems);
  sim.store.sessionOfIntent.set(pi.id, id);
  armSessionExpiry(sim, session);
  return sessionView(sim, session);
}

/** The session's line items as WooshPay stores them; the simulator takes inline prices (`price_data`) in IDR only. */
function storedLineItems(lineItems: NonNullable<CreateParams['line_items']>): LineItem[] {
  return lineItems.map((item, i): LineItem => {
    const param = `line_items[${i}]`;
    if (!item.price_data) throw notFound('price', item.price ?? '', `${param}[price]`);
    const { currency, unit_amount, product_data, nickname, lookup_key } = item.price_data;
    if (currency !== 'IDR') {
      throw invalidRequest(ERROR_CODES.parameterInvalid, 'bank_transfer_id processes IDR only', `${param}[price_data][currency]`);
    }
    const amount = unit_amount * item.quantity;
    return {
      id: newId('li_'),
      object: 'item',
      amount_subtotal: amount,
      amount_total: amount,
      amount_discount: 0,
      amount_tax: 0,
      currency,
      description: product_data.name,
      quantity: item.quantity,
      price: {
        id: newId('price_'),
        object: 'price',
        currency,
        unit_amount,
        nickname: nickname ?? null,
        lookup_key: lookup_key ?? null,
        product: newId('prod_'),
        product_data,
      },
    };
  });
}

/** §4: sessions expire by WooshPay's clock, at `expires_at`; a transfer still clearing keeps the session open. */
export function armSessionExpiry(sim: Simulation, session: StoredCheckoutSession): void {
  sim.timers.schedule(session.expires_at * TIMESTAMP_UNIT_MS - Date.now(), () => {
    const pi = session.payment_intent ? sim.store.paymentIntents.get(session.payment_intent) : undefined;
    if (session.status === 'open' && pi?.status !== 'processing') expireSession(sim, session, NO_REQUEST);
  });
}

export function expireCheckoutSession(sim: Simulation, id: string, origin: Origin): CheckoutSession {
  const session = getStoredSession(sim, id);
  const pi = session.payment_intent ? sim.store.paymentIntents.get(session.payment_intent) : undefined;
  if (session.status !== 'open' || pi?.status === 'processing') {
    throw invalidRequest(
      ERROR_CODES.checkoutSessionUnexpectedState,
      `Checkout Session ${id} is ${session.status}${pi?.status === 'processing' ? ' with a payment processing' : ''}; only an open session can expire`,
    );
  }
  expireSession(sim, session, origin);
  return sessionView(sim, session);
}

/** §14.12: expiry also cancels the session's intent. */
function expireSession(sim: Simulation, session: StoredCheckoutSession, origin: Origin): void {
  const previous = applyChanges(session, { status: 'expired', url: null });
  sim.emit('checkout.session.expired', sessionView(sim, session), origin, previous);
  const pi = session.payment_intent ? sim.store.paymentIntents.get(session.payment_intent) : undefined;
  if (pi && isCancelable(pi.status)) cancelIntent(sim, pi, CHECKOUT_EXPIRY_CANCELLATION_REASON, origin);
}

/** §14.12: the session completes when its intent succeeds. */
export function completeCheckoutSession(sim: Simulation, id: string): void {
  const session = getStoredSession(sim, id);
  if (session.status !== 'open') return;
  const previous = applyChanges(session, { status: 'complete', payment_status: 'paid', url: null });
  if (sim.settings.emitCheckoutSessionCompleted) {
    sim.emit('checkout.session.completed', sessionView(sim, session), NO_REQUEST, previous);
  }
}

export function listCheckoutSessions(
  sim: Simulation,
  params: z.output<typeof ListCheckoutSessionsParamsSchema>,
): ListEnvelope<CheckoutSession> {
  const matching = [...sim.store.checkoutSessions.values()].filter(
    (s) =>
      (!params.payment_intent || s.payment_intent === params.payment_intent) &&
      (!params.customer || s.customer === params.customer) &&
      (!params.customer_details?.email || s.customer_email === params.customer_details.email),
  );
  const page = paginate(matching, params, PATHS.checkoutSessionsList);
  return { ...page, data: page.data.map((s) => sessionView(sim, s)) };
}

export function listLineItems(sim: Simulation, id: string, params: z.output<typeof ListParamsSchema>): ListEnvelope<LineItem> {
  getStoredSession(sim, id);
  return paginate(sim.store.lineItems.get(id) ?? [], params, fillPath(PATHS.checkoutSessionLineItems, { id }), 'as_stored');
}
