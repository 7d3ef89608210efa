/**
 * The codec server: Temporal's remote codec protocol over HTTP, so the Temporal UI and the `temporal` CLI show
 * payments in clear to whoever holds a codec token, while Temporal itself stores only ciphertext.
 *
 * Authentication (docs/design.md, "Payload encryption"): a token from CODEC_AUTH_TOKENS, either as
 * `Authorization: Bearer <token>` (the CLI's `--codec-auth`, scripts) or as the first path segment of the
 * endpoint the UI is given (`<origin>/<token>`, so the UI calls `/<token>/decode`). The UI's other two
 * options need what we do not run: `pass-access-token` forwards the UI's own OIDC token, and `start-dev` (CLI
 * v1.5.1) has only `--ui-codec-endpoint`, no include-credentials.
 * CORS: only CODEC_UI_ORIGINS, preflight answered; any other origin gets 403.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { PayloadCodec } from '@temporalio/common';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { EncryptionCodec } from './codec.js';
import { CodecRequestSchema, fromJson, toJson } from './http-payloads.js';

export interface CodecAppOptions {
  codec: PayloadCodec;
  authTokens: readonly string[];
  uiOrigins: readonly string[];
  /** Requests naming another namespace (X-Namespace) are refused: the keys are this namespace's. */
  namespace: string;
  logger: Logger;
}

const BODY_LIMIT = '8mb';
const ALLOWED_HEADERS = 'Content-Type, X-Namespace, Authorization';

export function createCodecApp(options: CodecAppOptions): Express {
  if (options.authTokens.length === 0) throw new Error('The codec server needs CODEC_AUTH_TOKENS.');
  const digests = options.authTokens.map(digest);
  const tokenAccepted = (token: string | undefined) => token !== undefined && digests.some((d) => timingSafeEqual(d, digest(token)));

  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => void res.json({ ok: true }));
  app.use(corsFor(options.uiOrigins));

  for (const operation of ['encode', 'decode'] as const) {
    const handler = async (req: Request, res: Response) => {
      const parsed = CodecRequestSchema.safeParse(req.body);
      if (!parsed.success) return void res.status(400).json({ error: 'expected {"payloads": [{"metadata": {…base64}, "data": base64}]}' });
      try {
        const payloads = await options.codec[operation](parsed.data.payloads.map(fromJson));
        res.json({ payloads: payloads.map(toJson) });
      } catch (err) {
        // A payload under a key we do not hold, or one that fails GCM's check: the caller's data, not our fault.
        options.logger.warn({ operation, reason: (err as Error).message }, 'codec request refused');
        res.status(422).json({ error: (err as Error).message });
      }
    };
    const guard = (tokenOf: (req: Request) => string | undefined) => (req: Request, res: Response, next: NextFunction) => {
      if (!tokenAccepted(tokenOf(req))) return void res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'a codec token is required' });
      const namespace = req.get('X-Namespace');
      if (namespace && namespace !== options.namespace) return void res.status(403).json({ error: `namespace ${namespace} is not served here` });
      next();
    };
    const json = express.json({ limit: BODY_LIMIT, type: () => true });
    app.post(`/${operation}`, guard(bearerToken), json, handler);
    app.post(`/:token/${operation}`, guard((req) => String(req.params.token)), json, handler);
  }
  app.use((_req: Request, res: Response) => void res.status(404).json({ error: 'POST /encode or /decode' }));
  // Body-parser failures (bad JSON, too large) carry their status; never echo the body.
  app.use((err: { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    res.status(status).json({ error: err.type ?? 'codec server error' });
  });
  return app;
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

function bearerToken(req: Request): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(req.get('Authorization') ?? '');
  return match?.[1];
}

/** The UI's origin only; a preflight is answered before authentication (browsers send it without credentials). */
function corsFor(uiOrigins: readonly string[]) {
  const allowed = new Set(uiOrigins);
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.get('Origin');
    if (!origin) return next(); // Not a browser: the CLI, scripts.
    if (!allowed.has(origin)) return void res.status(403).json({ error: `origin ${origin} is not allowed` });
    res.set({ 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' });
    if (req.method !== 'OPTIONS') return next();
    res.set({ 'Access-Control-Allow-Methods': 'POST, OPTIONS', 'Access-Control-Allow-Headers': ALLOWED_HEADERS, 'Access-Control-Max-Age': '600' });
    res.status(204).end();
  };
}

export interface RunningCodecServer {
  url: string;
  close(): Promise<void>;
}

export async function listenCodecServer(app: Express, port: number, host: string): Promise<RunningCodecServer> {
  const server = app.listen(port, host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The endpoint a Temporal UI is configured with: the token rides in the path (see the top of this file). */
export function uiCodecEndpoint(serverUrl: string, token: string): string {
  return `${serverUrl}/${token}`;
}

/** The codec server of a configured deployment (`npm run codec`, `npm start`), on HOST:CODEC_PORT. */
export async function startCodecServer(config: Config, logger: Logger): Promise<RunningCodecServer> {
  const keys = config.encryption.keys;
  if (!keys) throw new Error('The codec server needs PAYLOAD_ENCRYPTION_KEYS.');
  const app = createCodecApp({
    codec: new EncryptionCodec(keys),
    authTokens: config.codec.authTokens ?? [],
    uiOrigins: config.codec.uiOrigins,
    namespace: config.temporal.namespace,
    logger,
  });
  const running = await listenCodecServer(app, config.codec.port, config.api.host);
  logger.info({ url: running.url, keyIds: keys.map((k) => k.id), uiOrigins: config.codec.uiOrigins }, 'codec server listening');
  return running;
}
