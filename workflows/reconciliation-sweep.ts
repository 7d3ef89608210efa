/**
 * The reconciliation sweep, started by a Temporal Schedule every RECONCILE_FIRST_SECONDS
 * (worker/reconciliation-schedule.ts): the safety net behind WooshPay's webhooks for payments waiting for a
 * transfer. Its one activity reads WooshPay and nudges the payments whose intent moved; this workflow gives the
 * sweep Temporal's retries, and operators a place to see each sweep and what it found.
 */
import { proxyActivities } from '@temporalio/workflow';
import type {
  ReconciliationActivities,
  ReconciliationSweepInput,
  ReconciliationSweepReport,
} from '../activities/types.js';

const { sweepWaitingPayments } = proxyActivities<ReconciliationActivities>({
  // Heartbeats every 100 reads; a sweep of 10,000 payments takes well under the timeout.
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  // A sweep that keeps failing gives way to the next one: the schedule skips sweeps while one runs.
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 3 },
});

export async function reconciliationSweepWorkflow(input: ReconciliationSweepInput): Promise<ReconciliationSweepReport> {
  return sweepWaitingPayments(input);
}
