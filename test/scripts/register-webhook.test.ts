import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { registerWebhookEndpoint, SUBSCRIBED_EVENTS } from '../../scripts/register-webhook.js';
import { createSimulator } from '../../simulator/index.js';
import { createWooshPayClient, type WooshPayClient } from '../../wooshpay/index.js';

const execFileAsync = promisify(execFile);
let simulator: Awaited<ReturnType<ReturnType<typeof createSimulator>['listen']>>;
let wooshpay: WooshPayClient;
const secretKey = `sk_test_${randomBytes(8).toString('hex')}`;

beforeAll(async () => {
  simulator = await createSimulator().listen(0, '127.0.0.1');
  wooshpay = createWooshPayClient({ baseUrl: simulator.url, secretKey });
});
afterAll(async () => {
  await simulator?.close();
});

describe('register-webhook', () => {
  it('registers the endpoint once with the handled events and returns its secret', async () => {
    const first = await registerWebhookEndpoint(wooshpay, 'https://payments.example.com/');
    expect(first.outcome).toBe('registered');
    if (first.outcome !== 'registered') return;
    expect(first.secret).toMatch(/^whsec_/);
    expect(first.endpoint.url).toBe('https://payments.example.com/webhooks/wooshpay');
    expect(first.endpoint.enabled_events).toEqual([...SUBSCRIBED_EVENTS]);

    // A second run does not register a duplicate (WooshPay would deliver every event twice).
    const second = await registerWebhookEndpoint(wooshpay, 'https://payments.example.com');
    expect(second).toMatchObject({ outcome: 'already_registered', endpoints: [{ id: first.endpoint.id }] });
    const forced = await registerWebhookEndpoint(wooshpay, 'https://payments.example.com', { force: true });
    expect(forced.outcome).toBe('registered');
  });

  it('as a command, prints the secret to configure, and explains what is missing', async () => {
    const env = { ...process.env, WOOSHPAY_BASE_URL: simulator.url, WOOSHPAY_SECRET_KEY: secretKey, PUBLIC_BASE_URL: 'https://cmd.example.com' };
    const ok = await execFileAsync(process.execPath, ['--import', 'tsx', 'scripts/register-webhook.ts'], { env });
    expect(ok.stdout).toMatch(/^WOOSHPAY_WEBHOOK_SECRETS=whsec_\w+$/m);
    const { PUBLIC_BASE_URL: _omit, ...missing } = env;
    await expect(execFileAsync(process.execPath, ['--import', 'tsx', 'scripts/register-webhook.ts'], { env: missing })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/PUBLIC_BASE_URL/),
    });
  });
});
