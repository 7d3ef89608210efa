import { randomInt } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomAlphanumeric(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return out;
}

let lastMillis = 0;
let sequence = 0;

/**
 * WooshPay-style ids (§2.1): a prefix and 19 digits, here milliseconds × 10⁶ plus a sequence, so
 * ids are unique within the process and sort by creation like the real ones appear to.
 */
export function newId(prefix: string): string {
  const now = Date.now();
  if (now === lastMillis) sequence++;
  else {
    lastMillis = now;
    sequence = 0;
  }
  return `${prefix}${(BigInt(now) * 1_000_000n + BigInt(sequence)).toString()}`;
}
