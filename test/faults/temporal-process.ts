/**
 * The Temporal dev server as a child process this suite owns: a fixed loopback port and a SQLite file, so a
 * test can kill it with SIGKILL (no drain, no flush) and start it again on the same file and port, as an
 * operator restarting a crashed server would. scripts/dev-server.ts hides the process behind the SDK, which
 * cannot be killed that way, hence the CLI is started directly here.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { resolveTemporalCli } from '../../scripts/temporal-cli.js';
import { PAYMENT_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';

export interface TemporalProcess {
  address: string;
  dbFilename: string;
  /** Starts the server on the same port and file; resolves once it answers. */
  start(): Promise<void>;
  /** SIGKILL, then waits for the process to be gone. */
  kill(): Promise<void>;
  /** Kills it and deletes its database: the end of the file's run. */
  dispose(): Promise<void>;
}

const CLI_TYPES: Partial<Record<string, string>> = { [SearchAttributeType.KEYWORD]: 'Keyword', [SearchAttributeType.INT]: 'Int' };

export async function temporalProcess(): Promise<TemporalProcess> {
  const cli = await resolveTemporalCli();
  if (!cli.path) throw new Error('the fault suite needs a local temporal CLI (npm run temporal-cli)');
  const dir = await mkdtemp(path.join(tmpdir(), 'faults-temporal-'));
  const dbFilename = path.join(dir, 'temporal.db');
  const [port, httpPort, metricsPort] = await portsApart(3);
  const address = `127.0.0.1:${port}`;
  const args = [
    'server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port),
    '--http-port', String(httpPort), '--metrics-port', String(metricsPort),
    '--db-filename', dbFilename, '--namespace', 'default', '--log-level', 'error',
    '--dynamic-config-value', 'system.forceSearchAttributesCacheRefreshOnRead=true',
    ...PAYMENT_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${CLI_TYPES[key.type]}`]),
  ];
  let child: ChildProcess | undefined;
  let stderr = '';

  const kill = async () => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGKILL');
    await exited;
  };
  return {
    address,
    dbFilename,
    kill,
    async dispose() {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
    async start() {
      child = spawn(cli.path!, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-1500)));
      await waitUntilServing(address, child, () => stderr);
    },
  };
}

/**
 * Ports for a server killed and started again on the same ports. They are picked below the kernel's ephemeral
 * range: a port the kernel hands out (listen on 0) may be taken by an outgoing connection while the server is
 * down, and the restart then fails with EADDRINUSE. The dev server also listens just above its frontend port
 * (its internal services), so the ports are kept apart and each is checked with the few above it.
 */
async function portsApart(count: number): Promise<number[]> {
  const [ephemeralLow] = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
    .then((text) => text.trim().split(/\s+/).map(Number))
    .catch(() => [32_768]);
  const low = 20_000;
  const high = Math.max(Math.min(ephemeralLow, 32_768) - 10, low + 1_000);
  const ports: number[] = [];
  while (ports.length < count) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (ports.some((p) => Math.abs(p - port) <= 10)) continue;
    if ((await Promise.all([0, 1, 2, 3].map((k) => isFree(port + k)))).every(Boolean)) ports.push(port);
  }
  return ports;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function waitUntilServing(address: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`temporal exited (${child.exitCode}): ${stderr()}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace: 'default' });
        return;
      } finally {
        await connection.close();
      }
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`temporal did not answer on ${address} within 60 s: ${stderr()}`);
}
