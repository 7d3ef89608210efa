/**
 * Signed event delivery to the merchant's backend. The same `t=…,v1=…` scheme WooshPay uses, under our own
 * secret (from configuration, never from history), so merchants verify us the way we verify WooshPay.
 */
import { activityInfo, cancellationSignal } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import ky from 'ky';
import { signWebhookPayload } from '../wooshpay/index.js';
import { ActivityErrorType } from './failures.js';
import type { MerchantNotificationInput } from './types.js';

export const NOTIFICATION_SIGNATURE_HEADER = 'Payments-Signature';
const DELIVERY_TIMEOUT_MS = 10_000;

export interface NotifierOptions {
  signingSecret: string | undefined;
  /** merchant → its own secret (MERCHANT_NOTIFY_SIGNING_SECRETS); the others are signed with signingSecret. */
  merchantSigningSecrets?: ReadonlyMap<string, string>;
}

export function createNotificationActivities({ signingSecret: defaultSecret, merchantSigningSecrets }: NotifierOptions) {
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
      let status: number;
      try {
        const response = await ky.post(input.url, {
          body,
          headers: {
            'Content-Type': 'application/json',
            [NOTIFICATION_SIGNATURE_HEADER]: signWebhookPayload({ rawBody: body, secret: signingSecret }),
            'Payments-Delivery-Attempt': String(activityInfo().attempt),
          },
          retry: 0,
          timeout: DELIVERY_TIMEOUT_MS,
          throwHttpErrors: false,
          signal: cancellationSignal(),
        });
        status = response.status;
      } catch (err) {
        throw ApplicationFailure.create({
          type: ActivityErrorType.NotificationFailed,
          message: `Could not reach ${new URL(input.url).origin}: ${(err as Error).message}`,
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
