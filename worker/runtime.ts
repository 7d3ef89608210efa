import { DefaultLogger, type LogLevel, Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';

export interface RuntimeOptions {
  /** A process that runs several roles (npm start) orders its own shutdown instead. */
  handleSignals?: boolean;
  /**
   * `host:port` for Temporal's Prometheus exporter (`GET /metrics`): the SDK's core metrics (task latencies,
   * slots, polls, activity and workflow outcomes) and the payment counters of workflows/payment-metrics.ts.
   * Unset: no exporter.
   */
  metricsBindAddress?: string;
}

/**
 * Routes the SDK's own logs (worker, workflows via the sink, activities) into our structured logger, and
 * exports the runtime's metrics. Installed once per process, before any worker or native connection exists.
 */
export function installRuntime(logger: Logger, options: RuntimeOptions = {}): void {
  const sdkLogger = logger.child({ component: 'temporal' });
  Runtime.install({
    ...(options.handleSignals === false && { shutdownSignals: [] }),
    logger: new DefaultLogger((process.env.TEMPORAL_LOG_LEVEL as LogLevel | undefined) ?? 'INFO', (entry) => {
      const level = entry.level.toLowerCase() as 'trace' | 'debug' | 'info' | 'warn' | 'error';
      sdkLogger[level === 'trace' ? 'trace' : level]({ ...entry.meta }, entry.message);
    }),
    ...(options.metricsBindAddress && {
      telemetryOptions: {
        metrics: {
          prometheus: {
            bindAddress: options.metricsBindAddress,
            // Prometheus naming conventions: counters end in _total, durations are in seconds.
            countersTotalSuffix: true,
            useSecondsForDurations: true,
          },
        },
      },
    }),
  });
  if (options.metricsBindAddress) logger.info({ bindAddress: options.metricsBindAddress }, 'worker metrics at /metrics');
}

/** Where the worker serves metrics: the configured bind address (HOST) and METRICS_PORT. */
export function metricsBindAddress(config: { api: { host: string }; metricsPort: number }): string {
  const host = config.api.host.includes(':') ? `[${config.api.host}]` : config.api.host;
  return `${host}:${config.metricsPort}`;
}
