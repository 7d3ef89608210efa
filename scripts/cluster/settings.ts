/**
 * `npm run cluster`'s settings: the product's own variables (config/config.ts: PORT, METRICS_PORT, DATA_DIR,
 * TEMPORAL_NAMESPACE, SIMULATOR_PORT, WOOSHPAY_*…) plus the few only this command reads, all validated here.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, loadConfig, type Config } from '../../config/config.js';
import type { ClusterSettings } from './cluster.js';

const port = z.coerce.number().int().min(1).max(65535);

export const ClusterEnvSchema = z.object({
  /** The Temporal frontend, as compose publishes it. */
  CLUSTER_TEMPORAL_PORT: port.default(7233),
  /**
   * Eight consecutive ports from here for the server's internal services; unset: the image's defaults.
   * Temporal stores membership ports in a SQL smallint, so they stay below 32768.
   */
  CLUSTER_TEMPORAL_INTERNAL_PORTS_FROM: port.max(32_760, 'Temporal keeps membership ports below 32768').optional(),
  CLUSTER_TEMPORAL_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('warn'),
  /** The cluster's own PostgreSQL: not 5432, so it never meets a PostgreSQL the machine already runs. */
  CLUSTER_POSTGRES_PORT: port.default(5433),
  /** The OS user PostgreSQL runs as when `npm run cluster` runs as root. */
  CLUSTER_POSTGRES_OS_USER: z.string().min(1).default('postgres'),
});

export interface ResolvedClusterSettings {
  settings: Omit<ClusterSettings, 'log'>;
  config: Config;
  /** True when API_KEYS was generated for this run (the banner shows it). */
  generatedApiKey: boolean;
}

export function clusterSettingsFromEnv(source: Record<string, string | undefined>): ResolvedClusterSettings {
  const env = { ...source };
  // Development secrets, made fresh for this run when not configured (as npm start does).
  const generatedApiKey = !env.API_KEYS;
  env.API_KEYS ||= `dev_${randomBytes(18).toString('base64url')}`;
  env.NOTIFY_SIGNING_SECRET ||= `notify_${randomBytes(18).toString('base64url')}`;
  delete env.TEMPORAL_ADDRESS;
  const config = loadConfig(env);
  const parsed = ClusterEnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')));
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => ({ variable: String(issue.path[0]), message: issue.message })));
  }
  const cluster = parsed.data;
  return {
    config,
    generatedApiKey,
    settings: {
      clusterDir: path.resolve(config.dataDir, 'cluster'),
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      apiPort: config.api.port,
      metricsPort: config.metricsPort,
      server: { frontend: cluster.CLUSTER_TEMPORAL_PORT, internalBase: cluster.CLUSTER_TEMPORAL_INTERNAL_PORTS_FROM },
      serverLogLevel: cluster.CLUSTER_TEMPORAL_LOG_LEVEL,
      postgresPort: cluster.CLUSTER_POSTGRES_PORT,
      postgresOsUser: cluster.CLUSTER_POSTGRES_OS_USER,
      simulator: config.wooshpay.baseUrl ? undefined : { port: config.simulator.port },
      publicBaseUrl: config.api.publicBaseUrl,
      productEnv: env,
    },
  };
}
