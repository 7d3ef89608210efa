/**
 * `npm start`'s own WooshPay: the simulator, keeping its objects in DATA_DIR beside Temporal's database, so
 * a restart finds the intents of the payments Temporal still holds. Its test key and webhook secret are
 * kept there too: the key scopes idempotency records (a new key after a restart would let a retried
 * create make a second intent), and WooshPay shows an endpoint's secret only when it is registered.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { createSimulator, type SimulatorOptions } from '../simulator/index.js';
import { createWooshPayClient } from '../wooshpay/index.js';
import { registerWebhookEndpoint } from './register-webhook.js';

const CredentialsSchema = z.object({ secretKey: z.string().startsWith('sk_test_'), webhookSecret: z.string().nullable() });
type Credentials = z.infer<typeof CredentialsSchema>;

export interface EmbeddedSimulator {
  url: string;
  secretKey: string;
  /** Null when the caller brings its own webhook secrets (nothing registered then). */
  webhookSecret: string | null;
  close(): Promise<void>;
}

export async function startEmbeddedSimulator(options: {
  dataDir: string;
  port: number;
  /** Where the simulator sends webhooks: registered once, found again after a restart. */
  webhookBaseUrl: string | null;
  settings: SimulatorOptions;
}): Promise<EmbeddedSimulator> {
  const dir = path.resolve(options.dataDir, 'wooshpay-simulator');
  mkdirSync(dir, { recursive: true });
  const credentialsPath = path.join(dir, 'credentials.json');
  const credentials = readCredentials(credentialsPath);
  const listening = await createSimulator({ ...options.settings, dataDir: dir }).listen(options.port, '127.0.0.1');
  try {
    if (options.webhookBaseUrl) credentials.webhookSecret = await webhookSecretFor(listening.url, credentials, options.webhookBaseUrl);
    writeCredentials(credentialsPath, credentials);
  } catch (err) {
    await listening.close();
    throw err;
  }
  return { url: listening.url, ...credentials, close: () => listening.close() };
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

function readCredentials(file: string): Credentials {
  if (existsSync(file)) return CredentialsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  return { secretKey: `sk_test_${randomBytes(18).toString('base64url')}`, webhookSecret: null };
}

function writeCredentials(file: string, credentials: Credentials): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(credentials), { mode: 0o600 });
  renameSync(temp, file);
}
