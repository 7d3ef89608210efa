/**
 * The production shape serving payments: two API replicas in front of two workers on a 4-shard Temporal
 * server with PostgreSQL persistence and visibility. A payment lives across replicas; the same
 * Idempotency-Key sent to both replicas at once makes one payment; SQL visibility lists payments by
 * PaymentStatus and MerchantOrderId and pages with the cursor.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PaymentStatus } from '../../workflows/search-attributes.js';
import { directPayment, newKey, startTestCluster, until, type TestCluster } from './fixture.js';

let t: TestCluster;

beforeAll(async () => {
  t = await startTestCluster();
}, 900_000);
afterAll(async () => {
  await t?.close();
});

const read = (replica: number, id: string) => t.call(replica, 'GET', `/v1/payments/${id}`).then((r) => r.body);

describe('npm run cluster: two replicas, two workers', () => {
  it('a payment created on replica A, paid, refunded on replica B, reads the same on either', async () => {
    const created = await t.call(0, 'POST', '/v1/payments', { body: directPayment({ amount: 2_000_000 }), idempotencyKey: newKey('life') });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('requires_action');
    // The shopper presses the button on WooshPay's hosted bank-transfer page.
    const paid = await fetch(created.body.redirect_url, { method: 'POST', redirect: 'manual' });
    expect(paid.status).toBe(303);
    await until(() => read(1, created.body.id), (p) => p.status === 'succeeded', 60_000, 'paid, seen on replica B');

    const refund = await t.call(1, 'POST', `/v1/payments/${created.body.id}/refunds`, { body: { amount: 500_000 }, idempotencyKey: newKey('refund') });
    expect(refund.status).toBe(201);
    const refunded = await until(() => read(0, created.body.id), (p) => p.amount_refunded === 500_000, 60_000, 'refund settled, seen on replica A');
    expect(refunded.status).toBe('partially_refunded');
    expect(refunded.refunds).toHaveLength(1);
    expect(await read(1, created.body.id)).toEqual(refunded);
    expect(refunded.refunds[0]).toMatchObject({ amount: 500_000, status: 'succeeded', provider_refund: expect.stringMatching(/^re_/) });
  });

  it('the same Idempotency-Key sent to both replicas at once makes one payment and one intent', async () => {
    const key = newKey('both-replicas');
    const body = directPayment({ merchant_order_id: key });
    const answers = await Promise.all([0, 1, 0, 1].map((replica) => t.call(replica, 'POST', '/v1/payments', { body, idempotencyKey: key })));
    for (const answer of answers) expect([200, 201]).toContain(answer.status);
    expect(answers.filter((a) => a.status === 201).length).toBeLessThanOrEqual(1);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(new Set(answers.map((a) => a.body.payment_intent)).size).toBe(1);
    const intents = await t.wooshpay.searchPaymentIntents({ query: `metadata['payment_id']:'${answers[0].body.id}'` });
    expect(intents.data).toHaveLength(1);
  });

  it('SQL visibility lists payments by PaymentStatus and MerchantOrderId and pages with the cursor', async () => {
    const order = newKey('order');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const created = await t.call(i % 2, 'POST', '/v1/payments', { body: directPayment({ merchant_order_id: order }), idempotencyKey: newKey('vis') });
      expect(created.status).toBe(201);
      ids.push(created.body.id);
    }
    const canceled = await t.call(0, 'POST', `/v1/payments/${ids[0]}/cancel`, { body: {} });
    expect(canceled.status).toBe(200);

    // By MerchantOrderId, as an operator filters in the UI or with `temporal workflow list --query`.
    const byOrder = async () => {
      const found: { id: string; status: unknown }[] = [];
      for await (const w of t.client.workflow.list({ query: `MerchantOrderId = '${order}'` })) {
        found.push({ id: w.workflowId, status: w.typedSearchAttributes.get(PaymentStatus) });
      }
      return found;
    };
    const listed = await until(byOrder, (f) => f.length === 5 && f.some((w) => w.status === 'canceled'), 30_000, 'five payments of the order');
    expect(listed.map((w) => w.id).sort()).toEqual([...ids].sort());
    expect(listed.filter((w) => w.status === 'canceled').map((w) => w.id)).toEqual([ids[0]]);

    // By PaymentStatus through the API, two at a time, following next_cursor until it ends.
    const page = (cursor?: string) =>
      t.call(1, 'GET', `/v1/payments?status=requires_action&limit=2${cursor ? `&starting_after=${cursor}` : ''}`).then((r) => r.body);
    await until(() => t.call(0, 'GET', '/v1/payments?status=canceled&limit=100').then((r) => r.body), (b) => b.data.some((p: any) => p.id === ids[0]), 30_000, 'canceled listed');
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const body = await page(cursor);
      expect(body.data.length).toBeLessThanOrEqual(2);
      for (const p of body.data) expect(p.status).toBe('requires_action');
      seen.push(...body.data.map((p: any) => p.id));
      cursor = body.next_cursor ?? undefined;
      expect(body.has_more).toBe(cursor !== undefined);
      pages++;
    } while (cursor && pages < 50);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of ids.slice(1)) expect(seen).toContain(id);
    expect(seen).not.toContain(ids[0]);
    expect(pages).toBeGreaterThanOrEqual(3);
  });
});
