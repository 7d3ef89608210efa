import type { z } from 'zod';
import { ERROR_CODES, REFUNDABLE_INTENT_STATUSES, TIMESTAMP_UNIT_MS } from '../../wooshpay/assumptions.js';
import type { CreateRefundParamsSchema, Refund } from '../../wooshpay/schemas.js';
import { invalidRequest, notFound } from '../api-error.js';
import { newId } from '../ids.js';
import { applyChanges, NO_REQUEST, type Origin, type Simulation } from '../simulation.js';
import { getPaymentIntent } from './payment-intents.js';

type CreateParams = z.output<typeof CreateRefundParamsSchema>;

export function getRefund(sim: Simulation, id: string): Refund {
  const refund = sim.store.refunds.get(id);
  if (!refund) throw notFound('refund', id);
  return refund;
}

/** §14.2: what is left to refund, counting refunds that have not failed (pending ones included). */
export function refundableAmount(sim: Simulation, paymentIntentId: string, received: number): number {
  let committed = 0;
  for (const refund of sim.store.refunds.values()) {
    if (refund.payment_intent === paymentIntentId && (refund.status === 'pending' || refund.status === 'succeeded')) {
      committed += refund.amount;
    }
  }
  return received - committed;
}

/**
 * §5 and §14.2: partial and multiple partial refunds of what an intent received: a succeeded one, or
 * (§14.23, §14.24) a cancelled one that money reached anyway. Overpaid money is refundable too.
 */
export function createRefund(sim: Simulation, params: CreateParams, origin: Origin): Refund {
  const pi = getPaymentIntent(sim, params.payment_intent, 'payment_intent');
  if (!sim.settings.refundsSupported && pi.payment_method_types?.includes('bank_transfer_id')) {
    throw invalidRequest(ERROR_CODES.refundUnsupported, 'Refunds are not supported for bank_transfer_id payments', 'payment_intent');
  }
  const received = pi.amount_received ?? 0;
  if (!(REFUNDABLE_INTENT_STATUSES as readonly string[]).includes(pi.status) || !pi.latest_charge || received <= 0) {
    throw invalidRequest(
      ERROR_CODES.paymentIntentUnexpectedState,
      `PaymentIntent ${pi.id} has a status of ${pi.status} with ${received} received; only money received by a succeeded or canceled payment can be refunded`,
      'payment_intent',
    );
  }
  const charge = sim.store.charges.get(pi.latest_charge);
  if (charge?.disputed) {
    throw invalidRequest(ERROR_CODES.chargeDisputed, `Charge ${charge.id} is disputed; it cannot be refunded`, 'payment_intent');
  }
  const remaining = refundableAmount(sim, pi.id, received);
  if (remaining <= 0) {
    throw invalidRequest(ERROR_CODES.chargeAlreadyRefunded, `PaymentIntent ${pi.id} is already fully refunded`, 'payment_intent');
  }
  const amount = params.amount ?? remaining;
  if (amount > remaining) {
    throw invalidRequest(
      ERROR_CODES.amountTooLarge,
      `Refund amount ${amount} is greater than what remains to refund (${remaining})`,
      'amount',
    );
  }
  const refund: Refund = {
    id: newId('re_'),
    object: 'refund',
    amount,
    currency: pi.currency,
    created: sim.now(),
    status: 'pending',
    payment_intent: pi.id,
    charge: pi.latest_charge,
    reason: params.reason ?? null,
    description: params.description ?? null,
    failure_reason: null,
    metadata: params.metadata ?? {},
  };
  sim.store.refunds.set(refund.id, refund);
  // §14.2: charge.refund.updated on every change, the first one (pending) included.
  sim.emit('charge.refund.updated', refund, origin);
  armAutoSettle(sim, refund);
  return refund;
}

/** With `refundAutoSettleMs`, a pending refund succeeds that long after it was made. */
export function armAutoSettle(sim: Simulation, refund: Refund): void {
  const settleAfter = sim.settings.refundAutoSettleMs;
  if (settleAfter === null || refund.status !== 'pending') return;
  sim.timers.schedule(refund.created * TIMESTAMP_UNIT_MS + settleAfter - Date.now(), () => {
    if (refund.status === 'pending') settleRefund(sim, refund, 'succeeded');
  });
}

export function succeedRefund(sim: Simulation, id: string): Refund {
  return settleRefund(sim, expectPending(getRefund(sim, id)), 'succeeded');
}

export function failRefund(sim: Simulation, id: string, failureReason = 'unknown'): Refund {
  return settleRefund(sim, expectPending(getRefund(sim, id)), 'failed', failureReason);
}

function settleRefund(sim: Simulation, refund: Refund, status: 'succeeded' | 'failed', failureReason?: string): Refund {
  const previous = applyChanges(refund, { status, failure_reason: failureReason ?? null });
  if (status === 'succeeded' && refund.charge) {
    const charge = sim.store.charges.get(refund.charge);
    if (charge) {
      const refunded = (charge.amount_refunded ?? 0) + refund.amount;
      applyChanges(charge, { amount_refunded: refunded, refunded: refunded >= charge.amount });
    }
  }
  sim.emit('charge.refund.updated', refund, NO_REQUEST, previous);
  return refund;
}

function expectPending(refund: Refund): Refund {
  if (refund.status !== 'pending') {
    throw invalidRequest(ERROR_CODES.refundUnexpectedState, `Refund ${refund.id} is ${refund.status}, not pending`);
  }
  return refund;
}
