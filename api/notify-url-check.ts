/**
 * A `notify_url` checked at intake, before any workflow starts: the outbound rules of
 * activities/outbound-address.ts, with its host resolved (every A and AAAA answer must be allowed). A refusal,
 * or a name that does not resolve in time, is a 400 naming `notify_url`, and nothing is created. The worker
 * checks again at each delivery, since a DNS answer can change.
 */
import type { OutboundPolicy } from '../activities/outbound-address.js';
import { resolveOutboundTarget, type HostResolver } from '../activities/outbound-target.js';
import { ApiError } from './errors.js';

export type NotifyUrlCheck = (url: string) => Promise<void>;

export function notifyUrlCheck(policy: OutboundPolicy, options: { resolve?: HostResolver; timeoutMs?: number } = {}): NotifyUrlCheck {
  return async (url) => {
    const target = await resolveOutboundTarget(url, policy, options);
    if (target.ok) return;
    throw new ApiError(400, 'invalid_request_error', target.problem === 'refused' ? 'notify_url_refused' : 'notify_url_unresolved', `notify_url: ${target.reason}.`, {
      param: 'notify_url',
    });
  };
}
