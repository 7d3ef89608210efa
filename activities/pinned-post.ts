/**
 * One POST to an address already checked against the outbound rules, with no second lookup in between:
 * node:http(s) with a `lookup` that answers the checked address, so the connection goes exactly there while
 * the Host header and TLS (SNI and certificate check) still use the URL's host name. ky (the WooshPay client)
 * sits on the global fetch, which cannot be given a connection-level lookup without the undici package; this
 * needs none. Redirects are not followed (node:http never does): a 3xx is an answer like any other non-2xx.
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

/** Resolves with the status code once the answer's head arrives; the answer's body is discarded. */
export function postToPinnedAddress({ url, address, family, headers, body, signal }: PinnedPost): Promise<number> {
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
      // A fresh connection per delivery: a pooled socket could belong to an address checked under another answer.
      agent: false,
      signal,
    });
    request.once('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.once('error', reject);
    request.end(body);
  });
}
