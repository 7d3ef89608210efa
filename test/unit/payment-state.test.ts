import { describe, expect, it } from '@jest/globals';
import type { PaymentRecord, ProviderDisputeState, RefundRecord } from '../../workflows/messages.js';
import { applyDisputeState, applyRefundState, failRefund, refundableAmount, reserveRefund } from '../../workflows/payment-ledger.js';
import { applyIntentState, endUnpaid, transferFailed } from '../../workflows/payment-state.js';
import { awaitingRecord } from '../helpers/records.js';

function paidRecord(amount = 1_000): PaymentRecord {
  const record = awaitingRecord(amount);
  applyIntentState(record, { id: 'pi_1', status: 'succeeded', amount, failure: null, cancellation_reason: null }, 5);
  return record;
}

function refund(id: string, amount: number): RefundRecord {
  return {
    id,
    object: 'refund',
    payment: 'pay_test',
    amount,
    currency: 'IDR',
    status: 'pending',
    reason: null,
    provider_refund: null,
    failure_reason: null,
    metadata: {},
    created: 0,
  };
}

function dispute(overrides: Partial<ProviderDisputeState> = {}): ProviderDisputeState {
  return {
    id: 'dp_1',
    amount: 400,
    currency: 'IDR',
    reason: 'general',
    status: 'needs_response',
    evidence_due_by: 50_000,
    has_evidence: false,
    created: 10,
    ...overrides,
  };
}

/** refunded + pending + lost ≤ received, and no bucket negative. */
function expectLedgerHolds(r: PaymentRecord): void {
  expect(r.amount_refunded).toBeGreaterThanOrEqual(0);
  expect(r.amount_refund_pending).toBeGreaterThanOrEqual(0);
  expect(r.amount_lost).toBeGreaterThanOrEqual(0);
  expect(r.amount_refunded + r.amount_refund_pending + r.amount_lost).toBeLessThanOrEqual(r.amount_received);
}

describe('payment state rules', () => {
  it('pays once: a second success changes nothing and emits nothing', () => {
    const record = paidRecord();
    expect(record.status).toBe('succeeded');
    const paidAt = record.paid_at;
    expect(applyIntentState(record, { id: 'pi_1', status: 'succeeded', amount: 1_000, failure: null, cancellation_reason: null }, 99)).toEqual([]);
    expect(record.paid_at).toBe(paidAt);
  });

  it('never ends a paid payment as expired, canceled or failed', () => {
    const record = paidRecord();
    for (const ending of ['expired', 'canceled', 'failed'] as const) expect(endUnpaid(record, ending, 7)).toEqual([]);
    expect(record.status).toBe('succeeded');
  });

  it('ignores state for another intent than its own', () => {
    const record = paidRecord();
    record.paid_at = null;
    record.status = 'requires_action';
    expect(applyIntentState(record, { id: 'pi_other', status: 'succeeded', amount: 1, failure: null, cancellation_reason: null }, 1)).toEqual([]);
    expect(record.status).toBe('requires_action');
  });

  it('records a failed transfer but leaves ending it to the cancel gate', () => {
    const record = paidRecord();
    record.paid_at = null;
    record.status = 'requires_action';
    applyIntentState(
      record,
      { id: 'pi_1', status: 'requires_payment_method', amount: 1_000, failure: { code: 'transfer_failed', message: 'x' }, cancellation_reason: null },
      1,
    );
    expect(record.status).toBe('requires_action');
    expect(transferFailed(record)).toBe(true);
  });

  it('maps WooshPay’s own automatic cancellation to expired', () => {
    const record = paidRecord();
    record.paid_at = null;
    record.status = 'requires_action';
    applyIntentState(record, { id: 'pi_1', status: 'canceled', amount: 1_000, failure: null, cancellation_reason: 'automatic' }, 1);
    expect(record.status).toBe('expired');
  });

  it('ends with the ending we asked for when WooshPay echoes our cancel', () => {
    const record = paidRecord();
    record.paid_at = null;
    record.status = 'requires_action';
    applyIntentState(record, { id: 'pi_1', status: 'canceled', amount: 1_000, failure: null, cancellation_reason: 'payment_failed' }, 1, 'failed');
    expect(record.status).toBe('failed');
  });

  it('keeps the ledger through reserve, settle and fail, moving the status with it', () => {
    const record = paidRecord(1_000);
    reserveRefund(record, refund('re_a', 400));
    expect(refundableAmount(record)).toBe(600);
    expectLedgerHolds(record);
    expect(applyRefundState(record, { id: 'wre_a', amount: 400, status: 'succeeded', failure_reason: null, refund_id: 're_a' }, 1)).toEqual([
      { id: 're_a.refund.succeeded', type: 'refund.succeeded' },
    ]);
    expect(record.status).toBe('partially_refunded');
    reserveRefund(record, refund('re_b', 600));
    expect(failRefund(record, 're_b', 'insufficient_funds', 1)).toHaveLength(1);
    expect(record.refunds[1]).toMatchObject({ status: 'failed', failure_reason: 'insufficient_funds' });
    expect(refundableAmount(record)).toBe(600);
    reserveRefund(record, refund('re_c', 600));
    applyRefundState(record, { id: 'wre_c', amount: 600, status: 'succeeded', failure_reason: null, refund_id: 're_c' }, 2);
    expect(record.status).toBe('refunded');
    expect(refundableAmount(record)).toBe(0);
    expectLedgerHolds(record);
  });

  it('settles a refund once even when its event and the create answer both arrive', () => {
    const record = paidRecord(1_000);
    reserveRefund(record, refund('re_a', 300));
    const event = { id: 'wre_a', amount: 300, status: 'succeeded', failure_reason: null, refund_id: 're_a' };
    applyRefundState(record, event, 1);
    expect(applyRefundState(record, { ...event, status: 'pending' }, 2)).toEqual([]);
    expect(applyRefundState(record, event, 3)).toEqual([]);
    expect(record.amount_refunded).toBe(300);
    expect(record.refunds[0].status).toBe('succeeded');
  });

  it('records a refund made outside the service so the ledger stays true', () => {
    const record = paidRecord(1_000);
    applyRefundState(record, { id: 're_dashboard', amount: 250, status: 'succeeded', failure_reason: null, refund_id: null }, 1);
    expect(record.refunds[0]).toMatchObject({ id: 'ext_re_dashboard', amount: 250, status: 'succeeded' });
    expect(refundableAmount(record)).toBe(750);
  });

  it('disputes: open → disputed, won → back, lost → charged_back with the loss capped', () => {
    const won = paidRecord(1_000);
    reserveRefund(won, refund('re_a', 100));
    applyRefundState(won, { id: 'w', amount: 100, status: 'succeeded', failure_reason: null, refund_id: 're_a' }, 1);
    expect(applyDisputeState(won, dispute(), 'charge.dispute.created', 1)).toEqual([{ id: 'dp_1.dispute.created', type: 'dispute.created' }]);
    expect(won.status).toBe('disputed');
    expect(applyDisputeState(won, dispute({ status: 'won' }), 'charge.dispute.closed', 1)).toEqual([{ id: 'dp_1.dispute.closed', type: 'dispute.closed' }]);
    expect(won.status).toBe('partially_refunded');
    // A late `updated` after close does not reopen it.
    applyDisputeState(won, dispute({ status: 'under_review' }), 'charge.dispute.updated', 1);
    expect(won.dispute!.status).toBe('won');

    const lost = paidRecord(1_000);
    reserveRefund(lost, refund('re_b', 800));
    applyRefundState(lost, { id: 'w2', amount: 800, status: 'succeeded', failure_reason: null, refund_id: 're_b' }, 1);
    applyDisputeState(lost, dispute({ amount: 1_000 }), 'charge.dispute.created', 1);
    applyDisputeState(lost, dispute({ amount: 1_000, status: 'lost' }), 'charge.dispute.closed', 1);
    expect(lost.status).toBe('charged_back');
    expect(lost.amount_lost).toBe(200);
    expect(refundableAmount(lost)).toBe(0);
    expectLedgerHolds(lost);
  });
});
