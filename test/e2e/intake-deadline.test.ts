/**
 * The intake's wait for WooshPay is bounded: past it the API answers 503 with Retry-After and cancels the
 * Temporal calls it made for the request (an update's result poll left running would go on retrying on its own,
 * past the request and past the connection's close), while the payment's create goes on in its workflow and
 * the merchant's retry with the same key gets the payment. A retry the SDK still has waiting when the API's
 * connection closes ends cancelled instead of throwing from its timer.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client, type Connection } from '@temporalio/client';
import { temporalConnection } from '../../api/temporal-connection.js';
import { DeadlineExceeded, withDeadline } from '../../api/temporal-errors.js';
import { freePort } from '../helpers/processes.js';
import { directPayment, newKey, startStack, type Stack } from '../helpers/stack.js';

const CREATE_WAIT_MS = 1_500;

describe('withDeadline', () => {
  /** A client whose connection records the abort signal the calls run under, as Connection.withAbortSignal does. */
  function recordingClient() {
    const signals: AbortSignal[] = [];
    const client = {
      connection: {
        withAbortSignal: <T>(signal: AbortSignal, fn: () => Promise<T>) => {
          signals.push(signal);
          return fn();
        },
      },
    } as unknown as Client;
    return { client, signals };
  }

  it('answers DeadlineExceeded at the deadline and aborts the calls it started', async () => {
    const { client, signals } = recordingClient();
    const started = Date.now();
    await expect(withDeadline(client, 50, () => new Promise<never>(() => undefined))).rejects.toBeInstanceOf(DeadlineExceeded);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(signals).toHaveLength(1);
    expect(signals[0].aborted).toBe(true);
  });

  it('passes an answer in time through and aborts nothing', async () => {
    const { client, signals } = recordingClient();
    await expect(withDeadline(client, 5_000, async () => 'answer')).resolves.toBe('answer');
    expect(signals[0].aborted).toBe(false);
  });
});

describe("the API's connection to Temporal", () => {
  /**
   * A call retried from a timer (nothing listens: UNAVAILABLE), the connection closed while it waits. Without
   * the guard the retry's timer throws "Channel has been shut down", uncaught, and this test fails on it.
   */
  async function callThenClose(connection: Connection): Promise<{ settled: unknown; uncaught: unknown[] }> {
    const client = new Client({ connection });
    const answer = client.workflow.getHandle('no-such-payment').describe().catch((err: unknown) => err);
    await new Promise((r) => setTimeout(r, 300)); // the first attempts have failed; a retry is waiting
    await connection.close();
    const uncaught: unknown[] = [];
    const record = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', record);
    try {
      const settled = await answer;
      await new Promise((r) => setTimeout(r, 6_000)); // past the longest retry interval (5 s)
      return { settled, uncaught };
    } finally {
      process.off('uncaughtException', record);
    }
  }

  it('ends a call whose retry comes after the close as cancelled, with nothing thrown from a timer', async () => {
    const { settled, uncaught } = await callThenClose(temporalConnection(`127.0.0.1:${await freePort()}`));
    expect(uncaught).toEqual([]);
    expect(settled).toBeInstanceOf(Error);
  }, 30_000);
});

describe('POST /v1/payments when WooshPay is slower than the intake waits', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ createWaitMs: CREATE_WAIT_MS });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('answers 503 with Retry-After, then the same key returns the one payment once WooshPay answers', async () => {
    // Every create fails for now: the inline tries and the first durable ones.
    await stack.sim('/_sim/faults', { kind: 'error', status: 500, pathPrefix: '/v1/payment_intents', method: 'POST', times: 1_000 });
    const key = newKey('deadline');
    const body = directPayment();
    const first = await stack.call('POST', '/v1/payments', { idempotencyKey: key, body });
    expect(first.status).toBe(503);
    expect(Number(first.headers.get('retry-after'))).toBeGreaterThan(0);

    await stack.clearFaults();
    let answer = first;
    const deadline = Date.now() + 60_000;
    while (answer.status === 503 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      answer = await stack.call('POST', '/v1/payments', { idempotencyKey: key, body });
    }
    // The payment the first request started: a replay of its key (200, Idempotent-Replayed), not a second payment.
    expect([answer.status, answer.headers.get('idempotent-replayed'), answer.body.status]).toEqual([200, 'true', 'requires_action']);
    const intents = await stack.wooshpay.searchPaymentIntents({ query: `metadata['payment_id']:'${answer.body.id}'` });
    expect(intents.data).toHaveLength(1);
  });
});
