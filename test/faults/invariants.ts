/**
 * The global invariants every fault scenario ends with (issue 10, item 8), read from both sides — WooshPay's
 * objects at the simulator and our payments through the API:
 * - at most one intent per payment key at WooshPay;
 * - per payment, Σ non-failed refunds + lost ≤ received (in our record and at WooshPay);
 * - every accepted event applied once: WooshPay's refunds each recorded once, the ledger equal to its refunds,
 *   `amount_received` equal to WooshPay's, each merchant notification delivered once;
 * - no payment outside a documented status;
 * - no 5xx unless the scenario injected one.
 */
import { expect } from '@jest/globals';
import { PAYMENT_STATUSES } from '../../workflows/messages.js';
import { until, type FaultStack } from './fixture.js';

export interface InvariantOptions {
  /** The scenario injected failures whose honest answer is a 5xx (Temporal down, WooshPay failing). */
  fiveXXInjected?: boolean;
  /** A process died between sending a notification and recording it: at-least-once allows a second copy. */
  notificationsAtLeastOnce?: boolean;
}

export interface InvariantFigures {
  payments: number;
  intents: number;
  refundsAtWooshPay: number;
  webhookDeliveriesAccepted: number;
  notifications: number;
  duplicateNotifications: number;
  /** 5xx the API answered (our calls and WooshPay's deliveries; injected ones included). */
  fiveXXAnswered: number;
  /** Of WooshPay's delivery attempts, those answered 5xx (each retried by WooshPay). */
  fiveXXToWooshPayDeliveries: number;
}

export type SimRefund = { id: string; amount: number; status: string; payment_intent: string };

/** 5xx counts at the last check: a scenario that injected none may add none. */
let seen = { calls: 0, deliveries: 0 };

export async function checkInvariants(stack: FaultStack, options: InvariantOptions = {}): Promise<InvariantFigures> {
  const intentsByPayment = await intentsAtWooshPay(stack);
  for (const [paymentId, intents] of intentsByPayment) {
    expect({ paymentId, intents: intents.length }).toEqual({ paymentId, intents: 1 });
  }
  const refunds = await refundsAtWooshPay(stack);
  const statuses: readonly string[] = PAYMENT_STATUSES;

  for (const id of stack.paymentIds) {
    // Webhooks still in flight settle within seconds; the checks hold once they have.
    const payment = await until(
      async () => (await stack.call('GET', `/v1/payments/${id}`)).body,
      (p) => p?.id === id && agreesWithWooshPay(p, intentsByPayment.get(id)?.[0], refunds),
      30_000,
      `payment ${id} agrees with WooshPay`,
    ).catch(async () => (await stack.call('GET', `/v1/payments/${id}`)).body);
    expect(statuses).toContain(payment.status);
    const committed = payment.refunds.filter((r: any) => r.status !== 'failed').reduce((s: number, r: any) => s + r.amount, 0);
    expect(committed + payment.amount_lost).toBeLessThanOrEqual(payment.amount_received);
    const succeeded = payment.refunds.filter((r: any) => r.status === 'succeeded').reduce((s: number, r: any) => s + r.amount, 0);
    expect(payment.amount_refunded).toBe(succeeded);
    const intent = intentsByPayment.get(id)?.[0];
    expect(payment.amount_received).toBe(intent?.amount_received ?? 0);
    const atWooshPay = refunds.filter((r) => r.payment_intent === payment.payment_intent);
    expect(atWooshPay.filter((r) => r.status !== 'failed').reduce((s, r) => s + r.amount, 0)).toBeLessThanOrEqual(intent?.amount_received ?? 0);
    const recorded = payment.refunds.map((r: any) => r.provider_refund).filter(Boolean).sort();
    expect(recorded).toEqual(atWooshPay.map((r) => r.id).sort());
  }

  const counts = new Map<string, number>();
  for (const n of stack.receiver.received) counts.set(n.body.id, (counts.get(n.body.id) ?? 0) + 1);
  const duplicateNotifications = [...counts.values()].reduce((s, c) => s + c - 1, 0);
  if (!options.notificationsAtLeastOnce) expect(duplicateNotifications).toBe(0);

  const log = (await stack.sim('/_sim/webhooks')).data as { status: number | null }[];
  const deliveries5xx = log.filter((a) => (a.status ?? 0) >= 500).length;
  if (!options.fiveXXInjected) {
    expect(stack.fiveXX.slice(seen.calls)).toEqual([]);
    expect(deliveries5xx).toBe(seen.deliveries);
  }
  seen = { calls: stack.fiveXX.length, deliveries: deliveries5xx };
  return {
    payments: stack.paymentIds.size,
    intents: [...intentsByPayment.values()].reduce((s, i) => s + i.length, 0),
    refundsAtWooshPay: refunds.length,
    webhookDeliveriesAccepted: log.filter((a) => a.status !== null && a.status < 300).length,
    notifications: counts.size,
    duplicateNotifications,
    fiveXXAnswered: stack.fiveXX.length,
    fiveXXToWooshPayDeliveries: deliveries5xx,
  };
}

function agreesWithWooshPay(payment: any, intent: { amount_received?: number | null } | undefined, refunds: SimRefund[]): boolean {
  const atWooshPay = refunds.filter((r) => r.payment_intent === payment.payment_intent);
  const settled = (r: { status: string }) => r.status !== 'pending';
  return (
    payment.amount_received === (intent?.amount_received ?? 0) &&
    payment.refunds.length >= atWooshPay.length &&
    payment.refunds.filter(settled).length >= atWooshPay.filter(settled).length
  );
}

async function intentsAtWooshPay(stack: FaultStack): Promise<Map<string, { id: string; amount_received?: number | null }[]>> {
  const byPayment = new Map<string, { id: string; amount_received?: number | null }[]>();
  let startingAfter: string | undefined;
  for (;;) {
    const page = await stack.wooshpay.listPaymentIntents({ limit: 100, ...(startingAfter && { starting_after: startingAfter }) });
    for (const intent of page.data) {
      const paymentId = intent.metadata?.payment_id ?? '(none)';
      byPayment.set(paymentId, [...(byPayment.get(paymentId) ?? []), intent]);
    }
    if (!page.has_more || page.data.length === 0) return byPayment;
    startingAfter = page.data.at(-1)!.id;
  }
}

/** WooshPay sends `charge.refund.updated` for every refund it makes (the first, pending, included): §14.2. */
export async function refundsAtWooshPay(stack: FaultStack): Promise<SimRefund[]> {
  const log = (await stack.sim('/_sim/webhooks?event_type=charge.refund.updated')).data as { event_id: string }[];
  const latest = new Map<string, SimRefund>();
  for (const eventId of new Set(log.map((a) => a.event_id))) {
    const { rawBody } = await stack.signedEvent(eventId);
    const refund = JSON.parse(rawBody).data.object as SimRefund;
    latest.set(refund.id, await stack.wooshpay.retrieveRefund(refund.id) as SimRefund);
  }
  return [...latest.values()];
}
