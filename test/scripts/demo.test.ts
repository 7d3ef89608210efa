/**
 * `npm run demo`'s core against the test stack, over HTTP only: a payment paid on the hosted page, two partial
 * refunds, a lost dispute for the rest. The timeline must end charged back with the ledger to the unit.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { demoOptionsFromEnv, DemoError, runDemo } from '../../tools/demo.js';
import { API_KEY, startStack, type Stack } from '../helpers/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
  // npm start's simulator settles refunds by itself after ~3 s; the test stack's does not unless asked.
  await stack.sim('/_sim/settings', { refundAutoSettleMs: 0 });
});
afterAll(async () => {
  await stack?.close();
});

describe('npm run demo', () => {
  it('takes one payment from creation to charged_back and prints where to find it in the UI', async () => {
    const lines: string[] = [];
    const result = await runDemo({
      apiUrl: stack.api.url,
      apiKey: API_KEY,
      simulatorUrl: stack.simulatorUrl,
      uiUrl: 'http://127.0.0.1:8233/',
      log: (line) => lines.push(line),
    });

    const { payment, timeline } = result;
    expect(payment).toMatchObject({
      status: 'charged_back',
      amount: 1_000_000,
      amount_refunded: 500_000,
      amount_refund_pending: 0,
      amount_lost: 500_000,
      merchant_order_id: expect.stringMatching(/^demo-/),
    });
    expect(payment.refunds.map((r) => [r.amount, r.status])).toEqual([
      [300_000, 'succeeded'],
      [200_000, 'succeeded'],
    ]);
    expect(payment.dispute).toMatchObject({ status: 'lost', amount: 500_000 });

    // The steps in order, each with the status the API reported then, ending charged back.
    const statuses = timeline.filter((e) => e.status).map((e) => e.status);
    expect(statuses[0]).toBe('requires_action');
    expect(statuses).toContain('succeeded');
    expect(statuses).toContain('partially_refunded');
    expect(statuses).toContain('disputed');
    const last = timeline.at(-1)!;
    expect(last.status).toBe('charged_back');
    expect(last.ledger).toEqual({ amount: 1_000_000, refunded: 500_000, pending: 0, lost: 500_000 });
    const elapsed = timeline.map((e) => e.elapsedMs);
    expect(elapsed).toEqual([...elapsed].sort((a, b) => a - b));

    expect(result.workflowUrl).toBe(`http://127.0.0.1:8233/namespaces/default/workflows/${payment.id}`);
    expect(result.chargedBackListUrl).toBe(
      'http://127.0.0.1:8233/namespaces/default/workflows?query=PaymentStatus%3D%22charged_back%22',
    );
    const printed = lines.join('\n');
    expect(printed).toContain(result.workflowUrl);
    expect(printed).toMatch(/payment charged back\s+charged_back\s+10,000\.00\s+5,000\.00\s+0\.00\s+5,000\.00/);
  });

  it('stops with a clear message when the API refuses the key', async () => {
    const demo = runDemo({ apiUrl: stack.api.url, apiKey: 'not_the_key_0123456789', simulatorUrl: stack.simulatorUrl, uiUrl: 'http://127.0.0.1:8233', log: () => undefined });
    await expect(demo).rejects.toThrow(/401 authentication_error\/invalid_api_key/);
  });

  it('stops with a clear message when nothing listens at API_URL', async () => {
    const demo = runDemo({ apiUrl: 'http://127.0.0.1:9', apiKey: API_KEY, simulatorUrl: stack.simulatorUrl, uiUrl: 'http://127.0.0.1:8233', log: () => undefined });
    await expect(demo).rejects.toThrow(/cannot reach the intake API at http:\/\/127\.0\.0\.1:9 .*npm start/);
  });
});

describe('demo configuration', () => {
  it('defaults to where npm start listens and asks for the banner key when none is set', () => {
    expect(() => demoOptionsFromEnv({})).toThrow(DemoError);
    expect(() => demoOptionsFromEnv({})).toThrow(/npm start banner/);
    expect(demoOptionsFromEnv({ API_KEY: 'dev_abc' })).toEqual({
      apiKey: 'dev_abc',
      apiUrl: 'http://127.0.0.1:3000',
      simulatorUrl: 'http://127.0.0.1:4010',
      uiUrl: 'http://127.0.0.1:8233',
      namespace: 'default',
    });
    expect(demoOptionsFromEnv({ API_KEYS: 'first_key, second_key', PORT: '3100', SIMULATOR_PORT: '4100' })).toMatchObject({
      apiKey: 'first_key',
      apiUrl: 'http://127.0.0.1:3100',
      simulatorUrl: 'http://127.0.0.1:4100',
    });
    expect(demoOptionsFromEnv({ API_KEYS: 'acme:first_key, second_key' }).apiKey).toBe('first_key');
  });
});
