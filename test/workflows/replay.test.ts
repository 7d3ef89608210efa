/**
 * Determinism: histories of real payment lives replay against the current workflow code. The saved ones in
 * test/histories were recorded from earlier versions, so a change that would break running payments fails
 * here (patch it with `patched()` instead); a freshly recorded full life must replay too.
 *
 * Record a new one with `RECORD_HISTORY=1 npm test -- test/workflows/replay.test.ts`.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { resolveTemporalCli } from '../../scripts/temporal-cli.js';
import { workflowsPath } from '../harness/temporal.js';
import { API_KEY, directPayment, newKey, NOTIFY_SECRET, startStack, type Stack } from '../helpers/stack.js';

const historiesDir = fileURLToPath(new URL('../histories/', import.meta.url));
const execFileAsync = promisify(execFile);
let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
  await stack.sim('/_sim/settings', { refundAutoSettleMs: 0 });
});
afterAll(async () => {
  await stack?.close();
});

/** A whole life: paid, two partial refunds, a dispute opened and lost. */
async function fullLife(): Promise<string> {
  const created = await stack.call('POST', '/v1/payments', { idempotencyKey: newKey('replay'), body: directPayment({ merchant_order_id: 'replay-1' }) });
  const id = created.body.id as string;
  await stack.sim(`/_sim/payment_intents/${created.body.payment_intent}/succeed`);
  await stack.waitForPayment(id, (p) => p.status === 'succeeded');
  await stack.call('POST', `/v1/payments/${id}/refunds`, { idempotencyKey: newKey(), body: { amount: 300_000 } });
  await stack.call('POST', `/v1/payments/${id}/refunds`, { idempotencyKey: newKey(), body: { amount: 200_000 } });
  await stack.waitForPayment(id, (p) => p.amount_refunded === 500_000);
  const dispute = await stack.sim(`/_sim/payment_intents/${created.body.payment_intent}/dispute`, { amount: 500_000 });
  await stack.waitForPayment(id, (p) => p.status === 'disputed');
  await stack.sim(`/_sim/disputes/${dispute.id}/close`, { status: 'lost' });
  await stack.waitForPayment(id, (p) => p.status === 'charged_back');
  return id;
}

describe('replay', () => {
  it('replays a freshly recorded full payment life', async () => {
    const id = await fullLife();
    // The CLI's JSON export, the format operators download from the UI and the SDK replays.
    const cli = await resolveTemporalCli();
    const { stdout } = await execFileAsync(
      cli.path!,
      ['workflow', 'show', '--workflow-id', id, '--address', process.env.TEMPORAL_TEST_ADDRESS!, '--output', 'json'],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    await Worker.runReplayHistory({ workflowsPath }, historyFromJSON(JSON.parse(stdout)), id);

    // Secrets come from configuration and stay there: none is in any payload of the history.
    const payloads = [...stdout.matchAll(/"data":\s*"([A-Za-z0-9+/=]+)"/g)].map((m) => Buffer.from(m[1], 'base64').toString('utf8'));
    expect(payloads.length).toBeGreaterThan(10);
    for (const secret of [API_KEY, NOTIFY_SECRET, 'sk_test_', 'whsec_', 'Basic ']) {
      expect(payloads.filter((p) => p.includes(secret))).toEqual([]);
    }
    if (process.env.RECORD_HISTORY) {
      await writeFile(path.join(historiesDir, 'payment-refunded-then-charged-back.json'), stdout);
    }
  });

  it('replays every saved history against the current code', async () => {
    const files = (await readdir(historiesDir)).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const history = historyFromJSON(JSON.parse(await readFile(path.join(historiesDir, file), 'utf8')));
      await expect(Worker.runReplayHistory({ workflowsPath }, history, file)).resolves.toBeUndefined();
    }
  });
});
