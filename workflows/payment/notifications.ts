/**
 * Merchant notifications, delivered by the payment itself: one activity per event, whose retries run in the
 * Temporal server (no workflow task per retry) for up to three days. No workflow execution per event: an
 * activity is the cheapest durable unit that still retries for days, shows its attempts and last failure to
 * operators on the payment's own page, and needs no extra history.
 *
 * Events go out one at a time, in the order they happened. A notification still owed when the run continues
 * as new travels in the carried outbox; the payment does not close before its outbox is empty.
 */
import {
  ActivityCancellationType,
  CancellationScope,
  condition,
  isCancellation,
  log,
  proxyActivities,
} from '@temporalio/workflow';
import type { PaymentActivities } from '../../activities/types.js';
import { DEFAULT_MERCHANT_ID, type NotificationRetry } from '../messages.js';
import type { PaymentRun, QueuedNotification } from './run.js';

/**
 * WooshPay retries its webhooks for three days; merchants get the same courtesy. Backoff grows to an hour, so a
 * receiver that is down for a day gets ~30 attempts, not thousands.
 */
export const DEFAULT_NOTIFICATION_RETRY: NotificationRetry = { initialIntervalMs: 5_000, maximumIntervalMs: 3_600_000 };
const DELIVERY_WINDOW_MS = 3 * 24 * 3_600_000;

export class Courier {
  private paused = false;
  private inFlight: CancellationScope | null = null;
  private delivering: Promise<void> | null = null;

  constructor(private readonly run: PaymentRun) {}

  /** Delivers the outbox in the background for the rest of the run. */
  start(): void {
    void this.deliverForever();
  }

  /**
   * Stops delivering before the run continues as new: an attempt under way is cancelled and waited for, so
   * the event is either delivered here or carried to the next run, never both.
   */
  async pause(): Promise<void> {
    this.paused = true;
    this.inFlight?.cancel();
    await this.delivering;
  }

  private async deliverForever(): Promise<void> {
    for (;;) {
      await condition(() => this.run.outbox.length > 0 && !this.paused);
      const next = this.run.outbox[0];
      this.delivering = this.deliver(next);
      await this.delivering;
      this.delivering = null;
    }
  }

  private async deliver(next: QueuedNotification): Promise<void> {
    const url = this.run.request.notifyUrl ?? this.run.settings.defaultNotifyUrl;
    const scope = new CancellationScope();
    this.inFlight = scope;
    try {
      if (url) {
        const send = deliveryActivity(next, this.run.settings.notificationRetry);
        const payment = this.run.record;
        await scope.run(() => send({ url, merchantId: this.run.request.merchantId ?? DEFAULT_MERCHANT_ID, eventId: next.id, type: next.type, created: next.created, payment }));
      }
    } catch (err) {
      if (isCancellation(err)) return; // paused for continue-as-new: the next run delivers it
      // Three days of retries ran out, or the address was refused (not retried): the cause says which.
      const reason = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
      log.error('Merchant notification not delivered; giving up', { eventId: next.id, type: next.type, reason });
    } finally {
      this.inFlight = null;
    }
    this.run.outbox.shift();
    this.run.touch();
  }
}

function deliveryActivity(next: QueuedNotification, retry: NotificationRetry = DEFAULT_NOTIFICATION_RETRY) {
  return proxyActivities<PaymentActivities>({
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: Math.max(next.created + DELIVERY_WINDOW_MS - Date.now(), 60_000),
    retry: { initialInterval: retry.initialIntervalMs, backoffCoefficient: 2, maximumInterval: retry.maximumIntervalMs },
    // Waits for the attempt under way to end: if it reached the merchant, the event counts as delivered.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  }).deliverMerchantNotification;
}
