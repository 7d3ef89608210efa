/**
 * The WooshPay simulator `npm start` and `npm run cluster` run when no WooshPay is configured: listening on
 * loopback, with the API's webhook endpoint registered the way an operator does it once against WooshPay
 * (`npm run register-webhook`) unless the webhook secrets are configured.
 *
 * Given a data directory, it keeps its objects there beside Temporal's database, so a restart finds the intents
 * of the payments Temporal still holds. Its test key and webhook secret are kept there too: the key scopes
 * idempotency records (a new key after a restart would let a retried create make a second intent), and
 * WooshPay shows an endpoint's secret only when it is registered.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { createSimulator, type CreateSimulatorOptions } from '../simulator/index.js';
import { createWooshPayClient } from '../wooshpay/index.js';
import { registerWebhookEndpoint } from './register-webhook.js';

const CredentialsSchema = z.object({ secretKey: z.string().startsWith('sk_test_'), webhookSecret: z.string().nullable() });
type Credentials = z.infer<typeof CredentialsSchema>;

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
  /** Keeps objects and credentials under `<dataDir>/wooshpay-simulator`; in memory when absent. */
  dataDir?: string;
  simulator?: CreateSimulatorOptions;
}): Promise<EmbeddedSimulator> {
  const dir = options.dataDir ? path.resolve(options.dataDir, 'wooshpay-simulator') : undefined;
  if (dir) mkdirSync(dir, { recursive: true });
  const credentialsPath = dir && path.join(dir, 'credentials.json');
  const credentials = readCredentials(credentialsPath);
  const listening = await createSimulator({ ...(options.simulator ?? EMBEDDED_SIMULATOR_OPTIONS), dataDir: dir }).listen(options.port, '127.0.0.1');
  try {
    if (options.registerWebhook) credentials.webhookSecret = await webhookSecretFor(listening.url, credentials, options.publicBaseUrl);
    if (credentialsPath) writeCredentials(credentialsPath, credentials);
  } catch (err) {
    await listening.close();
    throw err;
  }
  const env: Record<string, string> = { WOOSHPAY_BASE_URL: listening.url, WOOSHPAY_SECRET_KEY: credentials.secretKey };
  if (options.registerWebhook && credentials.webhookSecret) env.WOOSHPAY_WEBHOOK_SECRETS = credentials.webhookSecret;
  return { url: listening.url, env, close: () => listening.close() };
}

/** The secret of the endpoint for our webhook URL: the one kept from its registration, or a new endpoint's. */
async function webhookSecretFor(url: string, credentials: Credentials, webhookBaseUrl: string): Promise<string> {
  const wooshpay = createWooshPayClient({ baseUrl: url, secretKey: credentials.secretKey });
  const found = await registerWebhookEndpoint(wooshpay, webhookBaseUrl);
  if (found.outcome === 'registered') return found.secret;
  if (credentials.webhookSecret) return credentials.webhookSecret;
  // Registered, but its secret is lost: a new endpoint replaces the old (each would get every event).
  const fresh = await registerWebhookEndpoint(wooshpay, webhookBaseUrl, { force: true });
  if (fresh.outcome !== 'registered') throw new Error('The simulator did not register a webhook endpoint.');
  for (const old of found.endpoints) await wooshpay.deleteWebhookEndpoint(old.id);
  return fresh.secret;
}

function readCredentials(file: string | undefined): Credentials {
  if (file && existsSync(file)) return CredentialsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  return { secretKey: `sk_test_${randomBytes(18).toString('base64url')}`, webhookSecret: null };
}

function writeCredentials(file: string, credentials: Credentials): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(credentials), { mode: 0o600 });
  renameSync(temp, file);
}
