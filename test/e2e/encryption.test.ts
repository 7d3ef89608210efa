/**
 * Payloads encrypted end to end (codec/codec.ts): a payment carrying personal data through every path that
 * writes it to history — the start input (description, metadata), a refund with metadata, dispute evidence
 * submitted — leaves none of it in clear in any event, read by a client WITHOUT the codec; and a key rotation
 * keeps an old payment readable and moving while new payloads go out under the new key.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import proto from '@temporalio/proto';
import { ENCRYPTED_ENCODING, EncryptionCodec, METADATA_KEY_ID } from '../../codec/codec.js';
import { formatEncryptionKey, generateEncryptionKey, parseEncryptionKeys } from '../../codec/keys.js';
import { directPayment, newKey, startStack, type Stack } from '../helpers/stack.js';

const KEY_A = formatEncryptionKey(generateEncryptionKey('key-a'));
const KEY_B = formatEncryptionKey(generateEncryptionKey('key-b'));
const HistoryProto = proto.temporal.api.history.v1.History;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ encryptionKeys: KEY_A });
  await stack.sim('/_sim/settings', { refundAutoSettleMs: 0 });
});
afterAll(async () => {
  await stack?.close();
});

/** Every run of the workflow (continue-as-new starts more), as the server stores them, read without the codec. */
async function storedHistories(client: Client, workflowId: string) {
  const histories = [];
  for await (const run of client.workflow.list({ query: `WorkflowId="${workflowId}"` })) {
    histories.push(await client.workflow.getHandle(workflowId, run.runId).fetchHistory());
  }
  expect(histories.length).toBeGreaterThan(0);
  return histories;
}

/**
 * The payloads of a history, with where they sit. Not ours to encode: search attributes (indexed in clear by
 * design, workflows/search-attributes.ts) and a marker's `data` and `patch-data` details, sdk-core's own
 * bookkeeping (a local activity's id, attempt, times; a patch's id, a constant of our code). The first test
 * searches every stored byte, these included.
 */
function payloadsIn(node: unknown, at = '', found: { at: string; payload: Payload }[] = []) {
  if (!node || typeof node !== 'object' || ArrayBuffer.isView(node)) return found;
  const record = node as Record<string, unknown>;
  const payloadShaped = Object.keys(record).every((k) => k === 'metadata' || k === 'data' || k === 'externalPayloads');
  if (record.metadata && typeof record.metadata === 'object' && payloadShaped) {
    found.push({ at, payload: record });
    return found;
  }
  for (const [key, value] of Object.entries(record)) {
    const markerBookkeeping = (key === 'data' || key === 'patch-data') && at.endsWith('.markerRecordedEventAttributes.details');
    if (key === 'searchAttributes' || key === 'indexedFields' || markerBookkeeping) continue;
    payloadsIn(value, `${at}.${key}`, found);
  }
  return found;
}

const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

async function paid(body: Record<string, unknown> = {}) {
  const res = await stack.call('POST', '/v1/payments', { idempotencyKey: newKey('enc'), body: directPayment(body) });
  expect(res.status).toBe(201);
  await stack.sim(`/_sim/payment_intents/${res.body.payment_intent}/succeed`);
  return stack.waitForPayment(res.body.id, (p) => p.status === 'succeeded');
}

describe('payload encryption', () => {
  it('keeps description, metadata, refund metadata and dispute evidence out of every history event', async () => {
    const tag = randomBytes(6).toString('hex');
    const secrets = {
      description: `Sentinel description ${tag}`,
      metadata: `sentinel-meta-${tag}`,
      refundMetadata: `sentinel-refund-${tag}`,
      customer_name: `Sentinel Name ${tag}`,
      customer_email_address: `sentinel.${tag}@example.com`,
      billing_address: `Jl. Sentinel ${tag}, Jakarta`,
      customer_purchase_ip: `203.0.113.${parseInt(tag.slice(0, 2), 16) % 250}`,
    };
    const payment = await paid({ description: secrets.description, metadata: { customer_ref: secrets.metadata } });
    const refund = await stack.call('POST', `/v1/payments/${payment.id}/refunds`, {
      idempotencyKey: newKey(),
      body: { amount: 100_000, metadata: { note: secrets.refundMetadata } },
    });
    expect(refund.status).toBe(201);
    await stack.waitForPayment(payment.id, (p) => p.amount_refunded === 100_000);
    await stack.sim(`/_sim/payment_intents/${payment.payment_intent}/dispute`, { amount: 900_000, reason: 'fraudulent' });
    await stack.waitForPayment(payment.id, (p) => p.status === 'disputed');
    const { customer_name, customer_email_address, billing_address, customer_purchase_ip } = secrets;
    const evidence = await stack.call('POST', `/v1/payments/${payment.id}/dispute/evidence`, {
      body: { evidence: { customer_name, customer_email_address, billing_address, customer_purchase_ip }, submit: true },
    });
    expect(evidence.status).toBe(200);
    expect(evidence.body.evidence_submitted).toBe(true);
    // The API (through the codec) reads them back: they are in the payment, so their absence below means something.
    const read = (await stack.call('GET', `/v1/payments/${payment.id}`)).body;
    expect(read.description).toBe(secrets.description);
    expect(read.metadata.customer_ref).toBe(secrets.metadata);

    const histories = await storedHistories(stack.env.client, payment.id);
    const codec = new EncryptionCodec(parseEncryptionKeys(KEY_A));
    const decoded: string[] = [];
    for (const history of histories) {
      // Every byte the server stores for the run, failures and headers included, not only payload data.
      const stored = Buffer.from(HistoryProto.encode(history).finish());
      for (const [field, value] of Object.entries(secrets)) {
        expect({ field, inClear: stored.includes(value) }).toEqual({ field, inClear: false });
      }
      const payloads = payloadsIn(history.events);
      expect(payloads.length).toBeGreaterThan(5);
      for (const { at, payload } of payloads) {
        expect({ at, encoding: text(payload.metadata?.encoding), keyId: text(payload.metadata?.[METADATA_KEY_ID]) }).toEqual({
          at,
          encoding: ENCRYPTED_ENCODING,
          keyId: 'key-a',
        });
      }
      decoded.push(...(await codec.decode(payloads.map((p) => p.payload))).map((p) => text(p.data)));
    }
    // The history does hold them all, sealed: with the key they come back.
    const everything = decoded.join('\n');
    for (const value of Object.values(secrets)) expect(everything).toContain(value);
  });

  it('reads and moves a payment made under the old key after a rotation; new payloads carry the new key', async () => {
    const before = await paid({ description: 'made under key A' });
    const [firstHistory] = await storedHistories(stack.env.client, before.id);
    const eventsUnderA = firstHistory.events!.length;

    await stack.restartWithKeys(`${KEY_B},${KEY_A}`);
    const read = await stack.call('GET', `/v1/payments/${before.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: before.id, status: 'succeeded', description: 'made under key A' });
    const refund = await stack.call('POST', `/v1/payments/${before.id}/refunds`, { idempotencyKey: newKey(), body: { amount: 250_000 } });
    expect(refund.status).toBe(201);
    await stack.waitForPayment(before.id, (p) => p.amount_refunded === 250_000 && p.status === 'partially_refunded');

    const [history] = await storedHistories(stack.env.client, before.id);
    const keyIds = (events: unknown[]) => new Set(payloadsIn(events).map(({ payload }) => text(payload.metadata?.[METADATA_KEY_ID])));
    expect(keyIds(history.events!.slice(0, eventsUnderA))).toEqual(new Set(['key-a']));
    expect(keyIds(history.events!.slice(eventsUnderA))).toEqual(new Set(['key-b']));

    const after = await paid({ description: 'made under key B' });
    const [afterHistory] = await storedHistories(stack.env.client, after.id);
    expect(keyIds(afterHistory.events!)).toEqual(new Set(['key-b']));
  });
});
