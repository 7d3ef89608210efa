import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities } from '../activities/index.js';
import { encryptingDataConverter } from '../codec/data-converter.js';
import type { Config } from '../config/config.js';
import { createWooshPayClient } from '../wooshpay/index.js';
import { keepReconciliationScheduled } from './reconciliation-schedule.js';
import { createPaymentWorker } from './worker.js';

export interface RunningWorker {
  worker: Worker;
  /** Resolves when the worker has drained and stopped. */
  done: Promise<void>;
  /** Stops polling, lets in-flight tasks finish (up to the grace time), then closes the connection. */
  shutdown(): Promise<void>;
}

export async function startWorker(config: Config, logger: Logger): Promise<RunningWorker> {
  const { baseUrl, secretKey } = config.wooshpay;
  if (!baseUrl || !secretKey) throw new Error('WOOSHPAY_BASE_URL and WOOSHPAY_SECRET_KEY are required by the worker.');
  const connection = await NativeConnection.connect({
    address: config.temporal.address ?? `127.0.0.1:${config.temporal.devServerPort}`,
  });
  const worker = await createPaymentWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    // Production images bundle the workflows at build time (scripts/bundle-workflows.ts).
    ...(config.workflowBundlePath && { workflowBundle: { codePath: config.workflowBundlePath } }),
    dataConverter: encryptingDataConverter(config.encryption.keys),
    activities: createActivities({
      wooshpay: createWooshPayClient({ baseUrl, secretKey, timeoutMs: config.wooshpay.timeoutMs }),
      notifySigningSecret: config.payments.notifySigningSecret,
      outbound: { allowPrivateNetworks: config.payments.notifyAllowPrivateNetworks },
      merchantNotifySigningSecrets: config.payments.merchantNotifySigningSecrets,
    }),
  });
  // One message however the worker is configured: supervisors and tests wait for it.
  logger.info(
    { taskQueue: config.temporal.taskQueue, namespace: config.temporal.namespace, encryptionKeyIds: config.encryption.keys?.map((k) => k.id) ?? [] },
    'worker polling',
  );
  if (!config.encryption.keys) logger.warn('payloads are written to Temporal in clear: no PAYLOAD_ENCRYPTION_KEYS');
  // The safety net behind webhooks for payments waiting for a transfer (workflows/reconciliation-sweep.ts).
  const sweep = keepReconciliationScheduled(
    worker.client!,
    {
      taskQueue: config.temporal.taskQueue,
      sweepEveryMs: config.payments.reconcileFirstSeconds * 1000,
      longestIntervalMs: config.payments.reconcileIntervalSeconds * 1000,
    },
    (err) => logger.warn({ err }, 'could not schedule the reconciliation sweep; trying again'),
  );
  const done = worker
    .run()
    .finally(() => sweep.stop())
    .finally(() => connection.close());
  return {
    worker,
    done,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
