/**
 * Phase 2: wait for the shopper's bank transfer — a WooshPay webhook (signal), a nudge from the reconciliation
 * sweep (signal), or the payment's `expires_at` — and end an unpaid payment only through the cancel gate.
 *
 * Within its window a payment runs no timer but its expiry: the sweep (../reconciliation-sweep.ts) reads
 * WooshPay for every waiting payment and nudges only those whose intent moved, so thousands of waiting
 * payments cost the worker nothing until something happens to them (docs/design.md, "Waiting at scale").
 * Past its window, a payment still open (a transfer clearing, a cancel WooshPay did not confirm) polls on its
 * own, backing off from the first interval to the configured maximum, with jitter.
 */
import { log, patched } from '@temporalio/workflow';
import { applyIntentState, endUnpaid, isAwaitingTransfer, type UnpaidEnding } from '../payment-state.js';
import { provider, reads } from './activities.js';
import { Alarm } from './alarm.js';
import { continueAsNewNow } from './continue-as-new.js';
import { isActivityFailure, providerFailure } from './failures.js';
import type { PaymentRun } from './run.js';

/** The patch that moved polling within the window out of the payment and into the reconciliation sweep. */
export const SWEPT_WHILE_WAITING = 'reconciliation-sweep-while-waiting';

export async function awaitTransfer(run: PaymentRun): Promise<void> {
  const { record } = run;
  // One alarm for the earlier of the two deadlines (the next poll, the window's end): a payment paid within its
  // window costs one timer.
  const alarm = new Alarm(() => run.touch());
  // Runs from before the sweep (no marker in their history) keep polling from their start.
  const pollsFrom = patched(SWEPT_WHILE_WAITING) ? Math.max(record.expires_at, Date.now()) : Date.now();
  const polls = new PollSchedule(run.settings.reconcileFirstMs, run.settings.reconcileIntervalMs, pollsFrom);
  /** The expiry gate runs once when the window closes, then again at each poll while the intent stays open. */
  let expiryGateTried = false;
  const expiryGateDue = () =>
    Date.now() >= record.expires_at && record.provider_status !== 'processing' && (!expiryGateTried || polls.due());
  const cancelDue = () => run.cancelRequest !== null && !run.cancelAttempted;
  try {
    while (isAwaitingTransfer(record)) {
      // A refused cancel is answered and done: it must not hold the history back from continuing as new.
      if (!cancelDue() && run.shouldContinueAsNew()) await continueAsNewNow(run);
      const expiryAhead = !expiryGateTried && Date.now() < record.expires_at;
      alarm.set(expiryAhead ? Math.min(polls.nextAt, record.expires_at) : polls.nextAt);
      const mark = run.mark();
      // Alarms only make sure a workflow task happens at each deadline; what is due is read from the clock.
      await run.changedSince(mark, () => run.reconcileRequested || cancelDue() || expiryGateDue() || polls.due());
      if (!isAwaitingTransfer(record)) break;

      if (cancelDue()) {
        await reconcile(run);
        if (isAwaitingTransfer(record)) await cancelAtProvider(run, run.cancelRequest!.ending, run.cancelRequest!.reason);
      } else if (expiryGateDue()) {
        expiryGateTried = true;
        // One last look before the gate, so a payment whose webhook is late is not expired.
        await reconcile(run);
        if (isAwaitingTransfer(record) && record.provider_status !== 'processing') {
          await cancelAtProvider(run, 'expired', 'expired: the transfer window closed');
        }
        polls.polled();
      } else if (run.reconcileRequested || polls.due()) {
        await reconcile(run);
        polls.polled();
      }
    }
  } finally {
    alarm.clear();
  }
}

/** Reads WooshPay's view of the intent (or the session's) and applies it. A failed read is retried later. */
export async function reconcile(run: PaymentRun): Promise<void> {
  const { record } = run;
  run.reconcileRequested = false;
  if (!record.payment_intent && !record.checkout_session) return;
  try {
    const intent = await reads.retrieveIntentState({
      paymentIntentId: record.payment_intent,
      checkoutSessionId: record.checkout_session,
    });
    if (intent) {
      record.payment_intent ??= intent.id;
      const events = applyIntentState(record, intent, Date.now(), intendedEnding(run));
      run.apply([...events, ...run.providerEvents.retryWaiting(record, Date.now()).events]);
    }
  } catch (err) {
    if (!isActivityFailure(err)) throw err;
    log.warn('Reconciliation read failed; will poll again', { paymentId: record.id, error: (err as Error).message });
  }
}

/** The ending an intent cancellation means now: the one we asked for, or expiry once the window closed. */
export function intendedEnding(run: PaymentRun): UnpaidEnding | undefined {
  return run.cancelRequest?.ending ?? (Date.now() >= run.record.expires_at ? 'expired' : undefined);
}

/**
 * Cancel is the gate that ends an unpaid payment: only WooshPay confirming the cancel ends it. If WooshPay
 * refuses because the transfer landed, the payment is paid; if a transfer is clearing, we keep waiting.
 */
async function cancelAtProvider(run: PaymentRun, ending: UnpaidEnding, reason: string): Promise<void> {
  const { record } = run;
  let outcome;
  try {
    outcome = await provider.cancelAtProvider({
      paymentIntentId: record.payment_intent,
      checkoutSessionId: record.checkout_session,
      reason,
      idempotencyKey: `${record.id}:cancel`,
    });
  } catch (err) {
    const failure = providerFailure(err);
    if (!failure) throw err;
    // Only WooshPay confirming the cancel ends the payment: without that confirmation money could still land
    // on the intent. The gate is tried again at the next poll; operators see the payment past its expiry.
    log.warn('WooshPay refused the cancel and the read; the payment stays open and the gate is tried again', {
      paymentId: record.id,
      ...failure,
    });
    run.cancelAttempted = true;
    run.touch();
    return;
  }
  run.cancelAttempted = true;
  const now = Date.now();
  if (outcome.canceled) run.apply(endUnpaid(record, ending, now));
  else if (outcome.intent) run.apply(applyIntentState(record, outcome.intent, now, ending));
  run.touch();
}

/**
 * When the next reconciliation poll is due: the first interval after `from`, then doubling up to the maximum,
 * each with ±20 % jitter. The workflow's Math.random is seeded per execution, so the schedule is deterministic
 * on replay.
 */
class PollSchedule {
  private delay: number;
  nextAt: number;

  constructor(
    first: number,
    private readonly max: number,
    from: number,
  ) {
    this.delay = first;
    // Per run: a continued run starts again from the first interval.
    this.nextAt = from + jitter(first);
  }

  due(): boolean {
    return Date.now() >= this.nextAt;
  }

  polled(): void {
    this.delay = Math.min(this.delay * 2, Math.max(this.max, this.delay));
    this.nextAt = Date.now() + jitter(this.delay);
  }
}

function jitter(ms: number): number {
  return Math.round(ms * (0.8 + 0.4 * Math.random()));
}
