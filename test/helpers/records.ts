import type { PaymentRecord } from '../../workflows/messages.js';
import { initialRecord } from '../../workflows/payment-state.js';

/** A direct payment whose intent `pi_1` was created and awaits the shopper's transfer, for the pure rules' tests. */
export function awaitingRecord(amount: number, expiresAt = 10_000): PaymentRecord {
  const record = initialRecord({
    paymentId: 'pay_test',
    requestFingerprint: 'fp',
    intakeId: 'i',
    amount,
    currency: 'IDR',
    integration: 'direct',
    metadata: {},
    expiresAt,
    createdAt: 0,
  });
  record.status = 'requires_action';
  record.payment_intent = 'pi_1';
  return record;
}
