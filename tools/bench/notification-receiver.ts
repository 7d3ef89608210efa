/**
 * The merchant's notification endpoint (the API's NOTIFY_URL): the benchmark learns that a payment succeeded
 * or a refund settled the way a merchant backend does, from the signed notification, instead of adding
 * polling load of its own to the API it measures.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Notification {
  type: string;
  paymentId: string;
  /** The payment record as the notification carried it. */
  payment: { id: string; status: string; paid_at?: number | null };
  receivedAt: number;
  /** Date.now() when it arrived, for comparing with other processes' timestamps. */
  receivedAtWall: number;
}

export interface NotificationReceiver {
  url: string;
  /** Resolves with the first `type` notification for the payment (also one that came before the call). */
  waitFor(paymentId: string, type: string, timeoutMs: number): Promise<Notification>;
  /** Deliveries of an event id already received (the product promises at most one per event). */
  readonly duplicates: number;
  /** Distinct events of `type` received for the payment (a second event of one kind is a second notification). */
  count(paymentId: string, type: string): number;
  close(): Promise<void>;
}

export async function startNotificationReceiver(): Promise<NotificationReceiver> {
  const received = new Map<string, Notification>();
  const waiters = new Map<string, { resolve: (n: Notification) => void; reject: (err: Error) => void; timer: NodeJS.Timeout }>();
  const eventIds = new Set<string>();
  const counts = new Map<string, number>();
  let duplicates = 0;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"received":true}');
      const receivedAt = performance.now();
      const receivedAtWall = Date.now();
      try {
        const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          id: string;
          type: string;
          data: { object: Notification['payment'] };
        };
        if (eventIds.has(event.id)) return void duplicates++;
        eventIds.add(event.id);
        const notification: Notification = { type: event.type, paymentId: event.data.object.id, payment: event.data.object, receivedAt, receivedAtWall };
        const key = `${notification.paymentId} ${notification.type}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
        if (received.has(key)) return; // a second refund.succeeded of the same payment: the first one counts
        received.set(key, notification);
        const waiter = waiters.get(key);
        if (waiter) {
          clearTimeout(waiter.timer);
          waiters.delete(key);
          waiter.resolve(notification);
        }
      } catch {
        // Not ours to judge here; the benchmark only waits for well-formed events.
      }
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/notifications`,
    waitFor(paymentId, type, timeoutMs) {
      const key = `${paymentId} ${type}`;
      const already = received.get(key);
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(key);
          reject(new Error(`no ${type} notification for ${paymentId} within ${timeoutMs / 1000} s`));
        }, timeoutMs);
        waiters.set(key, { resolve, reject, timer });
      });
    },
    get duplicates() {
      return duplicates;
    },
    count(paymentId, type) {
      return counts.get(`${paymentId} ${type}`) ?? 0;
    },
    async close() {
      // Waits still pending (an interrupted run) end now instead of holding the process for their timeout.
      for (const { reject, timer } of waiters.values()) {
        clearTimeout(timer);
        reject(new Error('the notification endpoint closed'));
      }
      waiters.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
