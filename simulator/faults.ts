import { z } from 'zod';

// Failure injection. Each fault is one kind; several can be active at once; each may be limited to
// a path prefix (API faults) or an event type (webhook faults), to a share of requests (`rate`),
// and to a number of uses (`times`), after which it removes itself.

const apiScope = {
  rate: z.number().min(0).max(1).default(1),
  pathPrefix: z.string().startsWith('/').optional(),
  method: z
    .string()
    .transform((m) => m.toUpperCase())
    .optional(),
  times: z.number().int().positive().optional(),
};

const webhookScope = {
  rate: z.number().min(0).max(1).default(1),
  eventType: z.string().min(1).optional(),
  times: z.number().int().positive().optional(),
};

export const FaultSchema = z.discriminatedUnion('kind', [
  /** Answer with this status (and `Retry-After` when given) without executing the request. */
  z.strictObject({
    kind: z.literal('error'),
    status: z.union([z.literal(429), z.literal(500), z.literal(502), z.literal(503), z.literal(504)]),
    retryAfterSeconds: z.number().int().nonnegative().optional(),
    ...apiScope,
  }),
  /** Hold the request this long after claiming its idempotency key, before executing it. */
  z.strictObject({ kind: z.literal('latency'), latencyMs: z.number().int().positive(), ...apiScope }),
  /** Execute and store the request, then drop the connection: the caller sees a socket hang-up. */
  z.strictObject({ kind: z.literal('commit_then_drop'), ...apiScope }),
  /** Lose the delivery: never sent, never retried (logged as `dropped`). */
  z.strictObject({ kind: z.literal('webhook_drop'), ...webhookScope }),
  /** Deliver the event this many times, each an independent delivery with its own retries. */
  z.strictObject({ kind: z.literal('webhook_duplicate'), copies: z.number().int().min(2).default(2), ...webhookScope }),
  /** Hold deliveries until `window` are waiting (or `holdMs` passed), then send them newest first. */
  z.strictObject({
    kind: z.literal('webhook_reorder'),
    window: z.number().int().min(2).default(2),
    holdMs: z.number().int().positive().default(1_000),
    ...webhookScope,
  }),
]);

export type Fault = z.infer<typeof FaultSchema>;
export type FaultKind = Fault['kind'];
export type ActiveFault = Fault & { id: string; remaining: number | null };

export const FaultRequestSchema = z.union([FaultSchema, z.array(FaultSchema)]);

type Target = { method: string; path: string } | { eventType: string };

export class Faults {
  #active: ActiveFault[] = [];
  #nextId = 1;

  add(fault: Fault): ActiveFault {
    const active = { ...fault, id: `fault_${this.#nextId++}`, remaining: fault.times ?? null };
    this.#active.push(active);
    return active;
  }

  list(): readonly ActiveFault[] {
    return this.#active;
  }

  clear(): void {
    this.#active = [];
  }

  /** The first matching fault of this kind that fires (per its `rate`), counting one use of it. */
  take<K extends FaultKind>(kind: K, target: Target): Extract<ActiveFault, { kind: K }> | undefined {
    const fault = this.#active.find(
      (f): f is Extract<ActiveFault, { kind: K }> => f.kind === kind && matches(f, target) && Math.random() < f.rate,
    );
    if (fault && fault.remaining !== null && --fault.remaining === 0) {
      this.#active = this.#active.filter((f) => f !== fault);
    }
    return fault;
  }
}

function matches(fault: ActiveFault, target: Target): boolean {
  // `take` already picked the kind; API kinds carry path/method scopes, webhook kinds an event type.
  const scope: { pathPrefix?: string | undefined; method?: string | undefined; eventType?: string | undefined } = fault;
  if ('eventType' in target) return scope.eventType === undefined || scope.eventType === target.eventType;
  return (
    (scope.pathPrefix === undefined || target.path.startsWith(scope.pathPrefix)) &&
    (scope.method === undefined || scope.method === target.method)
  );
}
