/**
 * `npm run register-webhook`: going live against WooshPay (test mode first). Registers
 * `PUBLIC_BASE_URL/webhooks/wooshpay` as a webhook endpoint with the events the payment workflow acts on,
 * and prints the signing secret to put in WOOSHPAY_WEBHOOK_SECRETS — WooshPay shows it only this once.
 *
 * Every registered endpoint gets its own copy of each event, so an endpoint already registered for the
 * same URL is reported instead of registering a second one (unless --force, e.g. to rotate the secret).
 */
import { randomUUID } from 'node:crypto';
import { ACTED_ON_EVENT_TYPES } from '../api/webhooks.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { createWooshPayClient, type WebhookEndpoint, type WooshPayClient } from '../wooshpay/index.js';

/** What the endpoint subscribes to: exactly the documented event types the webhook route delivers. */
export const SUBSCRIBED_EVENTS = ACTED_ON_EVENT_TYPES;

export type RegistrationResult =
  | { outcome: 'registered'; endpoint: WebhookEndpoint; secret: string }
  | { outcome: 'already_registered'; endpoints: WebhookEndpoint[] };

export async function registerWebhookEndpoint(
  wooshpay: WooshPayClient,
  publicBaseUrl: string,
  options: { force?: boolean } = {},
): Promise<RegistrationResult> {
  const url = `${publicBaseUrl.replace(/\/+$/, '')}/webhooks/wooshpay`;
  const existing: WebhookEndpoint[] = [];
  for (let page = await wooshpay.listWebhookEndpoints({ limit: 100 }); ; ) {
    existing.push(...page.data.filter((e) => e.url === url && e.status !== 'disabled'));
    const last = page.data.at(-1);
    if (!page.has_more || !last) break;
    page = await wooshpay.listWebhookEndpoints({ limit: 100, starting_after: last.id });
  }
  if (existing.length > 0 && !options.force) return { outcome: 'already_registered', endpoints: existing };

  const endpoint = await wooshpay.createWebhookEndpoint(
    { url, enabled_events: [...SUBSCRIBED_EVENTS], description: 'WooshPay bank-transfer payments (Temporal)' },
    { idempotencyKey: `register-webhook-${randomUUID()}` },
  );
  if (!endpoint.secret) throw new Error(`WooshPay created ${endpoint.id} but returned no signing secret.`);
  return { outcome: 'registered', endpoint, secret: endpoint.secret };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const { baseUrl, secretKey } = config.wooshpay;
  if (!baseUrl || !secretKey) throw new Error('Set WOOSHPAY_BASE_URL and WOOSHPAY_SECRET_KEY (your sk_test_… key first).');
  if (!config.api.publicBaseUrl) throw new Error('Set PUBLIC_BASE_URL: the HTTPS address where WooshPay reaches this API.');
  const wooshpay = createWooshPayClient({ baseUrl, secretKey, timeoutMs: config.wooshpay.timeoutMs });
  const result = await registerWebhookEndpoint(wooshpay, config.api.publicBaseUrl, { force: process.argv.includes('--force') });
  if (result.outcome === 'already_registered') {
    console.log(
      `Already registered: ${result.endpoints.map((e) => e.id).join(', ')} for this URL. WooshPay would send each event ` +
        'once per endpoint, so no second endpoint was made. Use --force to register another (to rotate the secret).',
    );
    return;
  }
  console.log(`Registered ${result.endpoint.id} → ${result.endpoint.url}`);
  console.log(`Events: ${SUBSCRIBED_EVENTS.join(', ')}`);
  console.log('\nSet this on every API replica (keep the old secret next to it until the old endpoint is deleted):');
  console.log(`WOOSHPAY_WEBHOOK_SECRETS=${result.secret}`);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof ConfigError || err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
