/**
 * The floor process, forked by the benchmark beside the product's API and worker (so its CPU and memory are its
 * own): a Temporal worker for the floor workflows with the product worker's options (worker/tuning.ts), and
 * F-HTTP — the intake API's own express app (api/app.ts) whose payments service answers a fixed body.
 *
 * Environment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, FLOOR_TASK_QUEUE, FLOOR_BUNDLE_PATH, FLOOR_API_KEY,
 * FLOOR_FIXED_BODY (a payment as the API answers it), LOG_LEVEL. Tells the parent `{ type: 'ready', httpUrl }`.
 */
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createApp } from '../../../api/app.js';
import { createApiMetrics } from '../../../api/metrics.js';
import type { CreatedPayment, PaymentsService } from '../../../api/payments-service.js';
import { createLogger } from '../../../config/logger.js';
import { DEFAULT_WORKER_TUNING, workerOptionsFor } from '../../../worker/tuning.js';
import { DEFAULT_MERCHANT_ID } from '../../../workflows/messages.js';
import { createFloorActivities } from './floor-activities.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

const logger = createLogger('floor');
const address = required('TEMPORAL_ADDRESS');
const namespace = required('TEMPORAL_NAMESPACE');

const connection = await NativeConnection.connect({ address });
const worker = await Worker.create({
  connection,
  namespace,
  taskQueue: required('FLOOR_TASK_QUEUE'),
  workflowBundle: { codePath: required('FLOOR_BUNDLE_PATH') },
  activities: createFloorActivities(),
  ...workerOptionsFor(DEFAULT_WORKER_TUNING),
});
const running = worker.run();

// The same express stack as the intake API, down to auth, JSON parsing, body validation and metrics; only the
// payments service is replaced by one that answers at once.
const fixed = JSON.parse(required('FLOOR_FIXED_BODY')) as CreatedPayment['payment'];
const fixedPayments = {
  create: (): Promise<CreatedPayment> => Promise.resolve({ payment: fixed, created: true }),
} as unknown as PaymentsService;
const client = new Client({ connection: await Connection.connect({ address }), namespace });
const app = createApp({
  client,
  payments: fixedPayments,
  apiKeys: [{ merchantId: DEFAULT_MERCHANT_ID, key: required('FLOOR_API_KEY') }],
  logger,
  webhookHandler: (_req, res) => void res.status(200).json({ received: true }),
  metrics: createApiMetrics({ processMetrics: true }),
});
const server = app.listen(0, '127.0.0.1');
await new Promise<void>((resolve) => server.once('listening', resolve));
const { port } = server.address() as AddressInfo;

const stop = () => {
  server.close();
  server.closeAllConnections();
  if (worker.getState() === 'RUNNING') worker.shutdown();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
process.send?.({ type: 'ready', httpUrl: `http://127.0.0.1:${port}` });
await running;
await connection.close();
await client.connection.close();
logger.info('floor process stopped');
process.exit(0);
