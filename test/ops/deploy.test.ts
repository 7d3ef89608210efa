/**
 * The helper scripts the compose stack runs, run here for real (no Docker needed):
 * - deploy/docker-entrypoint.sh (secrets from `<NAME>_FILE`),
 * - deploy/temporal/setup-namespace.sh with the real `temporal` CLI against the test run's Temporal server,
 * - deploy/temporal/setup-schema.sh with a recording stand-in for `temporal-sql-tool` (it needs PostgreSQL),
 * - deploy/simulator-setup.ts against a real simulator, up to a signed webhook delivery.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { access, chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Connection } from '@temporalio/client';
import { setUpSimulator } from '../../deploy/simulator-setup.js';
import { cacheDir, resolveTemporalCli } from '../../scripts/temporal-cli.js';
import { createSimulator, type ListeningSimulator } from '../../simulator/index.js';
import { createWooshPayClient, SIGNATURE_HEADER, verifyWebhookSignature } from '../../wooshpay/index.js';
import { PAYMENT_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';
import { indexedValueTypeToString, searchAttributesSpec } from './compose-helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENTRYPOINT = path.join(ROOT, 'deploy/docker-entrypoint.sh');
const NAMESPACE_SCRIPT = path.join(ROOT, 'deploy/temporal/setup-namespace.sh');
const SCHEMA_SCRIPT = path.join(ROOT, 'deploy/temporal/setup-schema.sh');

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'deploy-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function run(file: string, args: string[], env: Record<string, string | undefined>) {
  const result = spawnSync('sh', [file, ...args], { env: env, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('deploy/docker-entrypoint.sh', () => {
  const printEnv = ['node', '-e', 'process.stdout.write(JSON.stringify(process.env))'];
  const base = { PATH: process.env.PATH };

  it('reads each secret from <NAME>_FILE, rotation lines becoming a comma list, and execs the command', async () => {
    const secrets = path.join(tmp, 'webhook-secrets');
    await writeFile(secrets, 'whsec_old_0123456789\nwhsec_new_0123456789\n');
    const keys = path.join(tmp, 'api-keys');
    await writeFile(keys, 'key_aaaaaaaaaaaaaaaa');
    const out = run(ENTRYPOINT, printEnv, { ...base, WOOSHPAY_WEBHOOK_SECRETS_FILE: secrets, API_KEYS_FILE: keys, OTHER: 'kept' });
    expect(out.status).toBe(0);
    const env = JSON.parse(out.stdout) as Record<string, string>;
    expect(env.WOOSHPAY_WEBHOOK_SECRETS).toBe('whsec_old_0123456789,whsec_new_0123456789');
    expect(env.API_KEYS).toBe('key_aaaaaaaaaaaaaaaa');
    expect(env.OTHER).toBe('kept');
    expect(env.WOOSHPAY_WEBHOOK_SECRETS_FILE).toBeUndefined();
  });

  it('refuses a secret given both ways, a missing file and an empty file', async () => {
    const file = path.join(tmp, 'notify');
    await writeFile(file, 'notify_secret_0123456789');
    expect(run(ENTRYPOINT, printEnv, { ...base, NOTIFY_SIGNING_SECRET: 'x', NOTIFY_SIGNING_SECRET_FILE: file }).status).toBe(64);
    expect(run(ENTRYPOINT, printEnv, { ...base, WOOSHPAY_SECRET_KEY_FILE: path.join(tmp, 'absent') }).status).toBe(66);
    const empty = path.join(tmp, 'empty');
    await writeFile(empty, '\n');
    expect(run(ENTRYPOINT, printEnv, { ...base, API_KEYS_FILE: empty }).status).toBe(66);
  });

  it('leaves the environment alone when no _FILE is set', () => {
    const out = run(ENTRYPOINT, printEnv, { ...base, API_KEYS: 'direct_key_0123456789' });
    expect(out.status).toBe(0);
    expect((JSON.parse(out.stdout) as Record<string, string>).API_KEYS).toBe('direct_key_0123456789');
  });
});

/** The `temporal` CLI the test run uses; found in the SDK's download directory when it fetched its own. */
async function temporalCli(): Promise<string> {
  const resolved = await resolveTemporalCli();
  if (resolved.path) return resolved.path;
  const downloads = path.dirname(cacheDir());
  for (const entry of await readdir(downloads, { recursive: true })) {
    const file = path.join(downloads, entry);
    if (/^temporal/.test(path.basename(file)) && (await stat(file)).isFile()) return file;
  }
  throw new Error(`No temporal CLI binary found (run npm run temporal-cli); looked in ${downloads}`);
}

describe('deploy/temporal/setup-namespace.sh (real temporal CLI, real server)', () => {
  it('creates the namespace and registers every payment search attribute, and runs again cleanly', async () => {
    const cli = await temporalCli();
    const address = process.env.TEMPORAL_TEST_ADDRESS!;
    const namespace = `deploy-test-${randomUUID().slice(0, 8)}`;
    const env = {
      PATH: `${path.dirname(cli)}${path.delimiter}${process.env.PATH}`,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: address,
      NAMESPACE: namespace,
      SLEEP_SECONDS: '1',
      SEARCH_ATTRIBUTES: searchAttributesSpec(PAYMENT_SEARCH_ATTRIBUTES),
    };
    // The script calls the CLI as `temporal`; give it that name whatever the binary is called.
    const bin = path.join(tmp, 'bin');
    await rm(bin, { recursive: true, force: true });
    await mkdir(bin);
    await symlink(cli, path.join(bin, 'temporal'));
    env.PATH = `${bin}${path.delimiter}${env.PATH}`;

    const first = run(NAMESPACE_SCRIPT, [], env);
    expect({ status: first.status, stderr: first.stderr }).toEqual({ status: 0, stderr: '' });
    expect(first.stdout).toContain(`namespace: ${namespace} created`);
    const second = run(NAMESPACE_SCRIPT, [], env);
    expect({ status: second.status, stderr: second.stderr }).toEqual({ status: 0, stderr: '' });
    expect(second.stdout).toContain(`namespace: ${namespace} exists`);
    // Depending on the CLI version an existing attribute is reported as such or re-registered as a no-op.
    for (const key of PAYMENT_SEARCH_ATTRIBUTES) expect(second.stdout).toMatch(new RegExp(`search attribute: ${key.name} (exists|\\(\\w+\\) registered)`));

    const connection = await Connection.connect({ address });
    try {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
      const registered = Object.fromEntries(Object.entries(customAttributes ?? {}).map(([name, type]) => [name, indexedValueTypeToString(type)]));
      for (const key of PAYMENT_SEARCH_ATTRIBUTES) expect({ [key.name]: registered[key.name] }).toEqual({ [key.name]: key.type });
    } finally {
      await connection.close();
    }

    const bad = run(NAMESPACE_SCRIPT, [], { ...env, SEARCH_ATTRIBUTES: 'Broken=NoSuchType' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/Broken \(NoSuchType\) failed/);
  });
});

describe('deploy/temporal/setup-schema.sh (temporal-sql-tool recorded)', () => {
  async function stubTool(behaviour: string): Promise<{ env: Record<string, string | undefined>; log: string }> {
    const dir = await mkdtemp(path.join(tmp, 'sqltool-'));
    const log = path.join(dir, 'calls.log');
    const tool = path.join(dir, 'temporal-sql-tool');
    await writeFile(tool, `#!/bin/sh\necho "$*" >> "${log}"\n${behaviour}\n`);
    await chmod(tool, 0o755);
    return {
      log,
      env: { PATH: `${dir}${path.delimiter}${process.env.PATH}`, POSTGRES_SEEDS: 'postgresql', POSTGRES_USER: 'temporal', SQL_PASSWORD: 'pw', DB_PORT: '5432' },
    };
  }

  it('creates, sets up and upgrades both databases, keeping a database that exists', async () => {
    const { env, log } = await stubTool('case "$*" in *" create") exit 1;; esac; exit 0');
    const out = run(SCHEMA_SCRIPT, [], env);
    expect({ status: out.status, stderr: out.stderr }).toEqual({ status: 0, stderr: '' });
    const calls = (await readFile(log, 'utf8')).trim().split('\n');
    const args = '--plugin postgres12 --ep postgresql -u temporal -p 5432';
    expect(calls).toEqual([
      `${args} --db temporal create`,
      `${args} --db temporal setup-schema -v 0.0`,
      `${args} --db temporal update-schema -d /etc/temporal/schema/postgresql/v12/temporal/versioned`,
      `${args} --db temporal_visibility create`,
      `${args} --db temporal_visibility setup-schema -v 0.0`,
      `${args} --db temporal_visibility update-schema -d /etc/temporal/schema/postgresql/v12/visibility/versioned`,
    ]);
  });

  it('fails when a schema step fails', async () => {
    const { env } = await stubTool('case "$*" in *update-schema*) exit 3;; esac; exit 0');
    expect(run(SCHEMA_SCRIPT, [], env).status).not.toBe(0);
    expect(run(SCHEMA_SCRIPT, [], { ...env, SQL_PASSWORD: undefined }).status).not.toBe(0);
  });
});

describe('deploy/simulator-setup.ts (real simulator)', () => {
  let simulator: ListeningSimulator;
  const received: { body: string; signature: string | undefined }[] = [];
  let notify: () => void = () => undefined;
  const receiver = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks).toString('utf8'), signature: req.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined });
      res.writeHead(200).end('{}');
      notify();
    });
  });
  let webhookUrl: string;

  beforeAll(async () => {
    simulator = await createSimulator({ log: () => undefined }).listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/wooshpay`;
  });
  afterAll(async () => {
    await simulator?.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('registers the endpoint, hands over a secret that verifies real deliveries, and keeps it on a re-run', async () => {
    const secretFile = path.join(tmp, 'run', 'webhook-secret');
    const env = {
      WOOSHPAY_BASE_URL: simulator.url,
      WOOSHPAY_SECRET_KEY: 'sk_test_deploy_test',
      WEBHOOK_URL: webhookUrl,
      WEBHOOK_SECRET_FILE: secretFile,
      SIMULATOR_PUBLIC_URL: 'http://localhost:4010',
      SIMULATOR_REFUND_AUTO_SETTLE_MS: '2500',
    };
    const first = await setUpSimulator(env);
    expect(first.created).toBe(true);
    const secret = (await readFile(secretFile, 'utf8')).trim();
    expect(secret).toMatch(/^whsec_/);
    expect(((await stat(secretFile)).mode & 0o777).toString(8)).toBe('600');

    const settings = (await (await fetch(`${simulator.url}/_sim/settings`)).json()) as Record<string, unknown>;
    expect(settings).toMatchObject({ publicBaseUrl: 'http://localhost:4010', refundAutoSettleMs: 2500 });

    const again = await setUpSimulator(env);
    expect(again).toEqual({ endpointId: first.endpointId, created: false, secretFile });
    expect((await readFile(secretFile, 'utf8')).trim()).toBe(secret);

    // A real event, signed by the simulator with the endpoint's secret, verifies with the secret on file.
    const delivered = new Promise<void>((resolve) => (notify = resolve));
    const wooshpay = createWooshPayClient({ baseUrl: simulator.url, secretKey: env.WOOSHPAY_SECRET_KEY });
    const intent = await wooshpay.createPaymentIntent(
      { amount: 10_000, currency: 'IDR', payment_method_types: ['bank_transfer_id'], return_url: 'https://shop.example/return' },
      { idempotencyKey: randomUUID() },
    );
    // The endpoint subscribes to what the payment acts on (not `payment_intent.created`): pay the transfer.
    await fetch(`${simulator.url}/_sim/payment_intents/${intent.id}/succeed`, { method: 'POST' });
    await delivered;
    const { body, signature } = received[0];
    expect(() => verifyWebhookSignature({ rawBody: Buffer.from(body), header: signature, secrets: [secret], toleranceSeconds: 300 })).not.toThrow();

    // The secret file lost (a fresh volume): the endpoint is replaced and the new secret written.
    await rm(secretFile);
    const replaced = await setUpSimulator(env);
    expect(replaced.created).toBe(true);
    expect(replaced.endpointId).not.toBe(first.endpointId);
    const endpoints = await wooshpay.listWebhookEndpoints({ limit: 100 });
    expect(endpoints.data.filter((e) => e.url === webhookUrl).map((e) => e.id)).toEqual([replaced.endpointId]);
    await access(secretFile);
  });

  it('refuses a live key and a missing setting', async () => {
    await expect(
      setUpSimulator({ WOOSHPAY_BASE_URL: simulator.url, WOOSHPAY_SECRET_KEY: 'sk_live_x', WEBHOOK_URL: webhookUrl, WEBHOOK_SECRET_FILE: path.join(tmp, 'x') }),
    ).rejects.toThrow(/WOOSHPAY_SECRET_KEY/);
    await expect(setUpSimulator({ WOOSHPAY_BASE_URL: simulator.url, WOOSHPAY_SECRET_KEY: 'sk_test_x', WEBHOOK_URL: webhookUrl })).rejects.toThrow(/WEBHOOK_SECRET_FILE/);
  });
});
