import { randomUUID } from 'node:crypto';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach } from '@jest/globals';
import express from 'express';
import { createSimulator, type CreateSimulatorOptions, type Simulator } from '../../simulator/index.js';
import {
  createWooshPayClient,
  EventSchema,
  SIGNATURE_HEADER,
  type CreatePaymentIntentParams,
  type Event,
  type WooshPayClient,
} from '../../wooshpay/index.js';

export const SECRET_KEY = 'sk_test_simulator_suite_0123456789';

/** A fresh idempotency key. */
export const key = (): string => randomUUID();

export interface RunningSimulator {
  simulator: Simulator;
  url: string;
  client: WooshPayClient;
  /** POST to a control endpoint; throws on a non-2xx answer. */
  control<T = unknown>(path: string, body?: unknown): Promise<T>;
  /** Raw HTTP against the simulator with the test key (for what the client cannot express). */
  raw(method: string, path: string, init?: { body?: string | object; headers?: Record<string, string>; auth?: string | null }): Promise<Response>;
  close(): Promise<void>;
}

export async function startSimulator(options: CreateSimulatorOptions = {}): Promise<RunningSimulator> {
  const simulator = createSimulator({ log: () => undefined, ...options });
  const listening = await simulator.listen(0, '127.0.0.1');
  const client = createWooshPayClient({ baseUrl: listening.url, secretKey: SECRET_KEY, timeoutMs: 5_000 });
  const raw: RunningSimulator['raw'] = (method, path, init = {}) => {
    const auth = init.auth === undefined ? basicAuth(SECRET_KEY) : init.auth;
    const body = typeof init.body === 'object' ? JSON.stringify(init.body) : init.body;
    return fetch(`${listening.url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(auth === null ? {} : { Authorization: auth }),
        ...init.headers,
      },
      ...(body === undefined ? {} : { body }),
    });
  };
  return {
    simulator,
    url: listening.url,
    client,
    raw,
    async control(path, body) {
      const response = await raw('POST', path, { body: body ?? {}, auth: null });
      const json: unknown = await response.json();
      if (!response.ok) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(json)}`);
      return json as never;
    },
    close: () => listening.close(),
  };
}

/** A GET with a JSON body, as §2.5 documents list parameters (fetch cannot send one). */
export function getWithJsonBody(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'GET',
        headers: { Authorization: basicAuth(SECRET_KEY), 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as unknown }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export function basicAuth(secretKey: string): string {
  return `Basic ${Buffer.from(`${secretKey}:`).toString('base64')}`;
}

/** A Direct API bank-transfer intent, as §3.2's example creates it. */
export function directIntent(overrides: Partial<CreatePaymentIntentParams> = {}): CreatePaymentIntentParams {
  return {
    amount: 1_000_000,
    currency: 'IDR',
    confirm: true,
    payment_method_data: { type: 'bank_transfer_id' },
    return_url: 'https://shop.example/return',
    ...overrides,
  };
}

export interface ReceivedDelivery {
  rawBody: Buffer;
  headers: IncomingHttpHeaders;
  event: Event;
}

export interface Receiver {
  url: string;
  deliveries: ReceivedDelivery[];
  /** Decides the answer to each delivery (default 200); may delay. */
  respond: (delivery: ReceivedDelivery, index: number) => number | Promise<number>;
  close(): Promise<void>;
}

/** A merchant's webhook endpoint on loopback that keeps every delivery's exact bytes. */
export async function startReceiver(): Promise<Receiver> {
  const app = express();
  const receiver: Receiver = { url: '', deliveries: [], respond: () => 200, close: () => Promise.resolve() };
  app.post('/hook', express.raw({ type: '*/*' }), async (req, res) => {
    const rawBody = req.body as Buffer;
    const delivery = { rawBody, headers: req.headers, event: EventSchema.parse(JSON.parse(rawBody.toString('utf8'))) };
    const index = receiver.deliveries.push(delivery) - 1;
    res.status(await receiver.respond(delivery, index)).end();
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return receiver;
}

export interface Recorder extends Receiver {
  secret: string;
  endpointId: string;
  /** Resolves with the first delivered event of this type that satisfies `match`. */
  waitForEvent<T extends Event['type']>(type: T, match?: (event: Event) => boolean): Promise<Event>;
  types(): string[];
}

/** A receiver registered with the simulator for every event (or the given ones). */
export async function startRecorder(client: WooshPayClient, enabledEvents: string[] = ['*']): Promise<Recorder> {
  const receiver = await startReceiver();
  const endpoint = await client.createWebhookEndpoint({ url: receiver.url, enabled_events: enabledEvents }, { idempotencyKey: key() });
  return Object.assign(receiver, {
    secret: endpoint.secret ?? '',
    endpointId: endpoint.id,
    waitForEvent: (type: string, match: (event: Event) => boolean = () => true) =>
      waitFor(() => receiver.deliveries.find((d) => d.event.type === type && match(d.event))?.event, `event ${type}`),
    types: () => receiver.deliveries.map((d) => d.event.type),
  });
}

export function signatureOf(delivery: ReceivedDelivery): string | undefined {
  const value = delivery.headers[SIGNATURE_HEADER.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Polls until `probe` returns something other than undefined/false (or fails after `timeoutMs`). */
export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what = 'condition', timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Captures the rejection of a call that must fail, typed for assertions. */
export async function failure<E = unknown>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise;
  } catch (error) {
    return error as E;
  }
  throw new Error('Expected the call to fail, and it succeeded');
}

export interface SimulatorFixture {
  sim: RunningSimulator;
  /** Registered for every event type, fresh for each test. */
  recorder: Recorder;
}

/**
 * This file's hooks: one simulator for the file, reset before each test, with a fresh recorder of
 * every event it delivers. Read `sim` and `recorder` inside tests (they are set by the hooks).
 */
export function useSimulator(options: CreateSimulatorOptions = {}): SimulatorFixture {
  const fixture = {} as SimulatorFixture;
  beforeAll(async () => {
    fixture.sim = await startSimulator(options);
  });
  beforeEach(async () => {
    fixture.sim.simulator.reset();
    await (fixture.recorder as Recorder | undefined)?.close();
    fixture.recorder = await startRecorder(fixture.sim.client);
  });
  afterAll(async () => {
    await (fixture.recorder as Recorder | undefined)?.close();
    await fixture.sim.close();
  });
  return fixture;
}
