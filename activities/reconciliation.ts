/**
 * The reconciliation sweep's one activity: list the payments waiting for a transfer from visibility, read
 * WooshPay for those due a look, and nudge (signal) only the payments whose intent moved without a webhook
 * telling them. A waiting payment whose intent has not moved costs one HTTP read here and nothing in Temporal:
 * no workflow task, no replay (docs/design.md, "Waiting at scale").
 *
 * The payment reads WooshPay again itself when nudged and applies what it finds through the same rules as a
 * webhook, so this activity decides nothing about money: a read it cannot place at worst costs a nudge.
 */
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { PaymentIntent, WooshPayClient } from '../wooshpay/index.js';
import { reconcileSignal } from '../workflows/messages.js';
import { paymentsOfTaskQueue, PaymentStatus, WooshPayIntentId } from '../workflows/search-attributes.js';
import type { ReconciliationActivities, ReconciliationSweepInput, ReconciliationSweepReport } from './types.js';

/** Reads in flight at once: enough to sweep 10,000 payments in well under a minute, gentle on WooshPay's limits. */
const READ_CONCURRENCY = 8;
/** Failed reads in a row after which WooshPay is taken to be down: the sweep stops, the next one starts over. */
const FAILURES_BEFORE_GIVING_UP = 20;

interface WaitingPayment {
  paymentId: string;
  intentId: string | undefined;
}

export function createReconciliationActivities(wooshpay: WooshPayClient): ReconciliationActivities {
  return {
    async sweepWaitingPayments(input: ReconciliationSweepInput): Promise<ReconciliationSweepReport> {
      const context = Context.current();
      const report: ReconciliationSweepReport = { waiting: 0, read: 0, nudged: 0, unreadable: 0 };
      const due: WaitingPayment[] = [];
      const now = Date.now();
      for await (const execution of context.client.workflow.list({ query: waitingPaymentsQuery(input.taskQueue) })) {
        report.waiting++;
        if (report.waiting % 1_000 === 0) context.heartbeat(report);
        if (!isDueForReading(now - execution.startTime.getTime(), input.sweepEveryMs, input.longestIntervalMs)) continue;
        due.push({ paymentId: execution.workflowId, intentId: execution.typedSearchAttributes.get(WooshPayIntentId) });
      }

      const nudge = async (paymentId: string) => {
        try {
          await context.client.workflow.getHandle(paymentId).signal(reconcileSignal);
          report.nudged++;
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err; // closed since it was listed: nothing to do
        }
      };
      let failuresInARow = 0;
      await forEachConcurrently(due, READ_CONCURRENCY, async ({ paymentId, intentId }) => {
        context.heartbeat(report);
        // No answer is not "nothing moved": a payment not read stays due and is read at the next sweep.
        if (failuresInARow >= FAILURES_BEFORE_GIVING_UP) {
          report.unreadable++;
          return;
        }
        // A Checkout Session links its intent only once the shopper pays: the payment reads its session itself.
        if (intentId === undefined) return nudge(paymentId);
        let intent: PaymentIntent;
        try {
          intent = await wooshpay.retrievePaymentIntent(intentId, { signal: context.cancellationSignal });
          failuresInARow = 0;
        } catch (err) {
          report.unreadable++;
          if (++failuresInARow === FAILURES_BEFORE_GIVING_UP) {
            context.log.warn('WooshPay is not answering: the sweep reads no more', { error: (err as Error).message });
          }
          return;
        }
        report.read++;
        if (intentMoved(intent)) await nudge(paymentId);
      });
      context.log.info('Reconciliation sweep done', { ...report });
      return report;
    },
  };
}

/** Running payments of this task queue that wait for the shopper's transfer (their intent exists). */
export function waitingPaymentsQuery(taskQueue: string): string {
  return [...paymentsOfTaskQueue(taskQueue), `ExecutionStatus = 'Running'`, `${PaymentStatus.name} = 'requires_action'`].join(' AND ');
}

/**
 * Whether a payment waiting this long is read in a sweep, sweeps `sweepEveryMs` apart: not before its first
 * interval (its webhook normally comes first), then at every sweep until it is `longestIntervalMs` old, then
 * once per `longestIntervalMs` — the sweep in which its age passes the next multiple of it. Stateless, so a
 * sweep needs nothing but the payment's age.
 */
export function isDueForReading(ageMs: number, sweepEveryMs: number, longestIntervalMs: number): boolean {
  if (ageMs < sweepEveryMs) return false;
  if (ageMs < longestIntervalMs) return true;
  return Math.floor(ageMs / longestIntervalMs) !== Math.floor((ageMs - sweepEveryMs) / longestIntervalMs);
}

/** Where an intent waits for the shopper: confirmed for a bank transfer (direct), or not yet (a Checkout Session's). */
const WAITING_INTENT_STATUSES: readonly string[] = ['requires_action', 'requires_payment_method', 'requires_confirmation'];

/**
 * Whether WooshPay's intent says more than a payment waiting for its transfer knows: a status past waiting, a
 * failed attempt, or money received (a partial transfer). A payment that already knows (a transfer still
 * clearing, a partial transfer it recorded) is nudged again and finds nothing new: a replay per sweep for the
 * few payments in that state, cheaper than a wrong "nothing moved".
 */
export function intentMoved(intent: Pick<PaymentIntent, 'status' | 'amount_received' | 'last_payment_error'>): boolean {
  return !WAITING_INTENT_STATUSES.includes(intent.status) || Boolean(intent.last_payment_error) || (intent.amount_received ?? 0) > 0;
}

async function forEachConcurrently<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}
