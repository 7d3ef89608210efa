/**
 * The Temporal server as the `temporalio/server` image runs it: `temporal-server start`, its embedded config
 * (config/docker.yaml of the module) rendered from the same variables compose sets on the `temporal` service,
 * PostgreSQL for persistence and visibility, the dynamic config file compose mounts, HISTORY_SHARDS shards.
 * All four services (frontend, history, matching, worker) in one process, on loopback.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { ManagedProcess, waitFor } from './managed-process.js';
import type { LocalPostgres } from './postgres.js';
import { DYNAMIC_CONFIG_FILE, HISTORY_SHARDS, TEMPORAL_DB_PLUGIN } from './shape.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The server's ports. The frontend is what clients dial; the others are the services' own gRPC and membership
 * ports. Left unset, each takes the image's default (6933–6939, 7234–7243).
 */
export interface ServerPorts {
  frontend: number;
  /** Eight consecutive ports for the internal services, from this one; unset: the image's defaults. */
  internalBase?: number;
}

const INTERNAL_PORT_VARIABLES = [
  'FRONTEND_MEMBERSHIP_PORT',
  'FRONTEND_HTTP_PORT',
  'HISTORY_GRPC_PORT',
  'HISTORY_MEMBERSHIP_PORT',
  'MATCHING_GRPC_PORT',
  'MATCHING_MEMBERSHIP_PORT',
  'WORKER_GRPC_PORT',
  'WORKER_MEMBERSHIP_PORT',
] as const;

/** The environment compose gives the `temporal` service, with this machine's addresses. */
export function serverEnvironment(postgres: Pick<LocalPostgres, 'host' | 'port' | 'user' | 'password'>, ports: ServerPorts, logLevel: string): Record<string, string> {
  const internal = ports.internalBase === undefined ? {} : Object.fromEntries(INTERNAL_PORT_VARIABLES.map((name, i) => [name, String(ports.internalBase! + i)]));
  return {
    DB: TEMPORAL_DB_PLUGIN,
    DB_PORT: String(postgres.port),
    // The image's template reads the visibility store's port from here, not DB_PORT (same value in compose).
    VISIBILITY_DB_PORT: String(postgres.port),
    POSTGRES_SEEDS: postgres.host,
    POSTGRES_USER: postgres.user,
    POSTGRES_PWD: postgres.password,
    BIND_ON_IP: '127.0.0.1',
    NUM_HISTORY_SHARDS: String(HISTORY_SHARDS),
    DYNAMIC_CONFIG_FILE_PATH: path.join(repoRoot, DYNAMIC_CONFIG_FILE),
    FRONTEND_GRPC_PORT: String(ports.frontend),
    LOG_LEVEL: logLevel,
    ...internal,
  };
}

export interface TemporalServer {
  process: ManagedProcess;
  address: string;
  /** Starts it and waits until the frontend answers health checks. */
  start(): Promise<void>;
  stop(): Promise<string>;
}

export function temporalServer(options: {
  binary: string;
  clusterDir: string;
  postgres: LocalPostgres;
  ports: ServerPorts;
  logLevel?: string;
}): TemporalServer {
  const address = `127.0.0.1:${options.ports.frontend}`;
  const process_ = new ManagedProcess({
    name: 'temporal server',
    command: options.binary,
    args: ['start'],
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...serverEnvironment(options.postgres, options.ports, options.logLevel ?? 'warn') },
    cwd: options.clusterDir,
    logFile: path.join(options.clusterDir, 'logs', 'temporal-server.log'),
    stopSignal: 'SIGTERM',
  });
  return {
    process: process_,
    address,
    async start() {
      await process_.start();
      await waitFor('the Temporal frontend to be healthy', () => frontendHealthy(address), { timeoutMs: 120_000, process: process_, intervalMs: 500 });
    },
    stop: () => process_.stop(),
  };
}

/** grpc.health.v1 SERVING: what `temporal operator cluster health` waits for too. */
const SERVING = 1;

export async function frontendHealthy(address: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 2_000 });
  try {
    const response = await connection.healthService.check({ service: 'temporal.api.workflowservice.v1.WorkflowService' });
    return Number(response.status) === SERVING;
  } finally {
    await connection.close();
  }
}
