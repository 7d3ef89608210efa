/**
 * Signed event delivery to the merchant's backend. The same `t=…,v1=…` scheme WooshPay uses, under our own
 * secret (from configuration, never from history), so merchants verify us the way we verify WooshPay.
 */
import { activityInfo, cancellationSignal } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { signWebhookPayload } from '../wooshpay/index.js';
import { ActivityErrorType } from './failures.js';
import type { OutboundPolicy } from './outbound-address.js';
import { resolveOutboundTarget, type HostResolver } from './outbound-target.js';
import { PinnedAgents, postToPinnedAddress } from './pinned-post.js';
import type { MerchantNotificationInput } from './types.js';

export const NOTIFICATION_SIGNATURE_HEADER = 'Payments-Signature';
const DELIVERY_TIMEOUT_MS = 10_000;

export interface NotifierOptions {
  signingSecret: string | undefined;
  /** merchant → its own secret (MERCHANT_NOTIFY_SIGNING_SECRETS); the others are signed with signingSecret. */
  merchantSigningSecrets?: ReadonlyMap<string, string>;
  /** The outbound rules, checked again at every delivery (a DNS answer can change after intake). */
  outbound: OutboundPolicy;
  /** Tests: where host names resolve; the system resolver otherwise. */
  resolveHost?: HostResolver;
}

export function createNotificationActivities({ signingSecret: defaultSecret, merchantSigningSecrets, outbound, resolveHost }: NotifierOptions) {
  const agents = new PinnedAgents();
  return {
    async deliverMerchantNotification(input: MerchantNotificationInput): Promise<void> {
      // Chosen here, at delivery, from the merchant id in the input: a secret never enters history.
      const signingSecret = merchantSigningSecrets?.get(input.merchantId) ?? defaultSecret;
      if (!signingSecret) {
        throw ApplicationFailure.create({
          type: ActivityErrorType.Misconfigured,
          message: `No signing secret on the worker for merchant ${input.merchantId} (MERCHANT_NOTIFY_SIGNING_SECRETS or NOTIFY_SIGNING_SECRET); its notifications cannot be signed.`,
          nonRetryable: true,
        });
      }
      const body = JSON.stringify({
        id: input.eventId,
        object: 'event',
        type: input.type,
        created: input.created,
        data: { object: input.payment },
      });
      const target = await resolveOutboundTarget(input.url, outbound, { resolve: resolveHost });
      // The URL's path and query stay out of messages: they may carry the merchant's own tokens.
      const where = originOf(input.url);
      if (!target.ok) {
        // A refused address is refused on every attempt; a name that does not resolve may resolve later.
        throw ApplicationFailure.create({
          type: target.problem === 'refused' ? ActivityErrorType.NotificationAddressRefused : ActivityErrorType.NotificationFailed,
          message: `Not delivering to ${where}: ${target.reason}.`,
          nonRetryable: target.problem === 'refused',
        });
      }
      let status: number;
      try {
        status = await postToPinnedAddress({
          url: target.url,
          address: target.address,
          family: target.family,
          body,
          headers: {
            'Content-Type': 'application/json',
            [NOTIFICATION_SIGNATURE_HEADER]: signWebhookPayload({ rawBody: body, secret: signingSecret }),
            'Payments-Delivery-Attempt': String(activityInfo().attempt),
          },
          signal: AbortSignal.any([cancellationSignal(), AbortSignal.timeout(DELIVERY_TIMEOUT_MS)]),
        }, agents);
      } catch (err) {
        throw ApplicationFailure.create({
          type: ActivityErrorType.NotificationFailed,
          message: `Could not reach ${where}: ${(err as Error).message}`,
        });
      }
      if (status < 200 || status >= 300) {
        throw ApplicationFailure.create({
          type: ActivityErrorType.NotificationFailed,
          message: `The merchant endpoint answered ${status} to ${input.type} ${input.eventId}.`,
        });
      }
    },
  };
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'an unparsable URL';
  }
}
