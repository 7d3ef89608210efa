import type { AddressInfo } from 'node:net';
import { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { HostResolver } from '../activities/outbound-target.js';
import { encryptingDataConverter } from '../codec/data-converter.js';
import type { Config } from '../config/config.js';
import { createWooshPayClient } from '../wooshpay/index.js';
import type { PaymentSettings } from '../workflows/messages.js';
import { createApp } from './app.js';
import { createApiMetrics, startMetricsListener, type ApiMetrics, type MetricsListener } from './metrics.js';
import { notifyUrlCheck } from './notify-url-check.js';
import { PaymentsService } from './payments-service.js';
import { temporalConnection } from './temporal-connection.js';
import { wooshpayWebhookHandler, type WebhookOutcome } from './webhooks.js';

const DAY_MS = 86_400_000;

/** The workflow's tunables from configuration; fixed into each payment's input when it starts. */
export function paymentSettingsFromConfig(config: Config): PaymentSettings {
  return {
    reconcileFirstMs: config.payments.reconcileFirstSeconds * 1000,
    reconcileIntervalMs: config.payments.reconcileIntervalSeconds * 1000,
    retentionMs: config.payments.retentionDays * DAY_MS,
    refundsEnabled: config.payments.refundsEnabled,
    lateFundsPolicy: config.payments.lateFundsPolicy,
    maxRefunds: config.payments.maxRefunds,
    refundPollMs: 5 * 60_000,
    disputeReminderLeadMs: 2 * DAY_MS,
    ...(config.payments.notifyUrl && { defaultNotifyUrl: config.payments.notifyUrl }),
  };
}

export interface ApiServer {
  url: string;
  client: Client;
  metrics: ApiMetrics;
  /** `GET /metrics` on API_METRICS_PORT; undefined when that is unset. */
  metricsUrl: string | undefined;
  payments: PaymentsService;
  close(): Promise<void>;
}

export interface ApiServerOptions {
  config: Config;
  logger: Logger;
  /** Overrides for tests: shorter timers, a different wait. */
  settings?: Partial<PaymentSettings>;
  createWaitMs?: number;
  onWebhookOutcome?: (outcome: WebhookOutcome, eventType: string | undefined) => void;
  /** Tests: where `notify_url` host names resolve at intake; the system resolver otherwise. */
  resolveHost?: HostResolver;
}

export async function startApiServer({ config, logger, settings, createWaitMs, onWebhookOutcome, resolveHost }: ApiServerOptions): Promise<ApiServer> {
  const { apiKeys } = config.api;
  const { baseUrl, secretKey, webhookSecrets } = config.wooshpay;
  if (!apiKeys?.length) throw new Error('API_KEYS is required to serve /v1.');
  if (!baseUrl || !secretKey) throw new Error('WOOSHPAY_BASE_URL and WOOSHPAY_SECRET_KEY are required by the API.');
  if (!webhookSecrets?.length) throw new Error('WOOSHPAY_WEBHOOK_SECRETS is required to verify webhooks.');

  // Lazy: the API starts (and /readyz says why it is not ready) even while Temporal is still coming up.
  const connection = temporalConnection(config.temporal.address ?? `127.0.0.1:${config.temporal.devServerPort}`);
  const dataConverter = encryptingDataConverter(config.encryption.keys);
  const client = new Client({ connection, namespace: config.temporal.namespace, ...(dataConverter && { dataConverter }) });
  const wooshpay = createWooshPayClient({ baseUrl, secretKey, timeoutMs: config.wooshpay.timeoutMs });
  const payments = new PaymentsService({
    client,
    taskQueue: config.temporal.taskQueue,
    settings: { ...paymentSettingsFromConfig(config), ...settings },
    merchantNotifyUrls: config.payments.merchantNotifyUrls,
    createWaitMs,
    checkNotifyUrl: notifyUrlCheck({ allowPrivateNetworks: config.payments.notifyAllowPrivateNetworks }, { resolve: resolveHost }),
  });
  const metrics = createApiMetrics({ processMetrics: true });
  const app = createApp({
    client,
    payments,
    apiKeys,
    logger,
    metrics,
    webhookHandler: wooshpayWebhookHandler({
      client,
      secrets: () => webhookSecrets,
      toleranceSeconds: config.wooshpay.webhookToleranceSeconds,
      wooshpay,
      reopen: (paymentId, event) => payments.reopen(paymentId, event),
      logger,
      onOutcome: (outcome, eventType) => {
        metrics.webhookOutcome(outcome, eventType);
        onWebhookOutcome?.(outcome, eventType);
      },
    }),
  });

  const server = app.listen(config.api.port, config.api.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.api.host}:${port}`;
  let metricsListener: MetricsListener | undefined;
  if (config.api.metricsPort !== undefined) {
    metricsListener = await startMetricsListener(metrics, config.api.host, config.api.metricsPort).catch(async (err: unknown) => {
      await new Promise((resolve) => server.close(resolve));
      throw err;
    });
  }
  logger.info({ url, metricsUrl: metricsListener?.url ?? null }, 'api listening');

  return {
    url,
    client,
    payments,
    metrics,
    metricsUrl: metricsListener?.url,
    async close() {
      // Stop accepting, let in-flight requests finish, then drop idle keep-alive sockets.
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await metricsListener?.close();
      await connection.close();
    },
  };
}
