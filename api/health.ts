import type { Client } from '@temporalio/client';
import type { RequestHandler } from 'express';

/** How long readiness waits for Temporal before calling it unreachable. */
const READINESS_TIMEOUT_MS = 2_000;

/** `/healthz`: the process is up. */
export const livenessHandler: RequestHandler = (_req, res) => {
  res.json({ status: 'ok' });
};

/**
 * `/readyz`: Temporal answers and our namespace exists — what a load balancer should check before sending
 * payments here.
 */
export function readinessHandler(client: Client): RequestHandler {
  return async (_req, res) => {
    const namespace = client.options.namespace;
    try {
      await client.connection.withDeadline(Date.now() + READINESS_TIMEOUT_MS, () =>
        client.workflowService.describeNamespace({ namespace }),
      );
      res.json({ status: 'ready', temporal: 'ok', namespace });
    } catch (err) {
      const reason = (err as { code?: number }).code === 5 ? `namespace ${namespace} not found` : 'Temporal is unreachable';
      res.status(503).json({ status: 'unavailable', reason });
    }
  };
}
