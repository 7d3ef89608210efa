/**
 * Phase 1: create the WooshPay object (PaymentIntent with `confirm: true`, or a hosted Checkout Session).
 *
 * The create runs first as a local activity inside the workflow task that started the payment, so the
 * intake's Update-with-Start is answered in one round trip. If it cannot finish in its short window (WooshPay
 * slow or failing), the regular activity takes over with the same idempotency key, bounded by the payment's own
 * deadline: a retry never makes a second object, and a provider down that long ends the payment `failed`.
 */
import { log } from '@temporalio/workflow';
import type { CreateCheckoutInput, CreateIntentInput } from '../../activities/types.js';
import { endUnpaid } from '../payment-state.js';
import { createDurable, createInline } from './activities.js';
import { isRefusal, providerFailure } from './failures.js';
import type { PaymentRun } from './run.js';

/** The durable create's window never shrinks below this, even for a payment about to expire. */
const MIN_CREATE_WINDOW_MS = 60_000;

type CreateActivities = Pick<typeof createInline, 'createPaymentIntent' | 'createCheckoutSession'>;

export async function createAtProvider(run: PaymentRun): Promise<void> {
  const { record } = run;
  try {
    try {
      await createWith(createInline, run);
    } catch (err) {
      if (isRefusal(err)) throw err;
      log.warn('Inline create did not finish in its window; handing it to the durable activity', { paymentId: record.id });
      await createWith(createDurable(Math.max(record.expires_at - Date.now(), MIN_CREATE_WINDOW_MS)), run);
    }
    record.status = 'requires_action';
    run.apply();
  } catch (err) {
    const failure = providerFailure(err);
    if (!failure) throw err;
    log.warn('WooshPay did not create the payment', { paymentId: record.id, ...failure });
    run.apply(endUnpaid(record, 'failed', Date.now(), failure));
  }
}

async function createWith(activities: CreateActivities, run: PaymentRun): Promise<void> {
  const { request, record } = run;
  // What both WooshPay objects are made from; the idempotency key makes a retried create find the first one.
  const common: Omit<CreateIntentInput, 'returnUrl'> & Omit<CreateCheckoutInput, 'successUrl' | 'cancelUrl' | 'lineItems'> = {
    paymentId: record.id,
    idempotencyKey: `${record.id}:create`,
    amount: request.amount,
    currency: request.currency,
    description: request.description,
    merchantOrderId: request.merchantOrderId,
    metadata: { ...request.metadata, payment_id: record.id },
  };
  if (request.integration === 'direct') {
    const intent = await activities.createPaymentIntent({ ...common, returnUrl: request.returnUrl! });
    record.payment_intent = intent.paymentIntentId;
    record.redirect_url = intent.redirectUrl;
    record.provider_status = intent.status;
    return;
  }
  const session = await activities.createCheckoutSession({
    ...common,
    successUrl: request.successUrl!,
    cancelUrl: request.cancelUrl!,
    lineItems: request.lineItems ?? [],
  });
  record.checkout_session = session.checkoutSessionId;
  record.payment_intent = session.paymentIntentId;
  record.redirect_url = session.url;
  // WooshPay closes a session at its own expires_at; ours cannot be later than that.
  record.expires_at = Math.min(record.expires_at, session.expiresAt);
}
