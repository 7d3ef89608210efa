/**
 * How many requests the simulator answered, per route and per object id (`GET /_sim/requests`): lets a test or
 * the benchmark check that something happened exactly once at WooshPay (one cancel per intent, say) without
 * reading the product's internals. Counts only; bodies are never kept.
 */
import type { RequestHandler } from 'express';

/** `/v1/<collection…>/<id>[/<action>]`: object ids start with a lowercase prefix and an underscore (`pi_…`). */
const OBJECT_PATH = /^(\/v1(?:\/[a-z_]+)+?)\/([a-z]+_[A-Za-z0-9_]+)(\/[a-z_/]+)?$/;

export interface RouteCounts {
  total: number;
  /** Requests per object id, for routes that name one. */
  byId: Record<string, number>;
}

export class RequestLog {
  #routes = new Map<string, RouteCounts>();

  /** Counts each request as it arrives (whatever its answer): what WooshPay would have seen. */
  readonly middleware: RequestHandler = (req, _res, next) => {
    if (!(req.method === 'GET' && req.path === '/_sim/requests')) this.record(req.method, req.path);
    next();
  };

  record(method: string, path: string): void {
    const match = OBJECT_PATH.exec(path);
    const route = match ? `${method} ${match[1]}/:id${match[3] ?? ''}` : `${method} ${path}`;
    let counts = this.#routes.get(route);
    if (!counts) this.#routes.set(route, (counts = { total: 0, byId: {} }));
    counts.total++;
    if (match) counts.byId[match[2]] = (counts.byId[match[2]] ?? 0) + 1;
  }

  snapshot(): Record<string, RouteCounts> {
    return Object.fromEntries(this.#routes);
  }

  clear(): void {
    this.#routes.clear();
  }
}
