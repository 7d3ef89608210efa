/**
 * The floors, driven from the benchmark process against the same Temporal server as the product: the floor
 * process (floor-process.ts: the floor worker and F-HTTP) is forked here, and each floor is an operation the
 * load drivers can run closed or open loop, interleaved with the product's runs.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Client, WithStartWorkflowOperation } from '@temporalio/client';
import { bundleWorkflows } from '../../../scripts/bundle-workflows.js';
import type { WooshPayClient } from '../../../wooshpay/index.js';
import type { IntakeApi, Payment } from '../../clients/intake-api.js';
import { memoryProbe, startProcess, stopRole, type RoleProcess } from '../product-processes.js';
import {
  floorCreateUpdate,
  floorFinishSignal,
  floorPaidSignal,
  floorPingSignal,
  idleFloorWorkflow,
  lifeFloorWorkflow,
  timerFloorWorkflow,
  uwsFloorWorkflow,
} from './floor-workflows.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const READY_TIMEOUT_MS = 90_000;

export interface FloorProcessOptions {
  address: string;
  namespace: string;
  apiKey: string;
  /** A payment as the product's API answered it: F-HTTP's fixed body. */
  fixedBody: Payment;
  logLevel: string;
  logDir: string;
  workDir: string;
}

export interface FloorProcess {
  taskQueue: string;
  httpUrl: string;
  role: RoleProcess;
  close(): Promise<void>;
}

export async function startFloorProcess(options: FloorProcessOptions): Promise<FloorProcess> {
  const bundle = path.join(options.workDir, 'floor-bundle.js');
  await bundleWorkflows({ workflowsPath: path.join(here, 'floor-workflows.ts'), outFile: bundle });
  const taskQueue = `floors-${randomBytes(4).toString('hex')}`;
  const role = await startProcess({
    name: 'floors',
    entry: path.join(here, 'floor-process.ts'),
    execArgv: ['--expose-gc', '--import', 'tsx', '--import', memoryProbe],
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      LOG_LEVEL: options.logLevel,
      TEMPORAL_ADDRESS: options.address,
      TEMPORAL_NAMESPACE: options.namespace,
      FLOOR_TASK_QUEUE: taskQueue,
      FLOOR_BUNDLE_PATH: bundle,
      FLOOR_API_KEY: options.apiKey,
      FLOOR_FIXED_BODY: JSON.stringify(options.fixedBody),
    },
    logDir: options.logDir,
  });
  const httpUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the floor process was not ready in ${READY_TIMEOUT_MS / 1000} s (see ${role.logFile})`)), READY_TIMEOUT_MS);
    role.child.on('message', (message: { type?: string; httpUrl?: string }) => {
      if (message?.type === 'ready' && message.httpUrl) {
        clearTimeout(timer);
        resolve(message.httpUrl);
      }
    });
    void role.exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`the floor process ended (${how}) before it was ready (see ${role.logFile})`));
    });
  });
  return { taskQueue, httpUrl, role, close: async () => void (await stopRole(role)) };
}

/** Floor operations; each call of an operation is one sample. */
export interface FloorOperations {
  /** F-SIM: the WooshPay client's create, as the product's activity sends it, against the same simulator. */
  sim: (index: number) => Promise<void>;
  /** F-HTTP: `POST /v1/payments` against the API's express stack answering a fixed body. */
  http: (index: number) => Promise<void>;
  /** F-UWS0 / F-UWS-LA; resolves with the workflow's id, for reading its history. */
  uws(withLocalActivity: boolean): (index: number) => Promise<string>;
  /** F-LIFE, one whole life; resolves when the workflow completed. */
  life: (index: number) => Promise<void>;
  /** A workflow that waits for signals; `ping` sends one (F-SIG), `finish` ends it. */
  startIdle(index: number): Promise<{ workflowId: string; ping(): Promise<void>; finish(): Promise<void> }>;
  /** F-TIMERS: starts one workflow whose timer fires at `fireAtMs`. */
  startTimer(index: number, fireAtMs: number): Promise<void>;
}

export function floorOperations(client: Client, taskQueue: string, wooshpay: WooshPayClient, httpApi: IntakeApi): FloorOperations {
  const run = randomBytes(4).toString('hex');
  const start = <A extends unknown[]>(workflow: (...args: A) => Promise<unknown>, workflowId: string, args: A) =>
    new WithStartWorkflowOperation(workflow, { workflowId, taskQueue, args, workflowIdConflictPolicy: 'USE_EXISTING' });

  return {
    async sim(index) {
      await wooshpay.createPaymentIntent(
        {
          amount: 1_000_000,
          currency: 'IDR',
          confirm: true,
          payment_method_data: { type: 'bank_transfer_id' },
          payment_method_types: ['bank_transfer_id'],
          return_url: 'https://shop.example/return',
          merchant_order_id: `floor-${run}-${index}`,
          metadata: { floor: 'F-SIM' },
        },
        { idempotencyKey: `floor-sim-${run}-${index}` },
      );
    },
    async http(index) {
      const { status } = await httpApi.createPayment(
        { amount: 1_000_000, currency: 'IDR', return_url: 'https://shop.example/return', merchant_order_id: `floor-${run}-${index}` },
        `floor-http-${run}-${index}`,
      );
      if (status !== 201) throw new Error(`F-HTTP answered ${status}`);
    },
    uws: (withLocalActivity) => async (index) => {
      const workflowId = `floor-uws${withLocalActivity ? '-la' : '0'}-${run}-${index}`;
      await client.workflow.executeUpdateWithStart(floorCreateUpdate, {
        startWorkflowOperation: start(uwsFloorWorkflow, workflowId, [withLocalActivity]),
      });
      return workflowId;
    },
    async life(index) {
      const startWorkflowOperation = start(lifeFloorWorkflow, `floor-life-${run}-${index}`, []);
      await client.workflow.executeUpdateWithStart(floorCreateUpdate, { startWorkflowOperation });
      const handle = await startWorkflowOperation.workflowHandle();
      await handle.signal(floorPaidSignal);
      await handle.result();
    },
    async startIdle(index) {
      const handle = await client.workflow.start(idleFloorWorkflow, { workflowId: `floor-idle-${run}-${index}`, taskQueue });
      return {
        workflowId: handle.workflowId,
        ping: () => handle.signal(floorPingSignal),
        async finish() {
          await handle.signal(floorFinishSignal);
          await handle.result();
        },
      };
    },
    async startTimer(index, fireAtMs) {
      await client.workflow.start(timerFloorWorkflow, { workflowId: `floor-timer-${run}-${index}`, taskQueue, args: [fireAtMs] });
    },
  };
}
