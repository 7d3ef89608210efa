/**
 * The simulator in a directory: its objects, idempotency records and owed webhook deliveries survive a
 * clean stop and a real `kill -9` of its process, and its clocks carry on after a restart.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createWooshPayClient, type WooshPayClient } from '../../wooshpay/index.js';
import { freePort } from '../helpers/processes.js';
import { directIntent, key, SECRET_KEY, sleep, startReceiver, startSimulator, waitFor } from './support.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'sim-data-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('simulator persistence, in process', () => {
  it('keeps objects, their order and idempotent answers across a stop and start', async () => {
    const first = await startSimulator({ dataDir });
    const createKey = key();
    const a = await first.client.createPaymentIntent(directIntent(), { idempotencyKey: createKey });
    const b = await first.client.createPaymentIntent(directIntent({ amount: 2_000_000 }), { idempotencyKey: key() });
    await first.control(`/_sim/payment_intents/${b.id}/succeed`, { amount_received: 500_000 });
    const endpoint = await first.client.createWebhookEndpoint({ url: 'http://127.0.0.1:9/hook', enabled_events: ['*'] }, { idempotencyKey: key() });
    await first.close();

    const second = await startSimulator({ dataDir });
    try {
      expect(await second.client.retrievePaymentIntent(a.id)).toEqual(a);
      expect(await second.client.retrievePaymentIntent(b.id)).toMatchObject({ status: 'requires_action', amount_received: 500_000 });
      expect((await second.client.listPaymentIntents()).data.map((pi) => pi.id)).toEqual([b.id, a.id]);
      expect((await second.client.retrieveWebhookEndpoint(endpoint.id)).url).toBe('http://127.0.0.1:9/hook');
      // The same key replays the same intent: no second one after the restart.
      const replay = await second.client.createPaymentIntent(directIntent(), { idempotencyKey: createKey });
      expect(replay.id).toBe(a.id);
      expect((await second.client.listPaymentIntents()).data).toHaveLength(2);
    } finally {
      await second.close();
    }
  });

  it('carries its clocks on: a session whose lifetime ran out while stopped expires after the restart', async () => {
    const first = await startSimulator({ dataDir, checkoutSessionLifetimeMs: 300 });
    const session = await first.client.createCheckoutSession(
      { mode: 'payment', success_url: 'https://shop.example/ok', line_items: [{ quantity: 1, price_data: { currency: 'IDR', unit_amount: 100_000, product_data: { name: 'Tea' } } }] },
      { idempotencyKey: key() },
    );
    await first.close();
    await sleep(400);
    const second = await startSimulator({ dataDir, checkoutSessionLifetimeMs: 300 });
    try {
      await waitFor(async () => (await second.client.retrieveCheckoutSession(session.id)).status === 'expired', 'the session to expire');
      expect(await second.client.retrievePaymentIntent(session.payment_intent ?? '')).toMatchObject({ status: 'canceled' });
    } finally {
      await second.close();
    }
  });

  it('empties its directory on reset', async () => {
    const sim = await startSimulator({ dataDir });
    await sim.client.createPaymentIntent(directIntent(), { idempotencyKey: key() });
    sim.simulator.reset();
    await sim.close();
    const again = await startSimulator({ dataDir });
    try {
      expect((await again.client.listPaymentIntents()).data).toEqual([]);
    } finally {
      await again.close();
    }
  });
});

/** `npm run simulator` as a real process on loopback, with SIMULATOR_DATA_DIR. */
async function runSimulator(port: number): Promise<{ child: ChildProcess; client: WooshPayClient; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'simulator/main.ts'], {
    env: { ...process.env, SIMULATOR_PORT: String(port), SIMULATOR_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor(() => output.includes('listening on'), 'the simulator to listen', 30_000);
  const url = `http://127.0.0.1:${port}`;
  return { child, url, client: createWooshPayClient({ baseUrl: url, secretKey: SECRET_KEY, timeoutMs: 5_000 }) };
}

async function kill9(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('simulator persistence, killed for real', () => {
  it('loses nothing it answered for when killed with SIGKILL, and delivers the webhooks it still owed', async () => {
    const port = await freePort();
    const receiver = await startReceiver();
    receiver.respond = () => 500; // the merchant is down: deliveries are owed
    let run = await runSimulator(port);
    try {
      await run.client.createWebhookEndpoint({ url: receiver.url, enabled_events: ['payment_intent.succeeded'] }, { idempotencyKey: key() });
      const created = [];
      for (let i = 0; i < 20; i++) created.push(await run.client.createPaymentIntent(directIntent({ amount: 1_000_000 + i }), { idempotencyKey: `kill-${i}` }));
      const paid = created[19];
      const transfer = await fetch(`${run.url}/_sim/payment_intents/${paid.id}/succeed`, { method: 'POST' });
      expect(transfer.status).toBe(200);
      await waitFor(() => receiver.deliveries.length > 0, 'a first (failed) delivery');
      await kill9(run.child); // right after the answers: no drain, no snapshot

      receiver.respond = () => 200;
      run = await runSimulator(port);
      const listed = await run.client.listPaymentIntents({ limit: 100 });
      expect(listed.data.map((pi) => pi.id).reverse()).toEqual(created.map((pi) => pi.id));
      expect(await run.client.retrievePaymentIntent(paid.id)).toMatchObject({ status: 'succeeded', amount_received: 1_000_019 });
      // Retried creates replay: still twenty intents.
      const retried = await run.client.createPaymentIntent(directIntent({ amount: 1_000_019 }), { idempotencyKey: 'kill-19' });
      expect(retried.id).toBe(paid.id);
      expect((await run.client.listPaymentIntents({ limit: 100 })).data).toHaveLength(20);
      // The succeeded event, owed when the process died, arrives after the restart.
      await waitFor(() => receiver.deliveries.length >= 2, 'the owed delivery after the restart', 15_000);
      expect(receiver.deliveries.map((d) => d.event.data.object.id)).toEqual([paid.id, paid.id]);
      expect(await readdir(dataDir)).toEqual(expect.arrayContaining(['simulator-journal.ndjson', 'simulator-state.json']));
    } finally {
      await kill9(run.child);
      await receiver.close();
    }
  });
});
