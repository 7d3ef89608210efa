/**
 * Notification POSTs keep their connections alive (activities/pinned-post.ts) without loosening the pinning:
 * real loopback servers count the TCP connections they accept.
 * - Deliveries to one checked address share one connection.
 * - The same host name checked to another address never rides the first address's connection.
 * - A kept-alive socket the server dropped while idle costs the delivery nothing: it is sent again once on a
 *   new connection.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { PinnedAgents, postToPinnedAddress, type PinnedPost } from '../../activities/pinned-post.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

interface CountingServer {
  port: number;
  connections: number;
  requests: number;
}

async function countingServer(host: string, port = 0): Promise<CountingServer> {
  const counts: CountingServer = { port: 0, connections: 0, requests: 0 };
  const server = http.createServer((req, res) => {
    counts.requests++;
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  server.on('connection', () => counts.connections++);
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  counts.port = (server.address() as AddressInfo).port;
  closers.push(() => new Promise((resolve) => server.close(() => resolve()) && server.closeAllConnections()));
  return counts;
}

function post(agents: PinnedAgents, port: number, address: string): Promise<number> {
  const delivery: PinnedPost = {
    url: new URL(`http://merchant.test:${port}/hooks`),
    address,
    family: 4,
    headers: { 'Content-Type': 'application/json' },
    body: '{"id":"evt_1"}',
    signal: AbortSignal.timeout(5_000),
  };
  return postToPinnedAddress(delivery, agents);
}

describe('postToPinnedAddress', () => {
  it('sends every delivery to one checked address over one kept-alive connection', async () => {
    const agents = new PinnedAgents();
    closers.push(async () => agents.destroy());
    const server = await countingServer('127.0.0.1');
    for (let i = 0; i < 5; i++) expect(await post(agents, server.port, '127.0.0.1')).toBe(204);
    expect(server).toMatchObject({ requests: 5, connections: 1 });
  });

  it('never reuses a connection opened to another address of the same host name', async () => {
    const agents = new PinnedAgents();
    closers.push(async () => agents.destroy());
    const first = await countingServer('127.0.0.1');
    // The same port on a second loopback address: only the address tells the two apart.
    const second = await countingServer('127.0.0.2', first.port);
    expect(await post(agents, first.port, '127.0.0.1')).toBe(204);
    expect(await post(agents, first.port, '127.0.0.2')).toBe(204);
    expect(await post(agents, first.port, '127.0.0.1')).toBe(204);
    expect(first).toMatchObject({ requests: 2, connections: 1 });
    expect(second).toMatchObject({ requests: 1, connections: 1 });
  });

  it('drops the least recently used pool past its limit', async () => {
    const agents = new PinnedAgents(2);
    closers.push(async () => agents.destroy());
    const a = agents.for(new URL('http://a.test/'), '192.0.2.1');
    agents.for(new URL('http://b.test/'), '192.0.2.2');
    expect(agents.for(new URL('http://a.test/'), '192.0.2.1')).toBe(a);
    agents.for(new URL('http://c.test/'), '192.0.2.3');
    expect(agents.size).toBe(2);
    expect(agents.for(new URL('http://a.test/'), '192.0.2.1')).toBe(a);
  });

  it('sends a delivery again on a new connection when the kept-alive one was reset', async () => {
    // A raw server: the first request on a connection is answered and the connection kept; the next request on
    // it is met with a reset, as when a server drops an idle connection just as the client reuses it.
    let connections = 0;
    let answered = 0;
    const server = net.createServer((socket) => {
      connections++;
      let requestsOnSocket = 0;
      socket.on('data', (chunk) => {
        if (!chunk.toString('latin1').includes('\r\n\r\n')) return;
        if (++requestsOnSocket > 1) return void socket.resetAndDestroy();
        answered++;
        socket.write('HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\n\r\n');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    const port = (server.address() as AddressInfo).port;
    const agents = new PinnedAgents();
    closers.push(async () => agents.destroy());

    expect(await post(agents, port, '127.0.0.1')).toBe(204);
    expect(await post(agents, port, '127.0.0.1')).toBe(204);
    expect({ connections, answered }).toEqual({ connections: 2, answered: 2 });
  });
});
