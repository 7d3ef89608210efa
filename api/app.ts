import type { Client } from '@temporalio/client';
import express, { type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { requireApiKey } from './auth.js';
import { errorHandler, notFoundRoute } from './errors.js';
import { healthRouter } from './health.js';
import type { ApiMetrics } from './metrics.js';
import { buildOpenApiDocument } from './openapi.js';
import type { PaymentsService } from './payments-service.js';
import { requestLogger } from './request-log.js';
import { paymentsRouter } from './routes/payments.js';

export interface AppDependencies {
  client: Client;
  payments: PaymentsService;
  apiKeys: readonly string[];
  logger: Logger;
  /** `POST /webhooks/wooshpay`; it reads the raw body itself (signatures cover the exact bytes). */
  webhookHandler: RequestHandler;
  /** Request latency and webhook outcomes, served at `GET /metrics`. */
  metrics: ApiMetrics;
}

export function createApp(deps: AppDependencies): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.set('query parser', 'simple');
  app.use(requestLogger(deps.logger), deps.metrics.middleware);
  const openApiDocument = buildOpenApiDocument();

  // Before any JSON parser: the signature is checked against the bytes WooshPay sent.
  app.post('/webhooks/wooshpay', express.raw({ type: () => true, limit: '1mb' }), deps.webhookHandler);
  app.use(healthRouter(deps.client));
  app.use('/v1', requireApiKey(deps.apiKeys), express.json({ limit: '100kb', strict: true }), paymentsRouter(deps.payments));
  app.get('/metrics', deps.metrics.handler);
  app.get('/openapi.json', (_req, res) => void res.json(openApiDocument));
  app.use(notFoundRoute);
  app.use(errorHandler(deps.logger));
  return app;
}
