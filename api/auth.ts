import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { ApiKeyEntry } from '../config/merchants.js';
import { ApiError } from './errors.js';
import { logOf } from './request-log.js';

/**
 * `Authorization: Bearer <key>` against the configured keys. Keys are compared as SHA-256 digests in
 * constant time, so neither a key's length nor its prefix leaks through timing. The key's merchant is the
 * caller for the rest of the request: every payment it reaches, and every log line it writes, is that
 * merchant's.
 */
export function requireApiKey(apiKeys: readonly ApiKeyEntry[]): RequestHandler {
  const digests = apiKeys.map(({ merchantId, key }) => ({ merchantId, digest: digest(key) }));
  return (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      next(new ApiError(401, 'authentication_error', 'missing_api_key', 'Send your API key as `Authorization: Bearer <key>`.'));
      return;
    }
    const presented = digest(match[1]);
    // Compare against every key (no early exit) so the position of the matching key does not leak either.
    let merchantId: string | undefined;
    for (const d of digests) if (timingSafeEqual(d.digest, presented)) merchantId = d.merchantId;
    if (merchantId === undefined) {
      next(new ApiError(401, 'authentication_error', 'invalid_api_key', 'The API key is not valid.'));
      return;
    }
    res.locals.merchantId = merchantId;
    res.locals.log = logOf(res)?.child({ merchant: merchantId });
    next();
  };
}

/** The merchant whose key the request carried; only set behind requireApiKey. */
export function merchantOf(res: Response): string {
  const merchantId: unknown = res.locals.merchantId;
  if (typeof merchantId !== 'string') throw new Error('merchantOf: the route is not behind requireApiKey');
  return merchantId;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
