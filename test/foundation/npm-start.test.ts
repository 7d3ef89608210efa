/**
 * The README's first command, as a process: `npm start` brings up its own dev server, simulator, worker and
 * API, takes a payment from intake to paid, and stops cleanly on SIGINT; a bad configuration stops it at once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort } from '../helpers/processes.js';

let dataDir: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'npm-start-'));
});
afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

function start(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    env: { ...process.env, LOG_LEVEL: 'warn', TEMPORAL_LOG_LEVEL: 'WARN', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { child: proc, output: () => out, exited };
}

async function until(predicate: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function listening(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1_000) });
    return true;
  } catch {
    return false;
  }
}

describe('npm start', () => {
  it('runs the whole product, takes a payment to paid, and stops cleanly on SIGINT', async () => {
    const ports = { api: await freePort(), temporal: await freePort(), ui: await freePort(), sim: await freePort(), metrics: await freePort(), codec: await freePort() };
    const run = start({
      PORT: String(ports.api),
      TEMPORAL_DEV_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      SIMULATOR_PORT: String(ports.sim),
      METRICS_PORT: String(ports.metrics),
      CODEC_PORT: String(ports.codec),
      DATA_DIR: dataDir,
    });
    child = run.child;
    await until(() => run.output().includes('Try:'), 90_000, 'the banner');
    const key = /API key\s+(dev_\S+)/.exec(run.output())?.[1];
    expect(key).toBeDefined();
    expect(run.output()).toContain(`http://127.0.0.1:${ports.ui}`);

    const api = `http://127.0.0.1:${ports.api}`;
    const created = await fetch(`${api}/v1/payments`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Idempotency-Key': 'npm-start-1', 'Content-Type': 'application/json' },
      body: JSON.stringify({ amount: 1_000_000, currency: 'IDR', return_url: 'https://shop.example/r' }),
    });
    expect(created.status).toBe(201);
    const payment = (await created.json()) as { id: string; redirect_url: string };
    // The shopper presses the button on the hosted bank-transfer page.
    const paid = await fetch(payment.redirect_url, { method: 'POST', redirect: 'manual' });
    expect(paid.status).toBe(303);
    await until(
      async () => {
        const res = await fetch(`${api}/v1/payments/${payment.id}`, { headers: { Authorization: `Bearer ${key}` } });
        return ((await res.json()) as { status: string }).status === 'succeeded';
      },
      30_000,
      'the payment to be paid',
    );
    expect((await fetch(`http://127.0.0.1:${ports.ui}/`)).status).toBe(200);
    // Encrypted with the development key kept in DATA_DIR; the embedded UI decodes through the codec server.
    expect((await stat(path.join(dataDir, 'payload-encryption-keys'))).mode & 0o777).toBe(0o600);
    const codecEndpoint = /Codec\s+(http:\S+)/.exec(run.output())?.[1];
    expect(codecEndpoint).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${ports.codec}/codec_`));
    const uiSettings = (await (await fetch(`http://127.0.0.1:${ports.ui}/api/v1/settings`)).json()) as { Codec?: { Endpoint?: string } };
    expect(uiSettings.Codec?.Endpoint).toBe(codecEndpoint);

    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    for (const port of Object.values(ports)) expect(await listening(port)).toBe(false);
  });

  it('keeps WooshPay’s world across its own restart: an open payment is paid on its hosted page afterwards', async () => {
    const restartDir = await mkdtemp(path.join(os.tmpdir(), 'npm-restart-'));
    const ports = { api: await freePort(), temporal: await freePort(), ui: await freePort(), sim: await freePort(), metrics: await freePort(), codec: await freePort() };
    const env = {
      PORT: String(ports.api),
      TEMPORAL_DEV_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      SIMULATOR_PORT: String(ports.sim),
      METRICS_PORT: String(ports.metrics),
      CODEC_PORT: String(ports.codec),
      DATA_DIR: restartDir,
    };
    const api = `http://127.0.0.1:${ports.api}`;
    const boot = async () => {
      const run = start(env);
      child = run.child;
      await until(() => run.output().includes('Try:'), 90_000, 'the banner');
      const key = /API key\s+(dev_\S+)/.exec(run.output())?.[1] ?? '';
      const get = async (id: string) =>
        (await (await fetch(`${api}/v1/payments/${id}`, { headers: { Authorization: `Bearer ${key}` } })).json()) as { status: string };
      return { run, key, get };
    };
    try {
      const first = await boot();
      const created = await fetch(`${api}/v1/payments`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${first.key}`, 'Idempotency-Key': 'npm-restart-1', 'Content-Type': 'application/json' },
        body: JSON.stringify({ amount: 1_000_000, currency: 'IDR', return_url: 'https://shop.example/r' }),
      });
      expect(created.status).toBe(201);
      const payment = (await created.json()) as { id: string; redirect_url: string };
      expect((await first.get(payment.id)).status).toBe('requires_action');
      first.run.child.kill('SIGINT');
      expect(await first.run.exited).toBe(0);
      const keyFile = path.join(restartDir, 'payload-encryption-keys');
      const keyBefore = await readFile(keyFile, 'utf8');

      const second = await boot();
      // The same development key: the payment written under it still reads.
      expect(await readFile(keyFile, 'utf8')).toBe(keyBefore);
      expect((await second.get(payment.id)).status).toBe('requires_action');
      expect((await fetch(payment.redirect_url)).status).toBe(200);
      const paid = await fetch(payment.redirect_url, { method: 'POST', redirect: 'manual' });
      expect(paid.status).toBe(303);
      await until(async () => (await second.get(payment.id)).status === 'succeeded', 30_000, 'the payment to be paid after the restart');
      second.run.child.kill('SIGINT');
      expect(await second.run.exited).toBe(0);
    } finally {
      await rm(restartDir, { recursive: true, force: true });
    }
  });

  it('stops at once with every bad variable named, and a failing exit code', async () => {
    const run = start({ PORT: 'eighty', REFUNDS_ENABLED: 'maybe', DATA_DIR: dataDir });
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/Invalid configuration: PORT: .*REFUNDS_ENABLED: /);
  });
});
