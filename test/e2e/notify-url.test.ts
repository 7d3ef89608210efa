/**
 * Outbound URLs over the real stack: a `notify_url` the rules refuse is a 400 naming it, and creates nothing;
 * a host whose DNS answer turns private after intake is refused again at delivery, once, without retries; and
 * a delivery connects to the address that was checked (no second lookup), with the URL's host in `Host`.
 * Host names resolve through a table here (falling back to the system resolver, e.g. for localhost), so the
 * test needs no DNS server and can make an answer change between intake and delivery.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { HostResolver } from '../../activities/outbound-target.js';
import { systemResolver } from '../../activities/outbound-target.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { directPayment, newKey, startStack, type Stack } from '../helpers/stack.js';

function resolverFrom(table: Record<string, string[]>): HostResolver {
  return async (hostname) => table[hostname] ?? systemResolver(hostname);
}

async function paidPayment(stack: Stack, notifyUrl: string): Promise<string> {
  const created = await stack.call('POST', '/v1/payments', { idempotencyKey: newKey('notify'), body: directPayment({ notify_url: notifyUrl }) });
  expect(created.status).toBe(201);
  await stack.sim(`/_sim/payment_intents/${created.body.payment_intent}/succeed`);
  await stack.waitForPayment(created.body.id, (p) => p.status === 'succeeded');
  return created.body.id as string;
}

describe('production rules (NOTIFY_ALLOW_PRIVATE_NETWORKS off)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      allowPrivateNetworks: false,
      settings: { notificationRetry: { initialIntervalMs: 200, maximumIntervalMs: 1_000 } },
      resolveHost: {
        intake: resolverFrom({ 'merchant.example': ['93.184.215.14'], 'split.example': ['93.184.215.14', '192.168.7.7'] }),
        // By delivery time the merchant's name points inside our network.
        delivery: resolverFrom({ 'merchant.example': ['10.1.2.3'] }),
      },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it.each([
    ['https://127.0.0.1/notify', 'notify_url_refused', /loopback address \(127\.0\.0\.1\)/],
    ['https://0x7f.1/notify', 'notify_url_refused', /loopback/],
    // The body's URL rule (ASCII, a plain host: no IP literal in brackets, no user@) refuses these two first;
    // the outbound rules refuse them too (test/unit/outbound-address.test.ts), for NOTIFY_URL and at delivery.
    ['https://[::ffff:169.254.169.254]/latest', 'parameter_invalid', /plain host/],
    ['https://metadata.google.internal/computeMetadata/v1/', 'notify_url_refused', /metadata host/],
    ['http://example.com/notify', 'notify_url_refused', /https/],
    ['https://user:pw@merchant.example/notify', 'parameter_invalid', /plain host/],
    ['https://localhost:8443/notify', 'notify_url_refused', /host localhost resolves to a loopback address/],
    ['https://split.example/notify', 'notify_url_refused', /private address \(192\.168\.7\.7\)/],
    ['https://nothing.invalid/notify', 'notify_url_unresolved', /could not be resolved: no such host/],
  ])('%s is a 400 naming notify_url, and creates nothing', async (url, code, reason) => {
    const key = newKey('refused');
    const refused = await stack.call('POST', '/v1/payments', { idempotencyKey: key, body: directPayment({ notify_url: url }) });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toEqual({ type: 'invalid_request_error', code, param: 'notify_url', message: expect.stringMatching(reason) });
    expect(refused.body.error.message).not.toContain('pw');
    // Nothing holds the key: the same key with another body creates a payment (a started payment would answer 409).
    const created = await stack.call('POST', '/v1/payments', { idempotencyKey: key, body: directPayment() });
    expect(created.status).toBe(201);
  });

  it('refuses at delivery a host that resolved public at intake and private now: once, not retried, query kept out', async () => {
    const paymentId = await paidPayment(stack, 'https://merchant.example/notify?token=merchant-secret-token');
    const handle = stack.api.client.workflow.getHandle(paymentId);
    const failure = await waitFor(async () => {
      const { events } = await handle.fetchHistory();
      return events?.find((e) => e.activityTaskFailedEventAttributes)?.activityTaskFailedEventAttributes?.failure ?? undefined;
    });
    expect(failure.applicationFailureInfo).toMatchObject({ type: 'NotificationAddressRefused', nonRetryable: true });
    expect(failure.message).toBe('Not delivering to https://merchant.example: host merchant.example resolves to a private address (10.1.2.3), which notifications are never sent to (NOTIFY_ALLOW_PRIVATE_NETWORKS is off).');
    const { events } = await handle.fetchHistory();
    const started = events!.filter((e) => e.activityTaskStartedEventAttributes);
    const deliveries = events!.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'deliverMerchantNotification');
    // Each scheduled delivery ran once: a refusal is not retried.
    for (const delivery of deliveries) {
      const attempt = started.find((e) => Number(e.activityTaskStartedEventAttributes!.scheduledEventId) === Number(delivery.eventId));
      expect(attempt?.activityTaskStartedEventAttributes?.attempt ?? 1).toBe(1);
    }
    expect(JSON.stringify(events!.filter((e) => e.activityTaskFailedEventAttributes))).not.toContain('merchant-secret-token');
  });
});

describe('development rules (NOTIFY_ALLOW_PRIVATE_NETWORKS on)', () => {
  let stack: Stack;
  let receiver: Receiver;
  /** Answers every POST with a redirect to the receiver. */
  let redirector: Server;
  let redirected = 0;
  beforeAll(async () => {
    receiver = await startReceiver();
    redirector = createServer((req, res) => {
      redirected++;
      req.resume();
      res.writeHead(307, { Location: receiver.url }).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    // `.test` names never resolve through DNS: a delivery that arrives went to the address checked, not a new lookup.
    const pinned = resolverFrom({ 'receiver.test': ['127.0.0.1'] });
    stack = await startStack({
      resolveHost: { intake: pinned, delivery: pinned },
      settings: { notificationRetry: { initialIntervalMs: 200, maximumIntervalMs: 1_000 } },
    });
  });
  afterAll(async () => {
    await stack?.close();
    await receiver?.close();
    await new Promise((resolve) => redirector?.close(resolve));
  });

  it('delivers over http to a private receiver, connecting to the checked address with the URL’s host in Host', async () => {
    const port = new URL(receiver.url).port;
    const paymentId = await paidPayment(stack, `http://receiver.test:${port}/notify`);
    const [delivered] = await receiver.waitFor((all) => all.some((n) => n.body.data.object.id === paymentId));
    const notification = receiver.received.find((n) => n.body.data.object.id === paymentId) ?? delivered;
    expect(notification.headers.host).toBe(`receiver.test:${port}`);
    expect(notification.body.type).toMatch(/^payment\./);
  });

  it('does not follow a redirect: a 3xx is a failed delivery, retried, and the redirect target never hears of it', async () => {
    const { port } = redirector.address() as AddressInfo;
    const paymentId = await paidPayment(stack, `http://127.0.0.1:${port}/notify`);
    await waitFor(async () => (redirected >= 2 ? true : undefined));
    expect(receiver.received.filter((n) => n.body.data.object.id === paymentId)).toEqual([]);
  });

  it('still refuses metadata addresses and public plain http', async () => {
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'https://[fd00:ec2::254]/', 'http://8.8.8.8/notify']) {
      const refused = await stack.call('POST', '/v1/payments', { idempotencyKey: newKey('dev'), body: directPayment({ notify_url: url }) });
      expect({ url, status: refused.status, param: refused.body.error.param }).toEqual({ url, status: 400, param: 'notify_url' });
    }
  });
});

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('timed out');
}
