import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createSimulator, DEFAULT_SETTINGS, type SimulatorSettings } from '../../simulator/index.js';
import { ERROR_CODES } from '../../wooshpay/index.js';
import { directIntent, failure, key, startSimulator, type RunningSimulator } from './support.js';

describe('settings and reset', () => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ refundAutoSettleMs: null });
  });
  afterAll(() => sim.close());

  it('changes settings at runtime over POST /_sim/settings, for processes that do not share memory', async () => {
    const current = (await (await fetch(`${sim.url}/_sim/settings`)).json()) as SimulatorSettings;
    expect(current).toEqual({ ...DEFAULT_SETTINGS, refundAutoSettleMs: null });

    const pi = await sim.client.createPaymentIntent(directIntent(), { idempotencyKey: key() });
    await sim.control(`/_sim/payment_intents/${pi.id}/succeed`);
    const updated = await sim.control<SimulatorSettings>('/_sim/settings', { refundsSupported: false, webhookRetryScale: 0.001 });
    expect(updated).toMatchObject({ refundsSupported: false, webhookRetryScale: 0.001 });
    expect(sim.simulator.settings.refundsSupported).toBe(false);
    expect(await failure(sim.client.createRefund({ payment_intent: pi.id }, { idempotencyKey: key() }))).toMatchObject({
      code: ERROR_CODES.refundUnsupported,
    });

    for (const bad of [{ refundsSupported: 'no' }, { webhookRetryScale: 0 }, { unknownSetting: 1 }, { publicBaseUrl: 'ftp://x' }]) {
      expect((await sim.raw('POST', '/_sim/settings', { body: bad, auth: null })).status).toBe(400);
    }
  });

  it('forgets everything and restores the original settings on POST /_sim/reset', async () => {
    const pi = await sim.client.createPaymentIntent(directIntent(), { idempotencyKey: key() });
    await sim.control('/_sim/settings', { intentAutoExpireMs: 1_000 });
    await sim.control('/_sim/faults', { kind: 'error', status: 500, pathPrefix: '/v1/refunds' });
    expect(await sim.control('/_sim/reset')).toEqual({ reset: true });
    expect(await failure(sim.client.retrievePaymentIntent(pi.id))).toMatchObject({ status: 404 });
    expect(sim.simulator.settings.intentAutoExpireMs).toBeNull();
    expect(((await (await fetch(`${sim.url}/_sim/faults`)).json()) as { faults: unknown[] }).faults).toEqual([]);
  });

  it('refuses invalid options at creation', () => {
    expect(() => createSimulator({ webhookRetryScale: -1 })).toThrow();
    expect(() => createSimulator({ checkoutSessionLifetimeMs: 1.5 })).toThrow();
  });
});

describe('npm run simulator (simulator/main.ts)', () => {
  const run = (env: Record<string, string>) =>
    spawn(process.execPath, ['--import', 'tsx', 'simulator/main.ts'], {
      cwd: process.cwd(),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  it('listens where SIMULATOR_PORT says, logs its URL, and stops cleanly on SIGTERM', async () => {
    const child = run({ SIMULATOR_PORT: '0' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (match?.[1]) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code} before listening: ${out}`)));
    });
    const health = await fetch(`${url}/_sim/settings`);
    expect(health.status).toBe(200);
    await health.arrayBuffer();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses a SIMULATOR_PORT that is not a port', async () => {
    const child = run({ SIMULATOR_PORT: 'eighty' });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(1);
    expect(err).toContain('SIMULATOR_PORT');
  });
});
