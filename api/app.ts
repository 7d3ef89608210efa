import type { Client } from '@temporalio/client';
import express, { type RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { ApiKeyEntry } from '../config/merchants.js';
import { errorHandler, notFoundRoute } from './errors.js';
import type { ApiMetrics } from './metrics.js';
import { buildOpenApiDocument } from './openapi.js';
import type { PaymentsService } from './payments-service.js';
import { requestLogger } from './request-log.js';
import { registerRoutes } from './routes/express.js';
import { ROUTES } from './routes/table.js';

export interface AppDependencies {
  client: Client;
  payments: PaymentsService;
  /** Each key with the merchant it belongs to. */
  apiKeys: readonly ApiKeyEntry[];
  logger: Logger;
  /** `POST /webhooks/wooshpay`; it reads the raw body itself (signatures cover the exact bytes). */
  webhookHandler: RequestHandler;
  /** Request latency and webhook outcomes; times every request here, served on its own listener (api/metrics.ts). */
  metrics: ApiMetrics;
}

/** The intake API: every route from the one table (api/routes/table.ts) that the OpenAPI document describes. */
export function createApp(deps: AppDependencies): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.set('query parser', 'simple');
  app.use(requestLogger(deps.logger), deps.metrics.middleware);
  registerRoutes(
    app,
    ROUTES,
    {
      client: deps.client,
      payments: deps.payments,
      webhookHandler: deps.webhookHandler,
      openApiDocument: buildOpenApiDocument(ROUTES),
    },
    deps.apiKeys,
  );
  app.use(notFoundRoute);
  app.use(errorHandler(deps.logger));
  return app;
}
