import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ApiError } from './errors.js';

/**
 * `Authorization: Bearer <key>` against the configured keys. Keys are compared as SHA-256 digests in
 * constant time, so neither a key's length nor its prefix leaks through timing.
 */
export function requireApiKey(apiKeys: readonly string[]): RequestHandler {
  const digests = apiKeys.map(digest);
  return (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      next(new ApiError(401, 'authentication_error', 'missing_api_key', 'Send your API key as `Authorization: Bearer <key>`.'));
      return;
    }
    const presented = digest(match[1]);
    // Compare against every key (no early exit) so the position of the matching key does not leak either.
    let ok = false;
    for (const d of digests) ok = timingSafeEqual(d, presented) || ok;
    if (!ok) {
      next(new ApiError(401, 'authentication_error', 'invalid_api_key', 'The API key is not valid.'));
      return;
    }
    next();
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
