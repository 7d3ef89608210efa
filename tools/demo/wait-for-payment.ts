/**
 * Bounded polling of `GET /v1/payments/:id`: the demo only talks HTTP, so it sees a state change the way a
 * merchant backend without webhooks would. A state that rules out the expected one ends the wait at once.
 */
import type { IntakeApi, Payment } from '../clients/intake-api.js';

export interface Expectation {
  /** What we wait for, in words: "the payment to succeed". */
  description: string;
  reached(payment: Payment): boolean;
  /** Why the expected state can no longer come, or undefined while it still can. */
  ruledOutBy?(payment: Payment): string | undefined;
}

export class UnexpectedStateError extends Error {
  override readonly name = 'UnexpectedStateError';
}

export async function waitForPayment(
  api: IntakeApi,
  paymentId: string,
  expectation: Expectation,
  { timeoutMs, pollMs }: { timeoutMs: number; pollMs: number },
): Promise<Payment> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const payment = await api.getPayment(paymentId);
    if (expectation.reached(payment)) return payment;
    const ruledOut = expectation.ruledOutBy?.(payment);
    if (ruledOut) {
      throw new UnexpectedStateError(`Waiting for ${expectation.description}, but ${ruledOut} (${describe(payment)}).`);
    }
    if (Date.now() >= deadline) {
      throw new UnexpectedStateError(
        `Waited ${Math.round(timeoutMs / 1000)} s for ${expectation.description}; it did not happen (${describe(payment)}).`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

function describe(p: Payment): string {
  const refunds = p.refunds.map((r) => `${r.id} ${r.amount} ${r.status}`).join(', ') || 'none';
  return (
    `payment ${p.id} is ${p.status}; refunded ${p.amount_refunded}, pending ${p.amount_refund_pending}, ` +
    `lost ${p.amount_lost}; refunds: ${refunds}; dispute: ${p.dispute ? `${p.dispute.id} ${p.dispute.status}` : 'none'}`
  );
}
