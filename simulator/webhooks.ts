import {
  SIGNATURE_HEADER,
  WEBHOOK_MAX_ATTEMPTS,
  WEBHOOK_RETRY_SCHEDULE_MS,
} from '../wooshpay/assumptions.js';
import type { Event } from '../wooshpay/events.js';
import { signWebhookPayload } from '../wooshpay/signature.js';
import type { Faults } from './faults.js';
import type { SimulatorSettings } from './settings.js';
import type { Store } from './store.js';
import type { Timers } from './timers.js';

/** One attempt to deliver one event to one endpoint, as `GET /_sim/webhooks` lists it. */
export interface DeliveryAttempt {
  id: string;
  event_id: string;
  event_type: string;
  endpoint_id: string;
  url: string;
  attempt: number;
  outcome: 'succeeded' | 'failed' | 'dropped';
  status: number | null;
  error: string | null;
  started_at: number;
  finished_at: number;
  /** When the next attempt is due (ms), null when there will be none. */
  next_attempt_at: number | null;
}

interface Dependencies {
  store: () => Store;
  settings: SimulatorSettings;
  faults: Faults;
  timers: Timers;
}

type Send = () => Promise<void>;

/**
 * §10: POST the event to every enabled endpoint subscribed to its type, signed (§11), retried on a
 * non-2xx answer or a timeout on the documented schedule (scaled for tests), 18 attempts at most.
 */
export class WebhookDispatcher {
  readonly log: DeliveryAttempt[] = [];
  #generation = new AbortController();
  #held: { sends: Send[] } = { sends: [] };
  #nextLogId = 1;

  constructor(private readonly deps: Dependencies) {}

  dispatch(event: Event): void {
    for (const endpoint of this.deps.store().webhookEndpoints.values()) {
      const subscribed = endpoint.enabled_events.includes('*') || endpoint.enabled_events.includes(event.type);
      if (endpoint.status === 'enabled' && subscribed) this.#route(event, endpoint.id, endpoint.url);
    }
  }

  /** Forgets the log and abandons every pending and in-flight delivery. */
  reset(): void {
    this.#generation.abort();
    this.#generation = new AbortController();
    this.#held = { sends: [] };
    this.log.length = 0;
  }

  /** After a restart: every delivery still owed is attempted again, counting on from where it was. */
  resume(): void {
    for (const pending of this.deps.store().pendingDeliveries.values()) {
      const event = this.deps.store().events.get(pending.event_id);
      if (!event) continue;
      const body = JSON.stringify(event);
      this.deps.timers.schedule(0, () => this.#attempt(event, pending.endpoint_id, body, pending.attempt));
    }
  }

  #route(event: Event, endpointId: string, url: string): void {
    const target = { eventType: event.type };
    if (this.deps.faults.take('webhook_drop', target)) {
      const now = Date.now();
      this.#record({ event, endpointId, url, attempt: 1, outcome: 'dropped', status: null, error: 'dropped by fault', started: now, next: null });
      return;
    }
    this.#owe(event.id, endpointId, 1);
    // Serialised once: every copy and every retry signs and sends the very same bytes.
    const body = JSON.stringify(event);
    const copies = this.deps.faults.take('webhook_duplicate', target)?.copies ?? 1;
    for (let copy = 0; copy < copies; copy++) {
      const send: Send = () => this.#attempt(event, endpointId, body, 1);
      const reorder = this.deps.faults.take('webhook_reorder', target);
      if (reorder) this.#hold(send, reorder.window, reorder.holdMs);
      else this.deps.timers.schedule(0, send);
    }
  }

  #hold(send: Send, window: number, holdMs: number): void {
    const batch = this.#held;
    batch.sends.push(send);
    if (batch.sends.length >= window) void this.#release(batch);
    else if (batch.sends.length === 1) this.deps.timers.schedule(holdMs, () => this.#release(batch));
  }

  /** Newest first, one after the other, so the receiver sees the reversed order for certain. */
  async #release(batch: { sends: Send[] }): Promise<void> {
    if (this.#held !== batch) return;
    this.#held = { sends: [] };
    for (const send of batch.sends.reverse()) await send();
  }

  async #attempt(event: Event, endpointId: string, body: string, attempt: number): Promise<void> {
    const endpoint = this.deps.store().webhookEndpoints.get(endpointId);
    if (!endpoint) return this.#owe(event.id, endpointId, null); // deleted since: WooshPay stops delivering to it
    const generation = this.#generation.signal;
    const started = Date.now();
    const { webhookTimeoutMs, webhookRetryScale } = this.deps.settings;
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(endpoint.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'WooshPay-Simulator/1.0',
          [SIGNATURE_HEADER]: signWebhookPayload({ rawBody: body, secret: endpoint.secret, timestamp: Math.floor(started / 1_000) }),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(webhookTimeoutMs), generation]),
      });
      status = response.status;
      await response.arrayBuffer();
      if (status < 200 || status >= 300) error = `HTTP ${status}`;
    } catch (cause) {
      error = describeFailure(cause, webhookTimeoutMs);
    }
    if (generation.aborted) return;

    const outcome = error === null ? 'succeeded' : 'failed';
    const delay = outcome === 'failed' && attempt < WEBHOOK_MAX_ATTEMPTS ? WEBHOOK_RETRY_SCHEDULE_MS[attempt - 1] : undefined;
    const next = delay === undefined ? null : delay * webhookRetryScale;
    this.#record({ event, endpointId, url: endpoint.url, attempt, outcome, status, error, started, next });
    this.#owe(event.id, endpointId, next === null ? null : attempt + 1);
    if (next !== null) this.deps.timers.schedule(next, () => this.#attempt(event, endpointId, body, attempt + 1));
  }

  /** Records the delivery still owed (its next attempt), or that none is (`null`): what a restart resumes. */
  #owe(eventId: string, endpointId: string, attempt: number | null): void {
    const pending = this.deps.store().pendingDeliveries;
    const key = `${eventId} ${endpointId}`;
    if (attempt === null) pending.delete(key);
    else pending.set(key, { event_id: eventId, endpoint_id: endpointId, attempt });
  }

  #record(entry: {
    event: Event;
    endpointId: string;
    url: string;
    attempt: number;
    outcome: DeliveryAttempt['outcome'];
    status: number | null;
    error: string | null;
    started: number;
    next: number | null;
  }): void {
    const finished = Date.now();
    this.log.push({
      id: `whd_${this.#nextLogId++}`,
      event_id: entry.event.id,
      event_type: entry.event.type,
      endpoint_id: entry.endpointId,
      url: entry.url,
      attempt: entry.attempt,
      outcome: entry.outcome,
      status: entry.status,
      error: entry.error,
      started_at: entry.started,
      finished_at: finished,
      next_attempt_at: entry.next === null ? null : finished + entry.next,
    });
  }
}

function describeFailure(cause: unknown, timeoutMs: number): string {
  if (cause instanceof DOMException && cause.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  if (cause instanceof Error) return cause.cause instanceof Error ? `${cause.message}: ${cause.cause.message}` : cause.message;
  return String(cause);
}
