/**
 * Events in any order give one answer. WooshPay delivers at least once and in no promised order; a payment's
 * event stream (partial funding, the transfer that completes it, refunds made in WooshPay's dashboard, a
 * dispute created, updated and closed) is shuffled and duplicated at random, and must reach the same record as
 * the ordered stream, with refunded + pending + lost ≤ received after every single step.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { PaymentRecord, ProviderEvent } from '../../workflows/messages.js';
import { ProviderEventLog } from '../../workflows/provider-event-log.js';
import { awaitingRecord } from '../helpers/records.js';

const NOW = 1_000;
/** The intent of `awaitingRecord`. */
const INTENT = 'pi_1';

interface Scenario {
  amount: number;
  partial: number | null;
  overpaid: number;
  refunds: number[];
  dispute: { amount: number; closedAs: 'won' | 'lost' | null } | null;
}

const scenarios: fc.Arbitrary<Scenario> = fc
  .record({
    amount: fc.integer({ min: 1_000, max: 10_000_000 }),
    partialShare: fc.option(fc.double({ min: 0.05, max: 0.95, noNaN: true }), { nil: null }),
    overShare: fc.constantFrom(0, 0, 0.1, 0.5),
    refundShares: fc.array(fc.double({ min: 0.01, max: 0.3, noNaN: true }), { maxLength: 3 }),
    dispute: fc.option(fc.record({ share: fc.double({ min: 0.1, max: 1, noNaN: true }), closedAs: fc.constantFrom('won' as const, 'lost' as const, null) }), {
      nil: null,
    }),
  })
  .map(({ amount, partialShare, overShare, refundShares, dispute }) => ({
    amount,
    partial: partialShare === null ? null : Math.max(1, Math.floor(amount * partialShare)),
    overpaid: Math.floor(amount * overShare),
    refunds: refundShares.map((share) => Math.max(1, Math.floor(amount * share))),
    // A dispute may claim more than what refunds left: the loss is then partly an over-commitment.
    dispute: dispute && { amount: Math.max(1, Math.floor(amount * dispute.share)), closedAs: dispute.closedAs },
  }));

function intentEvent(id: string, type: string, status: string, amount: number, received: number): ProviderEvent {
  const data = { id: INTENT, status, amount, amount_received: received, failure: null, cancellation_reason: null };
  return { id, type, created: NOW, object: 'payment_intent', data };
}

/** The stream in the order WooshPay would ideally send it. */
function orderedStream(s: Scenario): ProviderEvent[] {
  const events: ProviderEvent[] = [];
  if (s.partial !== null) events.push(intentEvent('evt_partial', 'payment_intent.partially_funded', 'requires_action', s.amount, s.partial));
  events.push(intentEvent('evt_paid', 'payment_intent.succeeded', 'succeeded', s.amount, s.amount + s.overpaid));
  s.refunds.forEach((amount, i) => {
    const data = (status: string) => ({ id: `re_${i}`, amount, status, failure_reason: null, refund_id: null });
    events.push({ id: `evt_re_${i}_pending`, type: 'charge.refund.updated', created: NOW, object: 'refund', data: data('pending') });
    events.push({ id: `evt_re_${i}_done`, type: 'charge.refund.updated', created: NOW, object: 'refund', data: data('succeeded') });
  });
  if (s.dispute) {
    const dispute = s.dispute;
    const data = (status: string) => ({
      id: 'dp_1',
      amount: dispute.amount,
      currency: 'IDR',
      reason: 'fraudulent',
      status,
      evidence_due_by: NOW + 10,
      has_evidence: false,
      created: NOW,
    });
    events.push({ id: 'evt_dp_created', type: 'charge.dispute.created', created: NOW, object: 'dispute', data: data('needs_response') });
    events.push({ id: 'evt_dp_updated', type: 'charge.dispute.updated', created: NOW, object: 'dispute', data: data('under_review') });
    // Left open, the dispute must still end where the ordered stream left it (under review).
    if (dispute.closedAs) events.push({ id: 'evt_dp_closed', type: 'charge.dispute.closed', created: NOW, object: 'dispute', data: data(dispute.closedAs) });
  }
  return events;
}

function freshRecord(amount: number): PaymentRecord {
  return awaitingRecord(amount, NOW * 10);
}

function expectLedgerBound(record: PaymentRecord): void {
  for (const bucket of [record.amount_refunded, record.amount_refund_pending, record.amount_lost]) expect(bucket).toBeGreaterThanOrEqual(0);
  expect(record.amount_refunded + record.amount_refund_pending + record.amount_lost).toBeLessThanOrEqual(record.amount_received);
}

function play(amount: number, stream: ProviderEvent[]): PaymentRecord {
  const record = freshRecord(amount);
  const log = new ProviderEventLog();
  for (const event of stream) {
    log.receive(record, event, NOW);
    expectLedgerBound(record);
  }
  return record;
}

/** Refunds are listed in the order they became known; which one came first is not part of the answer. */
function comparable(record: PaymentRecord): PaymentRecord {
  return { ...record, refunds: [...record.refunds].sort((a, b) => a.id.localeCompare(b.id)) };
}

describe('events in any order', () => {
  it('permutations and duplicates of a payment’s events reach the record of the ordered stream', () => {
    fc.assert(
      fc.property(
        scenarios.chain((s) => {
          const ordered = orderedStream(s);
          const withDuplicates = fc
            .array(fc.nat({ max: ordered.length - 1 }), { maxLength: ordered.length })
            .map((picks) => [...ordered, ...picks.map((i) => ordered[i])]);
          return fc.tuple(fc.constant(s), fc.constant(ordered), withDuplicates.chain((events) => fc.shuffledSubarray(events, { minLength: events.length })));
        }),
        ([scenario, ordered, shuffled]) => {
          const expected = play(scenario.amount, ordered);
          expect(expected.paid_at).toBe(NOW);
          expect(comparable(play(scenario.amount, shuffled))).toEqual(comparable(expected));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a loss beyond what refunds left is flagged over_committed, never hidden by the cap', () => {
    const record = play(1_000, orderedStream({ amount: 1_000, partial: null, overpaid: 0, refunds: [600], dispute: { amount: 1_000, closedAs: 'lost' } }));
    expect(record).toMatchObject({ status: 'charged_back', amount_refunded: 600, amount_lost: 400 });
    expect(record.review).toMatchObject({ reason: 'over_committed', amount: 600 });
  });

  it('a dispute lost before WooshPay says it was created still counts the loss', () => {
    const [paid] = orderedStream({ amount: 1_000, partial: null, overpaid: 0, refunds: [], dispute: null });
    const closed = orderedStream({ amount: 1_000, partial: null, overpaid: 0, refunds: [], dispute: { amount: 1_000, closedAs: 'lost' } }).at(-1)!;
    const record = play(1_000, [paid, closed]);
    expect(record).toMatchObject({ status: 'charged_back', amount_lost: 1_000 });
  });

  it('a refund event on an unpaid payment waits for the funds instead of marking it paid', () => {
    const [pending, done] = orderedStream({ amount: 1_000, partial: null, overpaid: 0, refunds: [300], dispute: null }).slice(1);
    const record = freshRecord(1_000);
    const log = new ProviderEventLog();
    const outcome = log.receive(record, done, NOW);
    expect(outcome.reconcile).toBe(true);
    expect(record).toMatchObject({ status: 'requires_action', paid_at: null, amount_refunded: 0, refunds: [] });
    log.receive(record, pending, NOW);
    log.receive(record, orderedStream({ amount: 1_000, partial: null, overpaid: 0, refunds: [], dispute: null })[0], NOW);
    expect(record).toMatchObject({ status: 'partially_refunded', amount_refunded: 300 });
  });
});
