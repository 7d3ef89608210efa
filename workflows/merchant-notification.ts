import { proxyActivities } from '@temporalio/workflow';
import type { MerchantNotificationInput, PaymentActivities } from '../activities/types.js';

export interface NotificationRetry {
  initialIntervalMs: number;
  maximumIntervalMs: number;
}

/**
 * WooshPay retries its own webhooks for three days; we give merchants the same courtesy. Backoff grows to an
 * hour so a receiver that is down for a day gets ~30 attempts, not thousands.
 */
export const DEFAULT_NOTIFICATION_RETRY: NotificationRetry = { initialIntervalMs: 5_000, maximumIntervalMs: 3_600_000 };

/**
 * Delivers one signed event to the merchant's endpoint. A child of the payment workflow, abandoned on close,
 * so delivery never holds up the payment; its workflow id is the event id, so each event is sent once.
 */
export async function merchantNotificationWorkflow(
  input: MerchantNotificationInput,
  retry: NotificationRetry = DEFAULT_NOTIFICATION_RETRY,
): Promise<void> {
  const { deliverMerchantNotification } = proxyActivities<PaymentActivities>({
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: '3 days',
    retry: { initialInterval: retry.initialIntervalMs, backoffCoefficient: 2, maximumInterval: retry.maximumIntervalMs },
  });
  await deliverMerchantNotification(input);
}
