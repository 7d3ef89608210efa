/**
 * What makes the intake idempotent without a database of its own: ids derived from the client's
 * Idempotency-Key (so a key always reaches the same workflow) and a fingerprint of the request body (so a key
 * reused with another body is told apart from a retry).
 */
import { createHash } from 'node:crypto';
import { DEFAULT_MERCHANT_ID } from '../workflows/messages.js';

/** Stable ids from client keys: the same key maps to the same id, and the key itself is not revealed. */
export function idFromKey(prefix: 'pay' | 're', ...parts: string[]): string {
  const hash = createHash('sha256').update(parts.join('\u0000')).digest();
  return `${prefix}_${base32(hash).slice(0, 24)}`;
}

/**
 * The payment an Idempotency-Key of a merchant reaches. Merchant `default` keeps the derivation from before
 * merchants, so a client retrying across the deploy reaches the payment it already has rather than starting a
 * second one (money counted twice); every other merchant's ids include the merchant, so two merchants using
 * the same key make two payments. Keys are printable ASCII (no NUL), so the two forms never meet.
 */
export function paymentIdFromKey(merchantId: string, idempotencyKey: string): string {
  return merchantId === DEFAULT_MERCHANT_ID ? idFromKey('pay', 'payment', idempotencyKey) : idFromKey('pay', 'payment', merchantId, idempotencyKey);
}

/**
 * An update id (`create:…`, `refund:…`) told apart per merchant. Temporal answers a repeated update id with the
 * first outcome without running the validator (docs/temporal-notes.md §2.1), so another merchant's request
 * must never reuse the owner's id.
 * `default` keeps the ids from before merchants, which updates still in flight across the deploy carry.
 */
export function merchantUpdateId(kind: 'create' | 'refund', merchantId: string, id: string): string {
  return merchantId === DEFAULT_MERCHANT_ID ? `${kind}:${id}` : `${kind}:${merchantId}:${id}`;
}

function base32(bytes: Buffer): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** Canonical JSON (sorted keys) of the validated body, hashed: "the same body" regardless of key order. */
export function fingerprint(value: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v as Record<string, unknown>)
              .filter(([, x]) => x !== undefined)
              .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
              .map(([k, x]) => [k, canonical(x)]),
          )
        : v;
  return createHash('sha256').update(JSON.stringify(canonical(value))).digest('hex');
}
