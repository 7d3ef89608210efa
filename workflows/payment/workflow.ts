/**
 * One workflow per payment, read as its phases: create the WooshPay object, await the shopper's transfer, own
 * the paid payment (refunds, disputes) until its retention window ends, then close once quiet. Notifications go
 * out in the background throughout; continue-as-new may happen in any waiting phase.
 *
 * Deterministic code only: every call to the outside world is an activity (activities.ts); the rules that move
 * the record are pure functions in ../payment-state.ts; the run state is one object (run.ts).
 */
import type { PaymentRecord } from '../messages.js';
import { isAwaitingTransfer } from '../payment-state.js';
import { awaitTransfer } from './awaiting-transfer.js';
import { closeWhenQuiet } from './continue-as-new.js';
import { createAtProvider } from './creation.js';
import { registerHandlers } from './handlers.js';
import { ownPayment } from './paid.js';
import { onProviderEvent } from './provider-events.js';
import { PaymentRun, type PaymentWorkflowInput } from './run.js';

export type { CarriedState, PaymentWorkflowInput } from './run.js';

export async function paymentWorkflow(input: PaymentWorkflowInput): Promise<PaymentRecord> {
  const run = new PaymentRun(input);
  registerHandlers(run);
  if (input.reopenedBy) onProviderEvent(run, input.reopenedBy);
  run.courier.start();
  run.apply();

  if (run.record.status === 'processing') await createAtProvider(run);
  if (isAwaitingTransfer(run.record)) await awaitTransfer(run);
  await ownPayment(run);
  await closeWhenQuiet(run);
  return run.record;
}
