/**
 * `npm run cluster`: the production shape of docker-compose.yml on one machine, without Docker — PostgreSQL,
 * the Temporal server (the compose image's release, built with Go), the setup jobs, two workers and two API
 * replicas as processes of their own, and the simulator unless WOOSHPAY_BASE_URL is set. A second start
 * reuses the data in DATA_DIR/cluster. SIGINT/SIGTERM stop everything in order.
 */
import { ConfigError } from '../../config/config.js';
import { createLogger } from '../../config/logger.js';
import { tryItLines } from '../banner.js';
import { API_REPLICAS, startCluster, type RunningCluster } from './cluster.js';
import { clusterSettingsFromEnv, type ResolvedClusterSettings } from './settings.js';
import { HISTORY_SHARDS, TEMPORAL_SERVER_VERSION } from './shape.js';

const logger = createLogger('cluster');
let cluster: RunningCluster | undefined;
let stopping = false;

async function main(): Promise<void> {
  const resolved = clusterSettingsFromEnv(process.env);
  const started = Date.now();
  cluster = await startCluster({ ...resolved.settings, log: (line) => logger.info(line) });
  for (const child of [cluster.postgres.process, cluster.temporal.process, ...cluster.workers.map((r) => r.process), ...cluster.apis.map((r) => r.process)]) {
    child.onUnexpectedExit = (how) => logger.error(`${child.name} ended unexpectedly (${how}); see ${child.spec.logFile}`);
  }
  if (stopping) return void (await stop('startup interrupted'));
  logger.info(`cluster started in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  printBanner(cluster, resolved);
}

function printBanner(running: RunningCluster, { config, generatedApiKey, settings }: ResolvedClusterSettings): void {
  const apiUrls = running.apis.map((r) => r.url!);
  const key = generatedApiKey ? config.api.apiKeys![0].key : '$API_KEY';
  const lines = [
    '',
    'WooshPay bank-transfer payments are running in the production shape (npm run cluster)',
    `  API          ${apiUrls.join(' and ')}   (${API_REPLICAS} replicas; POST /v1/payments, GET /readyz)`,
    `  Temporal     ${running.temporal.address}  server ${TEMPORAL_SERVER_VERSION}, ${HISTORY_SHARDS} history shards, PostgreSQL persistence and visibility`,
    `               namespace ${settings.namespace}  task queue ${settings.taskQueue}`,
    `  Temporal UI  (not run here; \`temporal workflow list --address ${running.temporal.address}\`, or npm start's UI)`,
    `  PostgreSQL   127.0.0.1:${running.postgres.port}  data in ${settings.clusterDir}/postgres`,
    `  Workers      ${running.workers.length} processes, metrics ${running.workers.map((_, i) => `http://127.0.0.1:${settings.metricsPort + i}/metrics`).join(' ')}`,
    `  WooshPay     ${running.roleEnv.WOOSHPAY_BASE_URL}${running.simulator ? '   (simulator; webhooks to the first replica)' : ''}`,
    `  API key      ${generatedApiKey ? config.api.apiKeys![0].key : '(from API_KEYS)'}`,
    `  Logs         ${settings.clusterDir}/logs`,
    '',
    ...tryItLines(apiUrls[0], key),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function stop(reason: string, exitCode = 0): Promise<void> {
  logger.info({ reason }, 'stopping');
  await cluster?.stop();
  process.exit(exitCode);
}

function onSignal(signal: string): void {
  if (stopping) return;
  stopping = true;
  // Mid-start, main() stops what it started once startCluster returns.
  if (cluster) void stop(signal);
}
process.on('SIGINT', () => onSignal('SIGINT'));
process.on('SIGTERM', () => onSignal('SIGTERM'));

main().catch(async (err: unknown) => {
  logger.fatal(err instanceof ConfigError ? { problems: err.problems } : { err }, (err as Error).message);
  await stop('startup failure', 1);
});
