/**
 * Which waiting payments a reconciliation sweep reads (activities/reconciliation.ts): the backoff the sweep keeps
 * without remembering anything, checked over every sweep period, interval and payment age.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { intentMoved, isDueForReading } from '../../activities/reconciliation.js';

/** Sweeps `every` apart, from a payment's birth: its ages at each sweep over `span`, and which of them read it. */
function readsOver(offset: number, every: number, longest: number, span: number): number[] {
  const reads: number[] = [];
  for (let age = offset; age <= span; age += every) if (isDueForReading(age, every, longest)) reads.push(age);
  return reads;
}

const periods = fc
  .tuple(fc.integer({ min: 1, max: 3_600 }), fc.integer({ min: 1, max: 48 }))
  .map(([every, multiple]) => ({ every, longest: every * multiple }));

describe('the sweep reads a waiting payment', () => {
  it('not before it is one sweep period old, and at every sweep until it is one interval old', () => {
    fc.assert(
      fc.property(periods, fc.nat(), ({ every, longest }, rawOffset) => {
        const offset = rawOffset % every;
        const reads = readsOver(offset, every, longest, longest - 1);
        for (const age of reads) expect(age).toBeGreaterThanOrEqual(every);
        expect(reads).toEqual(readsOver(offset, every, Number.MAX_SAFE_INTEGER, longest - 1));
      }),
    );
  });

  it('then exactly once in every interval: never left unread longer than the interval, never read twice in it', () => {
    fc.assert(
      fc.property(periods, fc.nat(), fc.integer({ min: 1, max: 20 }), ({ every, longest }, rawOffset, intervals) => {
        const offset = rawOffset % every;
        const reads = readsOver(offset, every, longest, longest * (intervals + 1)).filter((age) => age >= longest);
        for (let k = 1; k <= intervals; k++) {
          expect(reads.filter((age) => age >= k * longest && age < (k + 1) * longest)).toHaveLength(1);
        }
        for (let i = 1; i < reads.length; i++) expect(reads[i] - reads[i - 1]).toBeLessThanOrEqual(longest + every);
      }),
    );
  });
});

describe('an intent has moved', () => {
  it('when it left waiting for the shopper, a transfer failed on it, or money arrived on it', () => {
    for (const status of ['requires_action', 'requires_payment_method', 'requires_confirmation'] as const) {
      expect(intentMoved({ status, amount_received: 0 })).toBe(false);
      expect(intentMoved({ status })).toBe(false);
      expect(intentMoved({ status, amount_received: 1 })).toBe(true);
    }
    expect(intentMoved({ status: 'requires_payment_method', last_payment_error: { type: 'card_error', message: 'declined' } })).toBe(true);
    for (const status of ['processing', 'succeeded', 'canceled'] as const) expect(intentMoved({ status, amount_received: 0 })).toBe(true);
  });
});
