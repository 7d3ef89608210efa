/**
 * A notification URL resolved and checked against the outbound rules (activities/outbound-address.ts): the
 * shape, then every A and AAAA answer. The API runs it at intake, the activity again at delivery, and the
 * activity then connects to exactly the address checked here (activities/pinned-post.ts).
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { checkUrlShape, refuseAddresses, type OutboundPolicy } from './outbound-address.js';

/** Every address a host name resolves to. Injectable so tests can make a name resolve where they need it. */
export type HostResolver = (hostname: string) => Promise<string[]>;

export interface CheckedTarget {
  ok: true;
  url: URL;
  /** The checked address to connect to, and its family. */
  address: string;
  family: 4 | 6;
}
export interface RefusedTarget {
  ok: false;
  /** `refused`: the rules say no. `unresolved`: the name did not resolve (in time). */
  problem: 'refused' | 'unresolved';
  reason: string;
}

export const DEFAULT_LOOKUP_TIMEOUT_MS = 3_000;

/** The system resolver (getaddrinfo, as a connection would use it), every answer of both families. */
export const systemResolver: HostResolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((answer) => answer.address);

export async function resolveOutboundTarget(
  raw: string,
  policy: OutboundPolicy,
  options: { resolve?: HostResolver; timeoutMs?: number } = {},
): Promise<CheckedTarget | RefusedTarget> {
  const shape = checkUrlShape(raw, policy);
  if (!shape.ok) return { ok: false, problem: 'refused', reason: shape.reason };
  let addresses: string[];
  if (shape.literal) {
    addresses = [shape.literal];
  } else {
    try {
      addresses = await withTimeout((options.resolve ?? systemResolver)(shape.hostname), options.timeoutMs ?? DEFAULT_LOOKUP_TIMEOUT_MS);
    } catch (err) {
      return { ok: false, problem: 'unresolved', reason: `host ${shape.hostname} could not be resolved: ${describe(err)}` };
    }
  }
  const reason = refuseAddresses(addresses, policy, shape.url.protocol);
  if (reason) return { ok: false, problem: 'refused', reason: `host ${shape.hostname} ${reason}` };
  const address = addresses[0].replace(/%.*$/, '');
  return { ok: true, url: shape.url, address, family: isIP(address) === 6 ? 6 : 4 };
}

/** getaddrinfo cannot be cancelled; the caller stops waiting and the lookup ends on its own. */
async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function describe(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (code === 'ENOTFOUND') return 'no such host';
  if (typeof code === 'string') return code;
  return err instanceof Error ? err.message : String(err);
}
