import type { PaymentIntent } from './schemas.js';

/**
 * Where to send the shopper (§3.6): `next_action[next_action.type].url`, or else any
 * `*_handle_redirect.url` (DANA's `type` is `redirect_to_url` while its key is `dana_handle_redirect`).
 */
export function redirectUrlOf(pi: Pick<PaymentIntent, 'next_action'>): string | null {
  const action = pi.next_action;
  if (!action) return null;
  const byType = urlIn(action[action.type]);
  if (byType) return byType;
  for (const [key, value] of Object.entries(action)) {
    if (key.endsWith('_handle_redirect')) {
      const url = urlIn(value);
      if (url) return url;
    }
  }
  return null;
}

function urlIn(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || !('url' in value)) return null;
  const { url } = value;
  return typeof url === 'string' && url !== '' ? url : null;
}
