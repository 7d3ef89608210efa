/**
 * A merchant backend on loopback that records the notifications it receives; it can be told to fail the
 * next N deliveries, to show that delivery is retried until it recovers.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';

export interface ReceivedNotification {
  headers: Record<string, string | undefined>;
  rawBody: string;
  body: { id: string; type: string; created: number; data: { object: any } };
}

export interface Receiver {
  url: string;
  received: ReceivedNotification[];
  /** Answer 503 to the next `n` deliveries. */
  failNext(n: number): void;
  attempts: number;
  waitFor(predicate: (all: ReceivedNotification[]) => boolean, timeoutMs?: number): Promise<ReceivedNotification[]>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: ReceivedNotification[] = [];
  let failures = 0;
  const state = { attempts: 0 };
  const app = express();
  app.post('/notify', express.raw({ type: () => true }), (req, res) => {
    state.attempts++;
    if (failures > 0) {
      failures--;
      res.status(503).end();
      return;
    }
    const rawBody = (req.body as Buffer).toString('utf8');
    received.push({
      headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v])),
      rawBody,
      body: JSON.parse(rawBody) as ReceivedNotification['body'],
    });
    res.status(204).end();
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/notify`,
    received,
    get attempts() {
      return state.attempts;
    },
    failNext(n) {
      failures = n;
    },
    async waitFor(predicate, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (predicate(received)) return received;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`notifications not as expected: ${JSON.stringify(received.map((n) => n.body.type))}`);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
