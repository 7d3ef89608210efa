/**
 * State stays bounded: a payment at its refund cap, with metadata at its size caps everywhere, keeps its record,
 * its continue-as-new input and its history far below Temporal's limits (2 MB per payload, 50 MB and 51,200
 * events per history); and a payment waiting after a refused cancel still continues as new when its history
 * grows.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getContinuationQuery, providerEventSignal, type ProviderEvent } from '../../workflows/messages.js';
import { REFUND_METADATA_MAX_CHARACTERS } from '../../api/schemas.js';
import { directPayment, newKey, startStack, TEST_SETTINGS, type Stack } from '../helpers/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
  await stack.sim('/_sim/settings', { refundAutoSettleMs: 0 });
});
afterAll(async () => {
  await stack?.close();
});

/** Metadata filling its whole allowance: keys of 5 characters, values of up to 500. */
function fullMetadata(totalCharacters: number, tag: string): Record<string, string> {
  const metadata: Record<string, string> = {};
  let left = totalCharacters;
  for (let i = 0; left > 5; i++) {
    const key = `${tag}${String(i).padStart(3, '0')}`.slice(-5);
    const value = 'x'.repeat(Math.min(500, left - key.length));
    metadata[key] = value;
    left -= key.length + value.length;
  }
  return metadata;
}

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

describe('state bounds', () => {
  it('a payment at its refund cap stays far below Temporal’s payload and history limits', async () => {
    const cap = TEST_SETTINGS.maxRefunds;
    const created = await stack.call('POST', '/v1/payments', {
      idempotencyKey: newKey('cap'),
      body: directPayment({ amount: 10_000_000, metadata: fullMetadata(4_000, 'p') }),
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await stack.sim(`/_sim/payment_intents/${created.body.payment_intent}/succeed`);
    await stack.waitForPayment(id, (p) => p.status === 'succeeded');

    for (let batch = 0; batch < cap; batch += 5) {
      await Promise.all(
        Array.from({ length: 5 }, async (_, i) => {
          const res = await stack.call('POST', `/v1/payments/${id}/refunds`, {
            idempotencyKey: newKey(),
            body: { amount: 1_000, metadata: fullMetadata(REFUND_METADATA_MAX_CHARACTERS, `r${batch + i}`) },
          });
          expect(res.status).toBe(201);
        }),
      );
    }
    const over = await stack.call('POST', `/v1/payments/${id}/refunds`, { idempotencyKey: newKey(), body: { amount: 1_000 } });
    expect(over.status).toBe(422);
    expect(over.body.error.code).toBe('refund_limit_reached');

    const record = await stack.waitForPayment(id, (p) => p.refunds.length === cap && p.amount_refund_pending === 0);
    const handle = stack.env.client.workflow.getHandle(id);
    const continuation = await handle.query(getContinuationQuery);
    const { raw } = await handle.describe();
    const historyBytes = Number(raw.workflowExecutionInfo?.historySizeBytes ?? 0);
    const historyEvents = Number(raw.workflowExecutionInfo?.historyLength ?? 0);
    // Recorded in the test output, so the figures are at hand for whoever changes a cap.
    console.info(`at the cap: record ${bytes(record)} B, continue-as-new input ${bytes(continuation)} B, history ${historyBytes} B in ${historyEvents} events`);
    expect(bytes(record)).toBeLessThan(256 * 1024);
    expect(bytes(continuation)).toBeLessThan(512 * 1024);
    expect(historyBytes).toBeLessThan(10 * 1024 * 1024);
    expect(historyEvents).toBeLessThan(10_000);
  });

  it('a payment waiting after a refused cancel still continues as new when its history grows', async () => {
    stack.api.payments.settings = { ...stack.api.payments.settings, continueAsNewAfterEvents: 40 };
    try {
      const created = await stack.call('POST', '/v1/payments', { idempotencyKey: newKey('can'), body: directPayment() });
      const id = created.body.id as string;
      await stack.sim(`/_sim/payment_intents/${created.body.payment_intent}/processing`);
      await stack.waitForPayment(id, (p) => p.provider_status === 'processing');
      const refused = await stack.call('POST', `/v1/payments/${id}/cancel`, { body: {} });
      expect(refused.status).toBe(409);

      const handle = stack.env.client.workflow.getHandle(id);
      const firstRun = (await handle.describe()).runId;
      // Events the payment takes in but does not act on still grow its history, as a long wait does.
      for (let i = 0; i < 40; i++) {
        const event: ProviderEvent = { id: `evt_noise_${i}`, type: 'payment_intent.created', created: Date.now(), object: 'other', data: { id: null } };
        await handle.signal(providerEventSignal, event);
      }
      const deadline = Date.now() + 20_000;
      while ((await handle.describe()).runId === firstRun && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect((await handle.describe()).runId).not.toBe(firstRun);
      await stack.sim(`/_sim/payment_intents/${created.body.payment_intent}/succeed`);
      await stack.waitForPayment(id, (p) => p.status === 'succeeded');
    } finally {
      const { continueAsNewAfterEvents: _drop, ...rest } = stack.api.payments.settings;
      stack.api.payments.settings = rest;
    }
  });
});
