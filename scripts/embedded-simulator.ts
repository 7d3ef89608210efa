/**
 * The WooshPay simulator `npm start` and `npm run cluster` run when no WooshPay is configured: listening on
 * loopback, with a fresh test-mode secret key and, unless the webhook secrets are configured, the API's
 * webhook endpoint registered the way an operator does it once against WooshPay (`npm run register-webhook`).
 */
import { randomBytes } from 'node:crypto';
import { createSimulator, type CreateSimulatorOptions } from '../simulator/index.js';
import { createWooshPayClient } from '../wooshpay/index.js';
import { registerWebhookEndpoint } from './register-webhook.js';

export interface EmbeddedSimulator {
  url: string;
  /** WOOSHPAY_BASE_URL, WOOSHPAY_SECRET_KEY and (when it registered the endpoint) WOOSHPAY_WEBHOOK_SECRETS. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Webhook retries a minute apart instead of an hour; refunds settle a few seconds after they are made. */
export const EMBEDDED_SIMULATOR_OPTIONS: CreateSimulatorOptions = { webhookRetryScale: 1 / 60, refundAutoSettleMs: 3_000 };

export async function startEmbeddedSimulator(options: {
  port: number;
  /** Where WooshPay delivers webhooks: `<publicBaseUrl>/webhooks/wooshpay`. */
  publicBaseUrl: string;
  registerWebhook: boolean;
  simulator?: CreateSimulatorOptions;
}): Promise<EmbeddedSimulator> {
  const simulator = createSimulator(options.simulator ?? EMBEDDED_SIMULATOR_OPTIONS);
  const listening = await simulator.listen(options.port, '127.0.0.1');
  const env: Record<string, string> = {
    WOOSHPAY_BASE_URL: listening.url,
    WOOSHPAY_SECRET_KEY: `sk_test_${randomBytes(18).toString('base64url')}`,
  };
  try {
    if (options.registerWebhook) {
      const wooshpay = createWooshPayClient({ baseUrl: listening.url, secretKey: env.WOOSHPAY_SECRET_KEY });
      const registration = await registerWebhookEndpoint(wooshpay, options.publicBaseUrl);
      if (registration.outcome !== 'registered') throw new Error('The fresh simulator already had a webhook endpoint.');
      env.WOOSHPAY_WEBHOOK_SECRETS = registration.secret;
    }
  } catch (err) {
    await listening.close();
    throw err;
  }
  return { url: listening.url, env, close: () => listening.close() };
}
