/**
 * One POST to an address already checked against the outbound rules, with no second lookup in between:
 * node:http(s) with a `lookup` that answers the checked address, so the connection goes exactly there while
 * the Host header and TLS (SNI and certificate check) still use the URL's host name. ky (the WooshPay client)
 * sits on the global fetch, which cannot be given a connection-level lookup without the undici package; this
 * needs none. Redirects are not followed (node:http never does): a 3xx is an answer like any other non-2xx.
 *
 * Connections are kept alive, one pool per checked address (PinnedAgents): a socket is only ever reused for the
 * address it was opened to, so an answer that changes after a check can never route a delivery through a
 * connection opened under an earlier one, and a merchant receiving many events pays one TCP (and TLS)
 * handshake, not one per event.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';

export interface PinnedPost {
  url: URL;
  address: string;
  family: 4 | 6;
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
}

/** Idle sockets close after this, or sooner when the server's Keep-Alive header says so. */
const IDLE_SOCKET_MS = 5_000;
/** Merchant endpoints with a pool; the least recently used one is dropped past this (its idle sockets close). */
const MAX_POOLS = 256;

export class PinnedAgents {
  private readonly agents = new Map<string, http.Agent>();

  constructor(private readonly maxPools = MAX_POOLS) {}

  /** The pool for this URL's scheme, host and port at this checked address. */
  for(url: URL, address: string): http.Agent {
    const key = `${url.protocol}//${url.host}@${address}`;
    const found = this.agents.get(key);
    if (found) {
      this.agents.delete(key);
      this.agents.set(key, found);
      return found;
    }
    const options = { keepAlive: true, maxFreeSockets: 4, timeout: IDLE_SOCKET_MS };
    const agent = url.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
    this.agents.set(key, agent);
    if (this.agents.size > this.maxPools) {
      // Not destroyed: a delivery in flight on it finishes; its idle sockets time out and close.
      const oldest = this.agents.keys().next().value!;
      this.agents.delete(oldest);
    }
    return agent;
  }

  get size(): number {
    return this.agents.size;
  }

  /** Closes every pooled socket (a test's end). A worker need not: idle sockets are unref'd and close on their own. */
  destroy(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}

/**
 * Resolves with the status code once the answer's head arrives; the answer's body is discarded. A kept-alive
 * socket the server closed while it sat idle fails the next request with ECONNRESET: that request is sent again,
 * once, on a new connection (a copy the merchant may have read carries the same event id, as any retried
 * delivery does).
 */
export async function postToPinnedAddress(post: PinnedPost, agents: PinnedAgents): Promise<number> {
  try {
    return await postOnce(post, agents.for(post.url, post.address));
  } catch (err) {
    if (!(err instanceof StaleSocketError)) throw err;
    return postOnce(post, false);
  }
}

class StaleSocketError extends Error {}

function postOnce({ url, address, family, headers, body, signal }: PinnedPost, agent: http.Agent | false): Promise<number> {
  const pinnedLookup: LookupFunction = (_hostname, options, callback) => {
    if (options.all) (callback as unknown as (err: null, all: { address: string; family: number }[]) => void)(null, [{ address, family }]);
    else callback(null, address, family);
  };
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<number>((resolve, reject) => {
    const request = transport.request(url, {
      method: 'POST',
      headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
      lookup: pinnedLookup,
      agent,
      signal,
    });
    request.once('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.once('error', (err: NodeJS.ErrnoException) => {
      reject(request.reusedSocket && err.code === 'ECONNRESET' ? new StaleSocketError(err.message) : err);
    });
    request.end(body);
  });
}
