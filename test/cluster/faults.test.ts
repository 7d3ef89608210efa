/**
 * The production shape under faults, with real processes killed for real: a worker killed -9 in the middle
 * of 100 payments, the Temporal server killed -9 with payments waiting on timers and webhooks, PostgreSQL
 * restarted under load. Nothing is lost, nothing is applied twice, WooshPay sees one intent per payment.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { directPayment, newKey, startTestCluster, until, type TestCluster } from './fixture.js';

let t: TestCluster;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  // Reconciliation polls an hour out: a payment here is paid by its webhook, or not at all.
  t = await startTestCluster({ productEnv: { NOTIFY_URL: receiver.url, NOTIFY_ALLOW_PRIVATE_NETWORKS: 'true', RECONCILE_FIRST_SECONDS: '3600', RECONCILE_INTERVAL_SECONDS: '3600' } });
}, 900_000);
afterAll(async () => {
  await t?.close();
  await receiver?.close();
});

type Created = { id: string; payment_intent: string; status: string };

/** As a merchant backend does: the same key again until the intake answers with the payment. */
async function createPayment(replica: number, key: string, overrides: Record<string, unknown> = {}): Promise<Created> {
  const answer = await until(
    () => t.call(replica, 'POST', '/v1/payments', { body: directPayment(overrides), idempotencyKey: key }),
    (r) => r.status === 200 || r.status === 201,
    180_000,
    `payment ${key} created`,
  );
  return answer.body as Created;
}

/** Runs `task` over `items`, `concurrency` at a time. */
async function inParallel<T, R>(items: T[], concurrency: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await task(items[index], index);
      }
    }),
  );
  return results;
}

async function allIntentsByPayment(): Promise<Map<string, string[]>> {
  const byPayment = new Map<string, string[]>();
  let startingAfter: string | undefined;
  for (;;) {
    const page = await t.wooshpay.listPaymentIntents({ limit: 100, ...(startingAfter && { starting_after: startingAfter }) });
    for (const intent of page.data) {
      const paymentId = intent.metadata?.payment_id ?? '(none)';
      byPayment.set(paymentId, [...(byPayment.get(paymentId) ?? []), intent.id]);
    }
    if (!page.has_more || page.data.length === 0) return byPayment;
    startingAfter = page.data.at(-1)!.id;
  }
}

const status = (id: string) => t.call(0, 'GET', `/v1/payments/${id}`).then((r) => r.body);
const succeed = (intent: string) => t.sim(`/_sim/payment_intents/${intent}/succeed`);

async function expectAllSucceeded(payments: Created[]): Promise<void> {
  for (const p of payments) await until(() => status(p.id), (b) => b.status === 'succeeded', 180_000, `${p.id} succeeded`);
  const intents = await allIntentsByPayment();
  for (const p of payments) expect(intents.get(p.id)).toEqual([p.payment_intent]);
}

describe('npm run cluster under faults', () => {
  it('kill -9 of one worker during 100 payments: all complete on the other, one intent per payment', async () => {
    const [victim, survivor] = t.cluster.workers;
    let killed = false;
    const payments = await inParallel(Array.from({ length: 100 }, (_, i) => i), 8, async (i) => {
      if (i === 25 && !killed) {
        killed = true;
        await victim.process.kill();
      }
      const created = await createPayment(i % 2, newKey(`load-${i}`));
      await succeed(created.payment_intent);
      return created;
    });
    expect(killed).toBe(true);
    expect(victim.process.running).toBe(false);
    await expectAllSucceeded(payments);
    expect(survivor.process.running).toBe(true);
    await victim.start();
  });

  it('kill -9 of the Temporal server with payments waiting: timers fire after the restart, webhooks sent meanwhile are applied once', async () => {
    const expiring = await Promise.all([0, 1].map((i) => createPayment(i, newKey('expiring'), { expires_in: 60 })));
    const paidWhileDown = await Promise.all([0, 1, 0].map((i) => createPayment(i, newKey('paid-while-down'))));

    const killedAt = Date.now();
    await t.cluster.temporal.process.kill();
    for (const p of paidWhileDown) await succeed(p.payment_intent);
    // WooshPay tried each webhook while the server was down, and the API turned it away (so it retries).
    const deliveries = async () => (await (await fetch(`${t.simulatorUrl}/_sim/webhooks?event_type=payment_intent.succeeded`)).json()) as { data: any[] };
    const refusedWhileDown = (log: { data: any[] }) => new Set(log.data.filter((a) => a.outcome === 'failed' && a.started_at >= killedAt).map((a) => a.event_id));
    const refused = refusedWhileDown(await until(deliveries, (log) => refusedWhileDown(log).size >= paidWhileDown.length, 60_000, 'webhooks refused while down'));
    await t.cluster.temporal.start();

    for (const p of paidWhileDown) await until(() => status(p.id), (b) => b.status === 'succeeded', 180_000, `${p.id} paid after the restart`);
    // …by WooshPay's retries of the very webhooks the API turned away.
    const afterRestart = await deliveries();
    for (const eventId of refused) expect(afterRestart.data.some((a) => a.event_id === eventId && a.outcome === 'succeeded')).toBe(true);
    for (const p of expiring) {
      const ended = await until(() => status(p.id), (b) => b.status === 'expired', 240_000, `${p.id} expired`);
      expect(ended.closed_at).not.toBeNull();
      expect((await t.wooshpay.retrievePaymentIntent(p.payment_intent)).status).toBe('canceled');
    }
    // Applied once: one payment.succeeded notification (by id) per payment paid while the server was down.
    await receiver.waitFor((all) => paidWhileDown.every((p) => all.some((n) => n.body.type === 'payment.succeeded' && n.body.data.object.id === p.id)), 60_000);
    for (const p of paidWhileDown) {
      const ids = receiver.received.filter((n) => n.body.type === 'payment.succeeded' && n.body.data.object.id === p.id).map((n) => n.body.id);
      expect(new Set(ids).size).toBe(1);
      expect((await status(p.id)).paid_at).not.toBeNull();
    }
  });

  it('a PostgreSQL restart under load: the server reconnects and no payment is lost', async () => {
    let restarted = false;
    const payments = await inParallel(Array.from({ length: 30 }, (_, i) => i), 5, async (i) => {
      if (i === 10 && !restarted) {
        restarted = true;
        await t.cluster.postgres.stop();
        await new Promise((r) => setTimeout(r, 3_000));
        await t.cluster.postgres.start();
      }
      const created = await createPayment(i % 2, newKey(`pg-${i}`));
      await until(() => succeed(created.payment_intent), () => true, 60_000, 'paid at WooshPay');
      return created;
    });
    expect(restarted).toBe(true);
    await expectAllSucceeded(payments);
    expect(t.cluster.temporal.process.running).toBe(true);
  });
});
