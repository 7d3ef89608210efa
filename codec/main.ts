/** `npm run codec`: the codec server alone (compose runs it beside the Temporal UI). */
import { ConfigError, loadConfig } from '../config/config.js';
import { createLogger } from '../config/logger.js';
import { startCodecServer } from './server.js';

const logger = createLogger('codec');
try {
  const server = await startCodecServer(loadConfig(), logger);
  const stop = (signal: string) => {
    logger.info({ signal }, 'codec server stopping');
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  logger.fatal(err instanceof ConfigError ? { problems: err.problems } : { err }, (err as Error).message);
  process.exit(1);
}
