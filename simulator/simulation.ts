import { isDeepStrictEqual } from 'node:util';
import { TIMESTAMP_UNIT_MS } from '../wooshpay/assumptions.js';
import type { EventType, KnownEvent } from '../wooshpay/events.js';
import { Faults } from './faults.js';
import { IdempotencyStore } from './idempotency.js';
import { RequestLog } from './request-log.js';
import { newId } from './ids.js';
import { Persistence } from './persistence.js';
import { DEFAULT_SETTINGS, type SimulatorSettings } from './settings.js';
import { markChanged, Store } from './store.js';
import { Timers } from './timers.js';
import { WebhookDispatcher } from './webhooks.js';

/** The example `api_version` of the webhook-endpoint guide (§8). */
export const SIMULATED_API_VERSION = '1.0.1';

/** What caused a change, recorded as the event's `request` (§14.17); control calls and timers have none. */
export interface Origin {
  requestId: string | null;
  idempotencyKey: string | null;
}
export const NO_REQUEST: Origin = { requestId: null, idempotencyKey: null };

type EventOf<T extends EventType> = Extract<KnownEvent, { type: T }>;
export type EventObjectOf<T extends EventType> = EventOf<T>['data']['object'];

/** Everything the simulated WooshPay account holds, and what acts on it over time. */
export class Simulation {
  readonly settings: SimulatorSettings;
  readonly faults = new Faults();
  readonly idempotency = new IdempotencyStore(() => this.store.idempotency);
  readonly requests = new RequestLog();
  readonly timers: Timers;
  readonly webhooks: WebhookDispatcher;
  store = new Store();
  /** Set when the objects live in a directory (`dataDir`); in memory only otherwise. */
  readonly persistence: Persistence | null;
  /** Set by `listen`; the default base for hosted-page URLs. */
  listenUrl: string | null = null;

  constructor(
    private readonly initialSettings: SimulatorSettings,
    readonly log: (message: string, error?: unknown) => void,
    dataDir: string | null = null,
  ) {
    this.settings = { ...initialSettings };
    this.persistence = dataDir === null ? null : new Persistence(dataDir, log);
    // What a timer changes (an expiry, a settled refund, a delivery done) is journaled as soon as it ran.
    this.timers = new Timers((error) => log('simulator timer failed', error), () => this.commit());
    this.webhooks = new WebhookDispatcher({
      store: () => this.store,
      settings: this.settings,
      faults: this.faults,
      timers: this.timers,
    });
  }

  /** Object timestamps (§14.5). */
  now(): number {
    return Math.floor(Date.now() / TIMESTAMP_UNIT_MS);
  }

  /** Base of hosted-page URLs: configured, else where we listen, else the caller's view of us. */
  publicBaseUrl(requestBase?: string): string {
    return (this.settings.publicBaseUrl ?? this.listenUrl ?? requestBase ?? 'http://127.0.0.1').replace(/\/$/, '');
  }

  /** Records an event (retrievable at `/v1/events/:id`) and hands it to webhook delivery. */
  emit<T extends EventType>(
    type: T,
    object: EventObjectOf<T>,
    origin: Origin,
    previousAttributes?: Record<string, unknown>,
  ): EventOf<T> {
    const event = {
      id: newId('evt_'),
      object: 'event',
      api_version: SIMULATED_API_VERSION,
      created: this.now(),
      livemode: false,
      type,
      request: { id: origin.requestId, idempotency_key: origin.idempotencyKey },
      data: {
        object: structuredClone(object),
        ...(previousAttributes && Object.keys(previousAttributes).length > 0
          ? { previous_attributes: previousAttributes }
          : {}),
      },
    } as unknown as EventOf<T>;
    this.store.events.set(event.id, event);
    this.webhooks.dispatch(event);
    return event;
  }

  /** Makes the changes so far durable (no-op in memory). Runs before every answer and after every timer. */
  commit(): void {
    this.persistence?.commit();
  }

  /** Back to a fresh account with the settings it was created with (its directory emptied too). */
  reset(): void {
    this.timers.clear();
    this.webhooks.reset();
    this.faults.clear();
    this.requests.clear();
    this.store = new Store();
    this.persistence?.track(this.store);
    this.persistence?.compact(this.store);
    Object.assign(this.settings, this.initialSettings);
  }

  /** Stops timers and deliveries without forgetting state (for `close`), folding the journal into a snapshot. */
  stop(): void {
    this.timers.clear();
    this.webhooks.reset();
    this.persistence?.compact(this.store);
  }
}

export function createSimulation(
  options: Partial<SimulatorSettings>,
  log: (message: string, error?: unknown) => void,
  dataDir: string | null = null,
): Simulation {
  return new Simulation({ ...DEFAULT_SETTINGS, ...options }, log, dataDir);
}

/**
 * Applies changes to a stored object and returns what they replaced, as an event's
 * `previous_attributes` (§14.17).
 */
export function applyChanges<T extends object>(target: T, changes: Partial<T>): Record<string, unknown> {
  const previous: Record<string, unknown> = {};
  for (const key of Object.keys(changes) as (keyof T & string)[]) {
    if (!isDeepStrictEqual(target[key], changes[key])) previous[key] = structuredClone(target[key]);
  }
  Object.assign(target, changes);
  markChanged(target);
  return previous;
}
