/** `npm run api`: the intake API alone (production runs it beside one or more workers). */
import { ConfigError, loadConfig } from '../config/config.js';
import { createLogger } from '../config/logger.js';
import { startApiServer } from './server.js';

const logger = createLogger('api');
try {
  const config = loadConfig();
  const api = await startApiServer({ config, logger });
  const stop = (signal: string) => {
    logger.info({ signal }, 'api draining');
    api.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'api shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  logger.fatal(err instanceof ConfigError ? { problems: err.problems } : { err }, (err as Error).message);
  process.exit(1);
}
