/** The merchant's actions on an open dispute: submit evidence, or accept the loss. */
import { ApplicationFailure, workflowInfo } from '@temporalio/workflow';
import { PaymentErrorType, type DisputeEvidenceRequest, type DisputeRecord } from '../messages.js';
import { applyDisputeState, NOT_YET } from '../payment-ledger.js';
import { hasOpenDispute } from '../payment-state.js';
import { provider } from './activities.js';
import { providerFailure } from './failures.js';
import type { PaymentRun } from './run.js';

export async function submitEvidence(run: PaymentRun, { evidence, submit }: DisputeEvidenceRequest): Promise<DisputeRecord> {
  const { record } = run;
  const dispute = record.dispute!;
  const state = await refusalAsTyped(provider.updateDisputeEvidence({
    disputeId: dispute.id,
    evidence,
    submit,
    // One key per accepted update: history length is fixed when the update is applied, so a retry of this
    // activity reuses it while a later, different submission gets its own.
    idempotencyKey: `${record.id}:${dispute.id}:evidence:${workflowInfo().historyLength}`,
  }));
  applyDispute(run, applyDisputeState(record, state, 'charge.dispute.updated', Date.now()));
  if (submit) dispute.evidence_submitted = true;
  return record.dispute!;
}

export async function acceptDispute(run: PaymentRun): Promise<DisputeRecord> {
  const { record } = run;
  const dispute = record.dispute!;
  const state = await refusalAsTyped(provider.acceptDispute({ disputeId: dispute.id, idempotencyKey: `${record.id}:${dispute.id}:accept` }));
  applyDispute(run, applyDisputeState(record, state, 'charge.dispute.closed', Date.now()));
  return record.dispute!;
}

/** Only a paid payment has a dispute to act on (the validator checked), so NOT_YET cannot come back here. */
function applyDispute(run: PaymentRun, result: ReturnType<typeof applyDisputeState>): void {
  run.apply(result === NOT_YET ? [] : result);
}

/** WooshPay refusing the action fails the update with its code, so the API answers 422 and not 500. */
async function refusalAsTyped<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    const failure = providerFailure(err);
    if (!failure) throw err;
    throw ApplicationFailure.create({ type: PaymentErrorType.ProviderRejected, message: failure.message, details: [failure], nonRetryable: true });
  }
}

export function requireOpenDispute(run: PaymentRun): void {
  if (!hasOpenDispute(run.record)) {
    throw ApplicationFailure.create({
      type: PaymentErrorType.NoOpenDispute,
      message: 'This payment has no open dispute.',
      nonRetryable: true,
    });
  }
}
