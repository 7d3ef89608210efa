/**
 * One-shot job of the compose stack's `simulator` profile (docker-compose.yml, service `simulator-setup`):
 * what an operator does once against WooshPay, done against the simulator.
 *
 *  1. Points the simulator's hosted pages at the address a browser on the host reaches
 *     (SIMULATOR_PUBLIC_URL), as the container's own address is not reachable from there, and lets refunds
 *     settle by themselves after SIMULATOR_REFUND_AUTO_SETTLE_MS when set.
 *  2. Registers WEBHOOK_URL (the API's `/webhooks/wooshpay` inside the compose network) as a webhook endpoint
 *     for every event, and writes the signing secret WooshPay returns to WEBHOOK_SECRET_FILE, which the API
 *     reads through `WOOSHPAY_WEBHOOK_SECRETS_FILE` (deploy/docker-entrypoint.sh).
 *
 * Run again (another `docker compose up`), it keeps an endpoint that is registered and whose secret is on
 * file; an endpoint for the URL without a secret on file (or the other way round) is replaced, since
 * WooshPay shows a secret only when it creates the endpoint.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { SUBSCRIBED_EVENTS } from '../scripts/register-webhook.js';
import { createWooshPayClient } from '../wooshpay/index.js';

/** Any http(s) URL, service names included (z.httpUrl wants a dotted domain). */
const httpUrl = z.url({ protocol: /^https?$/ });

const JobEnvSchema = z.object({
  WOOSHPAY_BASE_URL: httpUrl,
  WOOSHPAY_SECRET_KEY: z.string().regex(/^sk_test_\S+$/, 'the simulator takes a test key (sk_test_…)'),
  WEBHOOK_URL: httpUrl,
  WEBHOOK_SECRET_FILE: z.string().min(1),
  SIMULATOR_PUBLIC_URL: httpUrl.optional(),
  SIMULATOR_REFUND_AUTO_SETTLE_MS: z.coerce.number().int().nonnegative().optional(),
});
export type SimulatorSetupEnv = z.input<typeof JobEnvSchema>;

export interface SimulatorSetupResult {
  endpointId: string;
  /** False when an endpoint registered earlier and its secret on file were kept. */
  created: boolean;
  secretFile: string;
}

export async function setUpSimulator(source: Record<string, string | undefined>): Promise<SimulatorSetupResult> {
  const parsed = JobEnvSchema.safeParse(Object.fromEntries(Object.entries(source).filter(([, v]) => v)));
  if (!parsed.success) {
    throw new Error(`simulator-setup: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const env = parsed.data;
  const baseUrl = env.WOOSHPAY_BASE_URL.replace(/\/+$/, '');

  const settings = {
    ...(env.SIMULATOR_PUBLIC_URL && { publicBaseUrl: env.SIMULATOR_PUBLIC_URL }),
    ...(env.SIMULATOR_REFUND_AUTO_SETTLE_MS !== undefined && { refundAutoSettleMs: env.SIMULATOR_REFUND_AUTO_SETTLE_MS }),
  };
  if (Object.keys(settings).length > 0) {
    const response = await fetch(`${baseUrl}/_sim/settings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(settings),
    });
    if (!response.ok) throw new Error(`simulator-setup: /_sim/settings answered ${response.status}: ${await response.text()}`);
  }

  const wooshpay = createWooshPayClient({ baseUrl, secretKey: env.WOOSHPAY_SECRET_KEY });
  const ours = (await wooshpay.listWebhookEndpoints({ limit: 100 })).data.filter((e) => e.url === env.WEBHOOK_URL);
  const secretOnFile = await readFile(env.WEBHOOK_SECRET_FILE, 'utf8').then(
    (s) => s.trim(),
    () => '',
  );
  if (ours.length === 1 && ours[0].status === 'enabled' && secretOnFile) {
    return { endpointId: ours[0].id, created: false, secretFile: env.WEBHOOK_SECRET_FILE };
  }

  for (const stale of ours) await wooshpay.deleteWebhookEndpoint(stale.id);
  const endpoint = await wooshpay.createWebhookEndpoint(
    { url: env.WEBHOOK_URL, enabled_events: [...SUBSCRIBED_EVENTS], description: 'docker compose (simulator profile)' },
    { idempotencyKey: `compose-${randomUUID()}` },
  );
  if (!endpoint.secret) throw new Error('simulator-setup: the new endpoint came back without its signing secret');

  // Written whole or not at all: the API never reads half a secret.
  await mkdir(path.dirname(env.WEBHOOK_SECRET_FILE), { recursive: true });
  const partial = `${env.WEBHOOK_SECRET_FILE}.${process.pid}.tmp`;
  await writeFile(partial, `${endpoint.secret}\n`, { mode: 0o600 });
  await rename(partial, env.WEBHOOK_SECRET_FILE);
  return { endpointId: endpoint.id, created: true, secretFile: env.WEBHOOK_SECRET_FILE };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  setUpSimulator(process.env).then(
    (r) =>
      console.log(
        r.created
          ? `webhook endpoint ${r.endpointId} registered; signing secret written to ${r.secretFile}`
          : `webhook endpoint ${r.endpointId} already registered; secret on file at ${r.secretFile}`,
      ),
    (err: unknown) => {
      console.error((err as Error).message ?? err);
      process.exit(1);
    },
  );
}
