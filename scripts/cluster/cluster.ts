/**
 * The production shape on one machine: PostgreSQL → schema job → Temporal server → namespace job → the
 * WooshPay simulator (unless a real WooshPay is configured) → two workers → two API replicas, each a process
 * of its own. Stopped in the reverse order: the APIs stop accepting, the workers drain, then the rest.
 * `npm run cluster` (main.ts) and the cluster tests both start it through here.
 */
import path from 'node:path';
import { loadOrCreateDevKeys } from '../../codec/keys.js';
import { bundleWorkflows } from '../bundle-workflows.js';
import { startEmbeddedSimulator, type EmbeddedSimulator } from '../embedded-simulator.js';
import { resolveTemporalCli } from '../temporal-cli.js';
import type { CreateSimulatorOptions } from '../../simulator/index.js';
import { preparePostgres, type LocalPostgres } from './postgres.js';
import { productRole, type Role } from './roles.js';
import { resolveServerBinaries } from './server-binaries.js';
import { runNamespaceJob, runSchemaJob } from './setup-jobs.js';
import { temporalServer, type ServerPorts, type TemporalServer } from './temporal-server.js';

export const WORKER_COUNT = 2;
export const API_REPLICAS = 2;

export interface ClusterSettings {
  /** DATA_DIR/cluster: PostgreSQL's data, the logs, the workflow bundle. */
  clusterDir: string;
  namespace: string;
  taskQueue: string;
  /** API replicas on apiPort, apiPort + 1, … */
  apiPort: number;
  /** Workers' metrics on metricsPort, metricsPort + 1, … */
  metricsPort: number;
  server: ServerPorts;
  postgresPort: number;
  postgresOsUser?: string;
  /** The embedded simulator's port and options; undefined when a real WooshPay is configured. */
  simulator: { port: number; options?: CreateSimulatorOptions } | undefined;
  /** What every role reads besides the addresses set here: API_KEYS, NOTIFY_SIGNING_SECRET, WOOSHPAY_*, … */
  productEnv: Record<string, string | undefined>;
  /** Where WooshPay delivers webhooks; the first API replica when unset. */
  publicBaseUrl?: string;
  serverLogLevel?: string;
  log: (line: string) => void;
}

export interface RunningCluster {
  settings: ClusterSettings;
  postgres: LocalPostgres;
  temporal: TemporalServer;
  simulator: EmbeddedSimulator | undefined;
  workers: Role[];
  apis: Role[];
  /** The environment the roles run with (secrets included: never print it). */
  roleEnv: Record<string, string | undefined>;
  stop(): Promise<void>;
}

export async function startCluster(settings: ClusterSettings): Promise<RunningCluster> {
  const { clusterDir, log } = settings;
  const logDir = path.join(clusterDir, 'logs');
  const stops: { name: string; stop: () => Promise<unknown> }[] = [];
  const stop = async () => {
    for (const { name, stop: stopOne } of stops.splice(0)) {
      await stopOne().then(
        () => log(`${name} stopped`),
        (err: unknown) => log(`${name} did not stop cleanly: ${(err as Error).message}`),
      );
    }
  };
  try {
    const [binaries, cli] = await Promise.all([resolveServerBinaries({ log }), resolveTemporalCli({ log })]);
    if (!cli.path) throw new Error('npm run cluster needs the temporal CLI binary for the namespace job (install Go, or set TEMPORAL_CLI_PATH).');

    const postgres = await preparePostgres({ clusterDir, port: settings.postgresPort, osUser: settings.postgresOsUser, log });
    await postgres.start();
    stops.unshift({ name: 'postgres', stop: () => postgres.stop() });
    log(`postgres: listening on 127.0.0.1:${postgres.port}; schema job (${binaries.schemaDir})`);
    await runSchemaJob({ binaries, postgres, logDir });

    const temporal = temporalServer({ binary: binaries.server, clusterDir, postgres, ports: settings.server, logLevel: settings.serverLogLevel });
    await temporal.start();
    stops.unshift({ name: 'temporal server', stop: () => temporal.stop() });
    log(`temporal server: ${temporal.address}; namespace job`);
    await runNamespaceJob({ temporalCli: cli.path, address: temporal.address, namespace: settings.namespace, logDir });

    // Bundled once for both workers, as the production image does at build time.
    const bundle = await bundleWorkflows({ outFile: path.join(clusterDir, 'workflow-bundle.js') });
    const apiUrl = (i: number) => `http://127.0.0.1:${settings.apiPort + i}`;
    let simulator: EmbeddedSimulator | undefined;
    if (settings.simulator) {
      simulator = await startEmbeddedSimulator({
        // Kept beside PostgreSQL's data, so a second start finds WooshPay's world as Temporal's.
        dataDir: settings.clusterDir,
        port: settings.simulator.port,
        publicBaseUrl: settings.publicBaseUrl ?? apiUrl(0),
        registerWebhook: !settings.productEnv.WOOSHPAY_WEBHOOK_SECRETS,
        simulator: settings.simulator.options,
      });
      stops.unshift({ name: 'simulator', stop: () => simulator!.close() });
    }
    const roleEnv: Record<string, string | undefined> = {
      ...settings.productEnv,
      ...simulator?.env,
      // Encrypted as production is: the configured keys, or a development key kept beside the cluster's data.
      PAYLOAD_ENCRYPTION_KEYS: settings.productEnv.PAYLOAD_ENCRYPTION_KEYS || (await loadOrCreateDevKeys(clusterDir)).value,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: settings.namespace,
      TEMPORAL_TASK_QUEUE: settings.taskQueue,
      WORKFLOW_BUNDLE_PATH: bundle.outFile,
      HOST: '127.0.0.1',
    };
    // API replicas side by side: each its own port, and its own metrics port when API_METRICS_PORT is set (0 stays 0).
    const apiMetricsPort = (i: number) => roleEnv.API_METRICS_PORT && { API_METRICS_PORT: String(Number(roleEnv.API_METRICS_PORT) && Number(roleEnv.API_METRICS_PORT) + i) };
    const role = (kind: 'api' | 'worker', i: number) =>
      productRole({
        kind,
        index: i + 1,
        env: kind === 'api' ? { ...roleEnv, PORT: String(settings.apiPort + i), ...apiMetricsPort(i) } : { ...roleEnv, METRICS_PORT: String(settings.metricsPort + i) },
        clusterDir,
        temporalAddress: temporal.address,
        namespace: settings.namespace,
        taskQueue: settings.taskQueue,
      });
    const workers = Array.from({ length: WORKER_COUNT }, (_, i) => role('worker', i));
    const apis = Array.from({ length: API_REPLICAS }, (_, i) => role('api', i));
    for (const group of [workers, apis]) {
      stops.unshift({ name: group.map((r) => r.name).join(' and '), stop: () => Promise.all(group.map((r) => r.stop())) });
      await Promise.all(group.map((r) => r.start()));
      log(`${group.map((r) => r.name).join(', ')}: ready`);
    }
    return { settings, postgres, temporal, simulator, workers, apis, roleEnv, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
