/**
 * Phase 3: the payment's owner after the transfer phase. A paid payment stays until its retention window ends —
 * refunds settle (webhook or poll), disputes run to their end with a reminder before the evidence deadline. An
 * unpaid one stays only while money it may not keep is on its way back. The run continues as new when its
 * history grows long.
 */
import { log } from '@temporalio/workflow';
import { applyRefundState, markDisputePastDue, NOT_YET } from '../payment-ledger.js';
import { hasOpenDispute, isPaid } from '../payment-state.js';
import { reads } from './activities.js';
import { Alarm } from './alarm.js';
import { continueAsNewNow } from './continue-as-new.js';
import { isActivityFailure } from './failures.js';
import type { PaymentRun } from './run.js';

export async function ownPayment(run: PaymentRun): Promise<void> {
  const { record, settings } = run;
  if (isPaid(record)) run.retentionEndsAt ??= (record.paid_at ?? Date.now()) + settings.retentionMs;
  const retention = new Alarm(() => run.touch());
  const refundPoll = new Alarm(() => run.touch());
  const disputeDeadline = new Alarm(() => run.touch());
  let nextRefundPollAt = Date.now() + settings.refundPollMs;
  try {
    for (;;) {
      const mark = run.mark();
      disputeDeadline.set(checkDisputeDeadline(run));
      const pendingRefund = record.refunds.some((r) => r.status === 'pending');
      const busy = pendingRefund || hasOpenDispute(record) || run.refundsInFlight.size > 0;
      const keepUntil = isPaid(record) ? (run.retentionEndsAt ?? 0) : 0;
      if (!busy && Date.now() >= keepUntil) return;
      if (run.shouldContinueAsNew()) await continueAsNewNow(run);

      retention.set(keepUntil > 0 ? keepUntil : null);
      refundPoll.set(pendingRefund ? nextRefundPollAt : null);
      await run.changedSince(mark);
      if (pendingRefund && Date.now() >= nextRefundPollAt) {
        await pollPendingRefunds(run);
        nextRefundPollAt = Date.now() + settings.refundPollMs;
      }
    }
  } finally {
    retention.clear();
    refundPoll.clear();
    disputeDeadline.clear();
  }
}

/** Reads each pending refund that WooshPay already has, in case its webhook never comes. */
async function pollPendingRefunds(run: PaymentRun): Promise<void> {
  for (const refund of run.record.refunds) {
    if (refund.status !== 'pending' || !refund.provider_refund || run.refundsInFlight.has(refund.id)) continue;
    try {
      const state = await reads.retrieveRefund({ providerRefundId: refund.provider_refund });
      const applied = applyRefundState(run.record, { ...state, refund_id: refund.id }, Date.now());
      run.apply(applied === NOT_YET ? [] : applied);
    } catch (err) {
      if (!isActivityFailure(err)) throw err;
      log.warn('Refund poll failed; will poll again', { refundId: refund.id, error: (err as Error).message });
    }
  }
}

/** The evidence deadline: a reminder before it, `past_due` after it. Returns when to look again. */
function checkDisputeDeadline(run: PaymentRun): number | null {
  const { record, settings } = run;
  const dispute = record.dispute;
  if (!dispute || !hasOpenDispute(record) || dispute.evidence_due_by === null) return null;
  const now = Date.now();
  const remindAt = dispute.evidence_due_by - settings.disputeReminderLeadMs;
  if (now >= remindAt && run.reminderSentFor !== dispute.id && !dispute.evidence_submitted) {
    run.reminderSentFor = dispute.id;
    run.apply([{ id: `${dispute.id}.dispute.evidence_due_soon`, type: 'dispute.evidence_due_soon' }]);
  }
  if (now >= dispute.evidence_due_by) {
    // Past due means the deadline passed without evidence; submitted evidence is under WooshPay's review.
    if (!dispute.evidence_submitted && markDisputePastDue(record)) run.apply();
    return null;
  }
  return now < remindAt ? remindAt : dispute.evidence_due_by;
}
