/** `npm run worker`: one payment worker (run several for throughput; Temporal spreads the work). */
import { ConfigError, loadConfig } from '../config/config.js';
import { createLogger } from '../config/logger.js';
import { installRuntime, metricsBindAddress } from './runtime.js';
import { startWorker } from './run.js';

const logger = createLogger('worker');
try {
  const config = loadConfig();
  // The SDK's runtime drains the worker on SIGINT/SIGTERM; `done` resolves once in-flight tasks finished.
  installRuntime(logger, { metricsBindAddress: metricsBindAddress(config) });
  const running = await startWorker(config, logger);
  await running.done;
  logger.info('worker stopped');
} catch (err) {
  logger.fatal(err instanceof ConfigError ? { problems: err.problems } : { err }, (err as Error).message);
  process.exit(1);
}
