/**
 * `npm start`: the whole product on one machine. An embedded Temporal dev server (unless TEMPORAL_ADDRESS is
 * set) and the WooshPay simulator (unless WOOSHPAY_BASE_URL is set), both keeping their state in DATA_DIR so a
 * restart continues where it stopped, the worker and the API, in one process, stopped in order on
 * SIGINT/SIGTERM: the API stops accepting, the worker drains, then the rest.
 * Payloads are encrypted as in production: with PAYLOAD_ENCRYPTION_KEYS, or else a development key made once
 * and kept in DATA_DIR; the codec server runs beside the embedded UI, which is pointed at it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startApiServer, type ApiServer } from '../api/server.js';
import { loadOrCreateDevKeys } from '../codec/keys.js';
import { startCodecServer, uiCodecEndpoint } from '../codec/server.js';
import { ConfigError, loadConfig, type Config } from '../config/config.js';
import { createLogger } from '../config/logger.js';
import { startWorker } from '../worker/run.js';
import { installRuntime, metricsBindAddress } from '../worker/runtime.js';
import { tryItLines } from './banner.js';
import { startDevServer } from './dev-server.js';
import { startEmbeddedSimulator } from './embedded-simulator.js';

const logger = createLogger('start');
const stops: { name: string; stop: () => Promise<void> }[] = [];

async function main(): Promise<void> {
  const env = { ...process.env };
  // Development secrets, made fresh for this run when not configured, and printed in the banner.
  env.API_KEYS ||= `dev_${randomBytes(18).toString('base64url')}`;
  env.NOTIFY_SIGNING_SECRET ||= `notify_${randomBytes(18).toString('base64url')}`;
  // Local receivers (http://127.0.0.1:…) are the point of a development run; production leaves this off.
  env.NOTIFY_ALLOW_PRIVATE_NETWORKS ||= 'true';
  // The API's metrics on a port of their own, any free one unless chosen (the banner says which).
  env.API_METRICS_PORT ||= '0';
  env.CODEC_AUTH_TOKENS ||= `codec_${randomBytes(24).toString('base64url')}`;
  let config = loadConfig(env);
  await mkdir(config.dataDir, { recursive: true });
  if (!env.PAYLOAD_ENCRYPTION_KEYS) {
    const devKeys = await loadOrCreateDevKeys(config.dataDir);
    env.PAYLOAD_ENCRYPTION_KEYS = devKeys.value;
    config = loadConfig(env);
    logger.info({ keyId: config.encryption.keys![0].id, dataDir: config.dataDir }, devKeys.created ? 'made a development payload key' : 'using the development payload key');
  }
  // Before the dev server: its UI is started pointing at the codec server.
  const codec = await startCodecServer(config, logger.child({ role: 'codec' }));
  stops.unshift({ name: 'codec server', stop: () => codec.close() });
  const codecToken = config.codec.authTokens![0];
  // Before anything touches Temporal's native runtime (the dev server launcher does).
  installRuntime(logger, { handleSignals: false, metricsBindAddress: metricsBindAddress(config) });

  let temporalAddress = config.temporal.address;
  const embeddedTemporal = !temporalAddress;
  if (!temporalAddress) {
    const server: TestWorkflowEnvironment = await startDevServer({
      port: config.temporal.devServerPort,
      uiPort: config.temporal.uiPort,
      dbFilename: path.resolve(config.dataDir, 'temporal.db'),
      namespace: config.temporal.namespace,
      uiCodecEndpoint: uiCodecEndpoint(codec.url, codecToken),
      log: (line) => logger.info(line),
    });
    stops.unshift({ name: 'temporal dev server', stop: () => server.teardown() });
    temporalAddress = server.address;
  }

  const apiHost = config.api.host;
  const publicBaseUrl = config.api.publicBaseUrl ?? `http://${apiHost}:${config.api.port}`;
  if (!config.wooshpay.baseUrl) {
    const simulator = await startEmbeddedSimulator({
      dataDir: config.dataDir,
      port: config.simulator.port,
      publicBaseUrl,
      registerWebhook: !config.wooshpay.webhookSecrets,
    });
    stops.unshift({ name: 'simulator', stop: () => simulator.close() });
    Object.assign(env, simulator.env);
  }
  env.TEMPORAL_ADDRESS = temporalAddress;
  config = loadConfig(env);

  const worker = await startWorker(config, logger.child({ role: 'worker' }));
  stops.unshift({ name: 'worker', stop: () => worker.shutdown() });
  const api = await startApiServer({ config, logger: logger.child({ role: 'api' }) });
  stops.unshift({ name: 'api', stop: () => api.close() });

  printBanner(config, api, !process.env.API_KEYS, embeddedTemporal, uiCodecEndpoint(codec.url, process.env.CODEC_AUTH_TOKENS ? '<token>' : codecToken));
}

function printBanner(config: Config, api: ApiServer, generatedKey: boolean, embeddedTemporal: boolean, codecEndpoint: string): void {
  const apiUrl = api.url;
  const uiUrl = embeddedTemporal ? `http://127.0.0.1:${config.temporal.uiPort}` : '(the UI of your Temporal)';
  const lines = [
    '',
    'WooshPay bank-transfer payments are running',
    `  API          ${apiUrl}   (POST /v1/payments, GET /readyz)`,
    `  Temporal UI  ${uiUrl}   (decoded through the codec server)`,
    `  Codec        ${codecEndpoint}   (key ${config.encryption.keys![0].id}; temporal … --codec-endpoint <codec url> --codec-auth 'Bearer <token>')`,
    `  Temporal     ${config.temporal.address}${embeddedTemporal ? ' (embedded dev server, data in ' + config.dataDir + ')' : ''}  namespace ${config.temporal.namespace}  task queue ${config.temporal.taskQueue}`,
    `  WooshPay     ${config.wooshpay.baseUrl}${process.env.WOOSHPAY_BASE_URL ? '' : '   (simulator)'}`,
    `  API key      ${generatedKey ? config.api.apiKeys![0].key : '(from API_KEYS)'}`,
    `  Metrics      API ${api.metricsUrl ?? '(off)'} · worker http://${metricsBindAddress(config)}/metrics`,
    '',
    ...tryItLines(apiUrl, generatedKey ? config.api.apiKeys![0].key : '$API_KEY'),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

let stopping = false;
async function shutdown(signal: string, exitCode = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping');
  for (const { name, stop } of stops) {
    try {
      await stop();
      logger.info(`${name} stopped`);
    } catch (err) {
      logger.error({ err }, `${name} did not stop cleanly`);
    }
  }
  process.exit(exitCode);
}

process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));

main().catch(async (err: unknown) => {
  logger.fatal(err instanceof ConfigError ? { problems: err.problems } : { err }, (err as Error).message);
  await shutdown('startup failure', 1);
});
