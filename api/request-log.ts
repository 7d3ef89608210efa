/**
 * One structured log line per request: method, route template, path, status, duration, and the payment it
 * concerned (also its workflow id: a payment's workflow id is its payment id). Never a body, a query string
 * or a header: bodies carry shopper data, headers carry API keys.
 *
 * Each request gets its own child logger (`res.locals.log`, read with logOf) carrying its `requestId`; the key
 * check adds `merchant`, so every line a request writes after it — its request line, its failure — names
 * the merchant.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { routeTemplate } from './metrics.js';

const PAYMENT_IN_PATH = /^\/v1\/payments\/(pay_[a-z0-9]+)(?:\/|$)/;
/** Polled by load balancers and Prometheus: logged at debug so they do not drown the rest. */
const QUIET_ROUTES = new Set(['/healthz', '/readyz']);
const REQUEST_ID = /^[\w.:-]{1,128}$/;

export function requestLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const inbound = req.get('x-request-id');
    const requestId = inbound && REQUEST_ID.test(inbound) ? inbound : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    res.locals.log = logger.child({ requestId });
    const fromResponse = capturePaymentId(res);

    res.once('finish', () => {
      const path = req.originalUrl.split('?')[0] ?? '';
      const paymentId = PAYMENT_IN_PATH.exec(path)?.[1] ?? fromResponse();
      const route = routeTemplate(req);
      const fields = {
        method: req.method,
        route,
        path,
        status: res.statusCode,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        ...(paymentId && { paymentId, workflowId: paymentId }),
      };
      const log = logOf(res) ?? logger;
      if (res.statusCode >= 500) log.error(fields, 'request failed');
      else if (QUIET_ROUTES.has(route)) log.debug(fields, 'request');
      else log.info(fields, 'request');
    });
    next();
  };
}

/** The request's own logger (its id, and its merchant once the key is checked); unset outside requestLogger. */
export function logOf(res: Response): Logger | undefined {
  return res.locals.log as Logger | undefined;
}

/** The payment a JSON answer is about (a created payment, a refund of one), read as it is sent. */
function capturePaymentId(res: Response): () => string | undefined {
  let paymentId: string | undefined;
  const json = res.json.bind(res);
  res.json = ((body: unknown) => {
    if (body && typeof body === 'object') {
      const b = body as { object?: unknown; id?: unknown; payment?: unknown; error?: { payment?: unknown } };
      const candidate = b.object === 'payment' ? b.id : b.object === 'refund' ? b.payment : b.error?.payment;
      if (typeof candidate === 'string' && candidate.startsWith('pay_')) paymentId = candidate;
    }
    return json(body);
  }) as Response['json'];
  return () => paymentId;
}
