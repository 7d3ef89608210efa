import type { Request, RequestHandler, Response } from 'express';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ERROR_CODES,
  IDEMPOTENCY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
} from '../../wooshpay/assumptions.js';
import { ApiError } from '../api-error.js';
import type { ActiveFault } from '../faults.js';
import type { StoredResponse } from '../idempotency.js';
import { listInput } from '../query.js';
import type { Origin, Simulation } from '../simulation.js';

/** What a `/v1` operation gets: path parameters, its input, who asked, and the base for hosted URLs. */
export interface ApiCall {
  params: Record<string, string>;
  /** The JSON body of a POST; query string and JSON body merged for a GET or DELETE (§14.8). */
  input: unknown;
  origin: Origin;
  baseUrl: string;
}

/**
 * Wraps one `/v1` operation with what every WooshPay call goes through, in this order: idempotency
 * (replay, conflict, or claim the key), injected latency and errors, the operation, storing its
 * answer for replay, and finally the "commit then drop the connection" fault.
 */
export function apiHandler(sim: Simulation, operation: (call: ApiCall) => unknown): RequestHandler {
  return async (req, res) => {
    const path = new URL(req.originalUrl, 'http://simulator.invalid').pathname;
    const target = { method: req.method, path };
    const idempotencyKey = req.get(IDEMPOTENCY_HEADER) ?? null;
    const body: unknown = req.body ?? {};

    let claim: { complete(response: StoredResponse): void; release(): void } | null = null;
    if (req.method === 'POST' && idempotencyKey !== null) {
      const outcome = sim.idempotency.begin(String(res.locals.apiKey), idempotencyKey, { method: req.method, path, body });
      if (outcome.kind === 'replay') {
        res.set(IDEMPOTENT_REPLAYED_HEADER, 'true');
        send(res, outcome.response);
        return;
      }
      if (outcome.kind === 'in_use') {
        throw new ApiError(409, 'idempotency_error', ERROR_CODES.idempotencyKeyInUse,
          `A request with idempotency key '${idempotencyKey}' is still being processed; retry it later`);
      }
      if (outcome.kind === 'reused') {
        throw new ApiError(409, 'idempotency_error', ERROR_CODES.idempotencyKeyReused,
          `Idempotency key '${idempotencyKey}' was already used for a different request`);
      }
      claim = outcome;
    }

    try {
      const latency = sim.faults.take('latency', target);
      if (latency) await sleep(latency.latencyMs);
      const error = sim.faults.take('error', target);
      if (error) throw injectedError(error);

      const result = operation({
        params: req.params as Record<string, string>,
        input: req.method === 'POST' ? body : listInput(req.originalUrl, req.body),
        origin: { requestId: String(res.locals.requestId), idempotencyKey },
        baseUrl: sim.publicBaseUrl(requestBase(req)),
      });
      // A snapshot: the stored object keeps changing, its replay must not.
      const response: StoredResponse = { status: 200, body: structuredClone(result) };
      claim?.complete(response);
      claim = null;

      if (sim.faults.take('commit_then_drop', target)) {
        sim.commit(); // committed means durable too, though no answer leaves
        req.socket.destroy();
        return;
      }
      send(res, response);
    } finally {
      // Not completed: errors are not stored (IDEMPOTENCY_RETENTION_MS in assumptions.ts), the key is free again.
      claim?.release();
    }
  };
}

function send(res: Response, { status, body }: StoredResponse): void {
  res.status(status).json(body);
}

function injectedError(fault: Extract<ActiveFault, { kind: 'error' }>): ApiError {
  const headers: Record<string, string> =
    fault.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(fault.retryAfterSeconds) };
  return fault.status === 429
    ? new ApiError(429, 'invalid_request_error', ERROR_CODES.rateLimit, 'Too many requests (injected fault)', undefined, headers)
    : new ApiError(fault.status, 'api_error', ERROR_CODES.apiError, `Server error ${fault.status} (injected fault)`, undefined, headers);
}

function requestBase(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? '127.0.0.1'}`;
}
