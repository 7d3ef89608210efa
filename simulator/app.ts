import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { ERROR_CODES } from '../wooshpay/assumptions.js';
import { ApiError } from './api-error.js';
import { apiRoutes } from './routes/api.js';
import { controlRoutes } from './routes/control.js';
import { hostedPageRoutes } from './routes/hosted-pages.js';
import type { Simulation } from './simulation.js';

export function createApp(sim: Simulation): Express {
  const app = express();
  app.disable('x-powered-by');
  // §14.8: GET requests may carry a JSON body too, so JSON is read whatever the method.
  app.use(sim.requests.middleware);
  app.use(express.json({ limit: '1mb' }));
  app.use(commitBeforeAnswering(sim));
  // The hosted pages sit under /v1 on WooshPay's test host (§12) but need no key: they go first.
  app.use(hostedPageRoutes(sim));
  app.use(controlRoutes(sim));
  app.use(apiRoutes(sim));
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const answer = toApiError(error);
    if (answer.status >= 500 && !(error instanceof ApiError)) sim.log('simulator request failed', error);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(answer.status).set(answer.headers).json(answer.toEnvelope());
  });
  return app;
}

/**
 * Nothing is answered before what the request changed is durable (persistence.ts): every answer leaves
 * through `res.end`, so the journal is written there, whichever route answered.
 */
function commitBeforeAnswering(sim: Simulation) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    res.end = ((...args: unknown[]) => {
      sim.commit();
      return end(...args);
    }) as Response['end'];
    next();
  };
}

/** Never a crash, never a 500 for bad input: body-parser's 4xx keep their status. */
function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (isClientError(error)) {
    return new ApiError(error.status, 'invalid_request_error', ERROR_CODES.parseError, `Invalid request body: ${error.message}`);
  }
  return new ApiError(500, 'api_error', ERROR_CODES.apiError, 'The simulator failed unexpectedly');
}

function isClientError(error: unknown): error is Error & { status: number } {
  return (
    error instanceof Error &&
    'status' in error &&
    typeof error.status === 'number' &&
    error.status >= 400 &&
    error.status < 500
  );
}
