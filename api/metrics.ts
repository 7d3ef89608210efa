/**
 * The intake API's Prometheus metrics: request latency by route template, method and status, and what became
 * of each WooshPay webhook. One registry per app, so tests can run several apps in a process without their
 * series mixing. Served as `GET /metrics` on a listener of its own (API_METRICS_PORT), never beside `/v1`:
 * the API port is the one exposed to callers, and metrics answer without a key (docs/design.md, "Metrics").
 */
import type { AddressInfo } from 'node:net';
import express, { type Request, type RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { WebhookOutcome } from './webhooks.js';

/** Label for requests no route matched: one series, whatever path was asked for. */
export const UNMATCHED_ROUTE = 'unmatched';

export interface ApiMetrics {
  registry: Registry;
  /** Times every request; mount first. */
  middleware: RequestHandler;
  /** `GET /metrics` in the Prometheus text format (mounted by startMetricsListener). */
  handler: RequestHandler;
  /** Wire to `startApiServer`'s `onWebhookOutcome`. */
  webhookOutcome(outcome: WebhookOutcome, eventType: string | undefined): void;
}

export function createApiMetrics(options: { processMetrics?: boolean } = {}): ApiMetrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });

  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Intake API request latency, by route template, method and status code.',
    labelNames: ['route', 'method', 'status_code'] as const,
    // Creating a payment waits for WooshPay (seconds); health checks take milliseconds.
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const webhooks = new Counter({
    name: 'wooshpay_webhook_outcomes_total',
    help: 'WooshPay webhook deliveries by outcome (delivered, duplicate_or_closed, reopened, ignored_type, no_payment, bad_signature, bad_body, unavailable) and event type.',
    labelNames: ['outcome', 'event_type'] as const,
    registers: [registry],
  });

  return {
    registry,
    middleware: (req, res, next) => {
      const stop = duration.startTimer();
      res.once('finish', () => {
        stop({ route: routeTemplate(req), method: req.method, status_code: String(res.statusCode) });
      });
      next();
    },
    handler: (_req, res, next) => {
      registry.metrics().then((text) => {
        res.setHeader('Content-Type', registry.contentType);
        res.send(text);
      }, next);
    },
    webhookOutcome: (outcome, eventType) => {
      // Event types come from signed WooshPay events only (a bad signature has none): a bounded set.
      webhooks.inc({ outcome, event_type: eventType ?? 'none' });
    },
  };
}

/**
 * The template of the route that served the request (`/v1/payments/:id/refunds`), never the concrete path,
 * so payment ids do not become label values. Express restores `req.baseUrl` when a router hands an error
 * on, so the mount prefix is taken from the original URL: the route's segments are its tail.
 */
export function routeTemplate(req: Request): string {
  const routePath = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof routePath !== 'string') return UNMATCHED_ROUTE;
  const path = (req.originalUrl.split('?')[0] ?? '').replace(/\/+$/, '') || '/';
  const routeSegments = routePath.split('/').filter(Boolean).length;
  const pathSegments = path.split('/').filter(Boolean);
  const prefix = pathSegments.slice(0, Math.max(0, pathSegments.length - routeSegments));
  return `${prefix.length ? `/${prefix.join('/')}` : ''}${routePath}`;
}

export interface MetricsListener {
  /** `http://host:port/metrics`. */
  url: string;
  close(): Promise<void>;
}

/** The metrics listener: `GET /metrics` and nothing else, on `host:port` (port 0: any free port). */
export async function startMetricsListener(metrics: ApiMetrics, host: string, port: number): Promise<MetricsListener> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', metrics.handler);
  const server = app.listen(port, host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
