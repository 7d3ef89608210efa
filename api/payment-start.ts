/**
 * How a payment's run starts: the workflow input built from a validated create request, the search attributes
 * and summary operators see from its first moment, and a closed payment opened again by a late WooshPay event.
 */
import { randomUUID } from 'node:crypto';
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import {
  DEFAULT_MERCHANT_ID,
  getContinuationQuery,
  providerEventSignal,
  type PaymentRecord,
  type PaymentRequest,
  type ProviderEvent,
} from '../workflows/messages.js';
import { paymentWorkflow } from '../workflows/payment/workflow.js';
import {
  MerchantId,
  MerchantOrderId,
  PaymentAmount,
  PaymentIntegration,
  PaymentStatus as PaymentStatusKey,
  RefundedAmount,
} from '../workflows/search-attributes.js';
import { fingerprint } from './idempotency.js';
import { READ_DEADLINE_MS, withDeadline } from './temporal-errors.js';
import { DEFAULT_EXPIRES_IN_SECONDS, type CreatePaymentBody } from './schemas.js';

/** The workflow's input for a create request; `intakeId` tells this request apart from a retry of it. */
export function paymentRequest(paymentId: string, merchantId: string, body: CreatePaymentBody, fixed: { notifyUrl: string | undefined }): PaymentRequest {
  const now = Date.now();
  return {
    paymentId,
    merchantId,
    requestFingerprint: fingerprint(body),
    intakeId: randomUUID(),
    amount: body.amount,
    currency: body.currency,
    integration: body.integration,
    returnUrl: body.return_url,
    successUrl: body.success_url,
    cancelUrl: body.cancel_url,
    lineItems: body.line_items,
    description: body.description,
    merchantOrderId: body.merchant_order_id,
    metadata: body.metadata,
    expiresAt: now + (body.expires_in ?? DEFAULT_EXPIRES_IN_SECONDS) * 1000,
    notifyUrl: fixed.notifyUrl,
    createdAt: now,
  };
}

/** What a payment's run starts with for operators: its search attributes and its summary in the UI. */
export function startAttributes(request: PaymentRequest, record: Pick<PaymentRecord, 'status' | 'amount_refunded'>) {
  return {
    typedSearchAttributes: [
      { key: MerchantId, value: request.merchantId ?? DEFAULT_MERCHANT_ID },
      { key: PaymentStatusKey, value: record.status },
      { key: RefundedAmount, value: record.amount_refunded },
      { key: PaymentIntegration, value: request.integration },
      { key: PaymentAmount, value: request.amount },
      ...(request.merchantOrderId ? [{ key: MerchantOrderId, value: request.merchantOrderId }] : []),
    ],
    staticSummary: `${request.amount} ${request.currency} bank transfer${request.merchantOrderId ? ` · order ${request.merchantOrderId}` : ''}`,
    staticDetails: `Payment \`${request.paymentId}\` · ${request.integration} integration`,
  };
}

/**
 * Opens a closed payment again for a WooshPay event that came after it closed — a transfer after expiry, a
 * refund settling late: a new run from the payment's last state, started with the event, so money that
 * arrives late is recorded and surfaced, never dropped. If another delivery opened it first, the event is
 * signalled to that run. An event the payment already applied changes nothing.
 */
export async function reopenPayment(client: Client, taskQueue: string, paymentId: string, event: ProviderEvent): Promise<'reopened' | 'duplicate'> {
  const handle = client.workflow.getHandle<typeof paymentWorkflow>(paymentId);
  const continuation = await withDeadline(client, READ_DEADLINE_MS, () => handle.query(getContinuationQuery));
  if (continuation.carried?.seenEventIds.includes(event.id)) return 'duplicate';
  try {
    await client.workflow.start(paymentWorkflow, {
      workflowId: paymentId,
      taskQueue,
      args: [{ ...continuation, reopenedBy: event }],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      ...startAttributes(continuation.request, continuation.carried?.record ?? { status: 'processing', amount_refunded: 0 }),
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    await handle.signal(providerEventSignal, event);
  }
  return 'reopened';
}
