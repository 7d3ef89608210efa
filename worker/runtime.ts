import { DefaultLogger, type LogLevel, Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';

/**
 * Routes the SDK's own logs (worker, workflows via the sink, activities) into our structured logger.
 * Installed once per process, before any worker or native connection exists.
 */
export function installRuntime(logger: Logger, options: { handleSignals?: boolean } = {}): void {
  const sdkLogger = logger.child({ component: 'temporal' });
  Runtime.install({
    // A process that runs several roles (npm start) orders its own shutdown instead.
    ...(options.handleSignals === false && { shutdownSignals: [] }),
    logger: new DefaultLogger((process.env.TEMPORAL_LOG_LEVEL as LogLevel | undefined) ?? 'INFO', (entry) => {
      const level = entry.level.toLowerCase() as 'trace' | 'debug' | 'info' | 'warn' | 'error';
      sdkLogger[level === 'trace' ? 'trace' : level]({ ...entry.meta }, entry.message);
    }),
  });
}
