/**
 * The list's cursor: Temporal's visibility page token, wrapped so that a cursor this API did not make is told
 * apart at once (a checksum over the token), without a round trip to Temporal that could take seconds to fail.
 * Opaque to callers; not a secret (the token says only where the page ends).
 */
import { createHash } from 'node:crypto';

const PREFIX = 'c1';

function checksum(token: Uint8Array): string {
  return createHash('sha256').update(token).digest('base64url').slice(0, 12);
}

export function encodeCursor(token: Uint8Array): string {
  return `${PREFIX}.${Buffer.from(token).toString('base64url')}.${checksum(token)}`;
}

/** The page token inside a cursor, or null when the cursor was not made by this API. */
export function decodeCursor(cursor: string): Uint8Array | null {
  const [prefix, body, sum, ...rest] = cursor.split('.');
  if (prefix !== PREFIX || !body || !sum || rest.length > 0) return null;
  const token = Buffer.from(body, 'base64url');
  return token.length > 0 && checksum(token) === sum ? token : null;
}
