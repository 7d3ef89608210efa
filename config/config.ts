import { z } from 'zod';
import { checkUrlShape } from '../activities/outbound-address.js';
import { EncryptionKeysSchema, type EncryptionKey } from '../codec/keys.js';
import { LATE_FUNDS_POLICIES, type LateFundsPolicy } from '../workflows/messages.js';
import { ApiKeysSchema, type ApiKeyEntry, MerchantSigningSecretsSchema, merchantNotifyUrlsSchema, keylessMerchants } from './merchants.js';

/**
 * All configuration comes from the environment, validated here once. A bad value stops start-up
 * with one message that names every bad variable, so an operator fixes them in one go.
 * Secrets (API keys, WooshPay key, webhook secrets) live only in the returned object: never log it whole.
 */

const csv = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part.length > 0),
  );

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const httpUrl = z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, ''));

/** `host:port`, as Temporal clients take it. */
const hostPort = z.string().regex(/^[^\s:/]+:\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:7233');

/** Exported for checks that deployment files (docker-compose.yml) set what the app reads. */
export const EnvSchema = z
  .object({
    NODE_ENV: z.string().optional(),
    LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),

    PORT: port.default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    /** `merchant:key` entries (config/merchants.ts); a bare key belongs to merchant `default`. */
    API_KEYS: csv.pipe(ApiKeysSchema).optional(),

    TEMPORAL_ADDRESS: hostPort.optional(),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('payments'),
    TEMPORAL_CLI_PATH: z.string().min(1).optional(),
    TEMPORAL_UI_PORT: port.default(8233),
    TEMPORAL_DEV_PORT: port.default(7233),

    WOOSHPAY_BASE_URL: httpUrl.optional(),
    WOOSHPAY_SECRET_KEY: z
      .string()
      .regex(/^sk_(test|live)_\S+$/, 'expected a WooshPay secret key (sk_test_… or sk_live_…)')
      .optional(),
    WOOSHPAY_WEBHOOK_SECRETS: csv.pipe(z.array(z.string().min(8))).optional(),
    WOOSHPAY_TIMEOUT_MS: positiveInt.default(15_000),
    WEBHOOK_TOLERANCE_SECONDS: positiveInt.default(300),

    SIMULATOR_PORT: port.default(4010),
    PUBLIC_BASE_URL: httpUrl.optional(),
    DATA_DIR: z.string().min(1).default('./.data'),

    REFUNDS_ENABLED: bool.default(true),
    NOTIFY_URL: httpUrl.optional(),
    NOTIFY_SIGNING_SECRET: z.string().min(16).optional(),
    /**
     * Local development only (`npm start` sets it): notifications may go to loopback, private and link-local
     * addresses, over plain http too. Off: https to public addresses only (docs/design.md, "Outbound URLs").
     */
    NOTIFY_ALLOW_PRIVATE_NETWORKS: bool.default(false),
    /** Per merchant, over NOTIFY_URL: read by the API at intake. */
    MERCHANT_NOTIFY_URLS: csv.pipe(merchantNotifyUrlsSchema(httpUrl)).optional(),
    /** Per merchant, over NOTIFY_SIGNING_SECRET: read by the worker at delivery, never written to history. */
    MERCHANT_NOTIFY_SIGNING_SECRETS: csv.pipe(MerchantSigningSecretsSchema).optional(),
    /** How long a paid payment's workflow stays open for refunds and disputes. */
    PAYMENT_RETENTION_DAYS: positiveInt.default(180),
    /**
     * The reconciliation sweep, the safety net behind webhooks (which WooshPay retries for three days,
     * docs/wooshpay-api.md §10): it runs every RECONCILE_FIRST_SECONDS, reads WooshPay for each waiting payment
     * at least that old (once per RECONCILE_INTERVAL_SECONDS past its first interval) and nudges only those
     * whose intent moved. Payments past their window that are still open poll on the same two intervals.
     * docs/design.md, "Waiting at scale".
     */
    RECONCILE_FIRST_SECONDS: positiveInt.default(600),
    RECONCILE_INTERVAL_SECONDS: positiveInt.default(3600),
    /** Money a payment may not keep (late, underpaid, overpaid): held for a person, or refunded. */
    LATE_FUNDS_POLICY: z.enum(LATE_FUNDS_POLICIES).default('review'),
    /** Refunds one payment may hold; bounds the record, its history and every payload that carries it. */
    MAX_REFUNDS_PER_PAYMENT: positiveInt.max(1000).default(100),

    METRICS_PORT: port.default(9464),
    /** The API's own Prometheus listener (on HOST), apart from `/v1`; unset: the API serves no metrics. */
    API_METRICS_PORT: port.optional(),
    /** A workflow bundle built ahead of time (production images); unset: the worker bundles at start. */
    WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),

    /** `keyId:base64-32-bytes`, comma-separated; the first encrypts, all decrypt (codec/keys.ts). */
    PAYLOAD_ENCRYPTION_KEYS: EncryptionKeysSchema.optional(),
    /** The codec server (codec/server.ts): its port on HOST, the tokens it accepts, the UI origins it answers. */
    CODEC_PORT: port.default(8234),
    CODEC_AUTH_TOKENS: csv.pipe(z.array(z.string().regex(/^[A-Za-z0-9_-]{32,}$/, 'each codec token is ≥ 32 URL-safe characters'))).optional(),
    CODEC_UI_ORIGINS: csv.pipe(z.array(z.url({ protocol: /^https?$/ }).transform((u) => new URL(u).origin))).optional(),
  })
  .superRefine((env, ctx) => {
    // The provider is either fully configured or fully absent (then the embedded simulator is used).
    if (Boolean(env.WOOSHPAY_BASE_URL) !== Boolean(env.WOOSHPAY_SECRET_KEY)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.WOOSHPAY_BASE_URL ? 'WOOSHPAY_SECRET_KEY' : 'WOOSHPAY_BASE_URL'],
        message: 'WOOSHPAY_BASE_URL and WOOSHPAY_SECRET_KEY are set together (or neither, for the simulator)',
      });
    }
    // The rules a notify_url meets at intake; its host is resolved and checked again at each delivery.
    const notifyUrl = env.NOTIFY_URL && checkUrlShape(env.NOTIFY_URL, { allowPrivateNetworks: env.NOTIFY_ALLOW_PRIVATE_NETWORKS });
    if (notifyUrl && !notifyUrl.ok) ctx.addIssue({ code: 'custom', path: ['NOTIFY_URL'], message: notifyUrl.reason });
    for (const [merchant, url] of env.MERCHANT_NOTIFY_URLS ?? []) {
      const shape = checkUrlShape(url, { allowPrivateNetworks: env.NOTIFY_ALLOW_PRIVATE_NETWORKS });
      if (!shape.ok) ctx.addIssue({ code: 'custom', path: ['MERCHANT_NOTIFY_URLS'], message: `${merchant}: ${shape.reason}` });
    }
    // Production never writes personal data to Temporal in clear (docs/design.md, "Payload encryption").
    if (env.NODE_ENV === 'production' && !env.PAYLOAD_ENCRYPTION_KEYS) {
      ctx.addIssue({ code: 'custom', path: ['PAYLOAD_ENCRYPTION_KEYS'], message: 'required when NODE_ENV=production' });
    }
  });

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  logLevel: Env['LOG_LEVEL'];
  api: { port: number; host: string; apiKeys: ApiKeyEntry[] | undefined; publicBaseUrl: string | undefined; metricsPort: number | undefined };
  temporal: {
    /** Unset: `npm start` runs an embedded dev server. */
    address: string | undefined;
    namespace: string;
    taskQueue: string;
    cliPath: string | undefined;
    devServerPort: number;
    uiPort: number;
  };
  wooshpay: {
    /** Unset (with secretKey): the embedded simulator. */
    baseUrl: string | undefined;
    secretKey: string | undefined;
    webhookSecrets: string[] | undefined;
    timeoutMs: number;
    webhookToleranceSeconds: number;
  };
  simulator: { port: number };
  dataDir: string;
  payments: {
    refundsEnabled: boolean;
    notifyUrl: string | undefined;
    notifySigningSecret: string | undefined;
    /** NOTIFY_ALLOW_PRIVATE_NETWORKS. */
    notifyAllowPrivateNetworks: boolean;
    /** merchant → notification URL, resolved into a payment at intake (body's notify_url first, NOTIFY_URL last). */
    merchantNotifyUrls: ReadonlyMap<string, string>;
    /** merchant → signing secret, looked up at delivery (NOTIFY_SIGNING_SECRET for the others). */
    merchantNotifySigningSecrets: ReadonlyMap<string, string>;
    retentionDays: number;
    reconcileFirstSeconds: number;
    reconcileIntervalSeconds: number;
    lateFundsPolicy: LateFundsPolicy;
    maxRefunds: number;
  };
  metricsPort: number;
  workflowBundlePath: string | undefined;
  /** Unset keys: payloads in clear (development and tests only; production refuses to start). */
  encryption: { keys: EncryptionKey[] | undefined };
  codec: { port: number; authTokens: string[] | undefined; uiOrigins: string[] };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      `Invalid configuration: ${problems.map((p) => `${p.variable}: ${p.message}`).join('; ')}. ` +
        'See .env.example for every variable.',
    );
  }
}

export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset" (docker-compose and shells produce them for blank variables).
  const env = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({ variable: String(issue.path[0] ?? '(env)'), message: issue.message })),
    );
  }
  const e = parsed.data;
  // Checked on parsed values only (zod runs object refinements on partly parsed input too).
  const keyless = keylessMerchants(e.API_KEYS, { MERCHANT_NOTIFY_URLS: e.MERCHANT_NOTIFY_URLS, MERCHANT_NOTIFY_SIGNING_SECRETS: e.MERCHANT_NOTIFY_SIGNING_SECRETS });
  if (keyless.length > 0) throw new ConfigError(keyless);
  return {
    logLevel: e.LOG_LEVEL,
    api: { port: e.PORT, host: e.HOST, apiKeys: e.API_KEYS, publicBaseUrl: e.PUBLIC_BASE_URL, metricsPort: e.API_METRICS_PORT },
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      cliPath: e.TEMPORAL_CLI_PATH,
      devServerPort: e.TEMPORAL_DEV_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
    },
    wooshpay: {
      baseUrl: e.WOOSHPAY_BASE_URL,
      secretKey: e.WOOSHPAY_SECRET_KEY,
      webhookSecrets: e.WOOSHPAY_WEBHOOK_SECRETS,
      timeoutMs: e.WOOSHPAY_TIMEOUT_MS,
      webhookToleranceSeconds: e.WEBHOOK_TOLERANCE_SECONDS,
    },
    simulator: { port: e.SIMULATOR_PORT },
    dataDir: e.DATA_DIR,
    payments: {
      refundsEnabled: e.REFUNDS_ENABLED,
      notifyUrl: e.NOTIFY_URL,
      notifySigningSecret: e.NOTIFY_SIGNING_SECRET,
      notifyAllowPrivateNetworks: e.NOTIFY_ALLOW_PRIVATE_NETWORKS,
      merchantNotifyUrls: e.MERCHANT_NOTIFY_URLS ?? new Map(),
      merchantNotifySigningSecrets: e.MERCHANT_NOTIFY_SIGNING_SECRETS ?? new Map(),
      retentionDays: e.PAYMENT_RETENTION_DAYS,
      reconcileFirstSeconds: e.RECONCILE_FIRST_SECONDS,
      reconcileIntervalSeconds: e.RECONCILE_INTERVAL_SECONDS,
      lateFundsPolicy: e.LATE_FUNDS_POLICY,
      maxRefunds: e.MAX_REFUNDS_PER_PAYMENT,
    },
    metricsPort: e.METRICS_PORT,
    workflowBundlePath: e.WORKFLOW_BUNDLE_PATH,
    encryption: { keys: e.PAYLOAD_ENCRYPTION_KEYS },
    codec: {
      port: e.CODEC_PORT,
      authTokens: e.CODEC_AUTH_TOKENS,
      // Unset: the embedded dev server's UI, as a browser on this machine names it.
      uiOrigins: e.CODEC_UI_ORIGINS ?? [`http://127.0.0.1:${e.TEMPORAL_UI_PORT}`, `http://localhost:${e.TEMPORAL_UI_PORT}`],
    },
  };
}
