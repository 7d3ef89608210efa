import { createHash } from 'node:crypto';
import { IDEMPOTENCY_RETENTION_MS } from '../wooshpay/assumptions.js';

export interface StoredResponse {
  status: number;
  body: unknown;
}

export type IdempotencyEntry =
  | { state: 'in_flight'; fingerprint: string; createdAt: number }
  | { state: 'done'; fingerprint: string; createdAt: number; response: StoredResponse };

export type IdempotencyOutcome =
  | { kind: 'execute'; complete(response: StoredResponse): void; release(): void }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'in_use' }
  | { kind: 'reused' };

/**
 * §14.11: one entry per (API key, Idempotency-Key). The key is claimed before the request runs, so
 * a concurrent duplicate sees `in_use` rather than creating a second object.
 */
export class IdempotencyStore {
  /** The entries live in the store, so they are journaled with the objects they answered for. */
  constructor(private readonly entries: () => Map<string, IdempotencyEntry>) {}

  begin(scope: string, key: string, request: { method: string; path: string; body: unknown }, now = Date.now()): IdempotencyOutcome {
    this.#expire(now);
    const id = `${scope}\u0000${key}`;
    const fingerprint = fingerprintOf(request);
    const existing = this.entries().get(id);
    if (existing) {
      if (existing.fingerprint !== fingerprint) return { kind: 'reused' };
      if (existing.state === 'in_flight') return { kind: 'in_use' };
      return { kind: 'replay', response: existing.response };
    }
    this.entries().set(id, { state: 'in_flight', fingerprint, createdAt: now });
    return {
      kind: 'execute',
      complete: (response) => this.entries().set(id, { state: 'done', fingerprint, createdAt: now, response }),
      release: () => this.entries().delete(id),
    };
  }

  #expire(now: number): void {
    for (const [id, entry] of this.entries()) {
      if (entry.state === 'done' && now - entry.createdAt > IDEMPOTENCY_RETENTION_MS) this.entries().delete(id);
    }
  }
}

/** Same method, path and parameters (whatever their key order) make the same request. */
function fingerprintOf({ method, path, body }: { method: string; path: string; body: unknown }): string {
  return createHash('sha256').update(`${method} ${path} ${canonicalJson(body ?? {})}`).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
