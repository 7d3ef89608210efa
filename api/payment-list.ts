/**
 * `GET /v1/payments`: a merchant's payments as visibility knows them, without replaying any of them
 * (`GET /v1/payments/:id` returns the whole record).
 */
import type { Client } from '@temporalio/client';
import { DEFAULT_MERCHANT_ID, type PaymentStatus } from '../workflows/messages.js';
import { paymentsOfTaskQueue } from '../workflows/search-attributes.js';
import { ApiError } from './errors.js';
import { decodeCursor, encodeCursor } from './list-cursor.js';
import { grpcCodeOf, grpcStatus, translateTemporalError } from './temporal-errors.js';

export interface PaymentListPage {
  data: PaymentSummary[];
  has_more: boolean;
  next_cursor: string | null;
}

/** What visibility knows of a payment without replaying it; GET /v1/payments/:id returns the whole record. */
export interface PaymentSummary {
  id: string;
  object: 'payment';
  status: PaymentStatus | null;
  amount: number | null;
  currency: 'IDR';
  integration: string | null;
  merchant_order_id: string | null;
  payment_intent: string | null;
  amount_refunded: number;
  dispute_status: string | null;
  created: number;
}

export interface ListPaymentsOptions {
  status?: PaymentStatus;
  limit: number;
  /** The opaque `next_cursor` of the previous page. */
  cursor?: string;
}

/** Newest first by Temporal's visibility order. */
export async function listPayments(
  client: Client,
  { taskQueue, merchantId, ...options }: ListPaymentsOptions & { taskQueue: string; merchantId: string },
): Promise<PaymentListPage> {
  const clauses = [...paymentsOfTaskQueue(taskQueue), merchantClause(merchantId)];
  if (options.status) clauses.push(`PaymentStatus = '${options.status}'`);
  const token = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
  if (token === null) {
    throw notACursor();
  }
  try {
    const response = await client.workflowService.listWorkflowExecutions({
      namespace: client.options.namespace,
      query: clauses.join(' AND '),
      pageSize: options.limit,
      nextPageToken: token,
    });
    const data = (response.executions ?? []).map((e) => summarize(e));
    const next = response.nextPageToken && response.nextPageToken.length > 0 ? encodeCursor(response.nextPageToken) : null;
    return { data, has_more: next !== null, next_cursor: next };
  } catch (err) {
    if (grpcCodeOf(err) === grpcStatus.INVALID_ARGUMENT) {
      throw notACursor();
    }
    throw translateTemporalError(err);
  }
}

function notACursor(): ApiError {
  return new ApiError(400, 'invalid_request_error', 'parameter_invalid', 'starting_after: not a cursor from this API', {
    param: 'starting_after',
  });
}

/**
 * The merchant's payments in visibility. Payments started before merchants carry no MerchantId and belong to
 * `default` (`IS NULL`: docs/temporal-notes.md §2.4). The merchant id is a slug (config/merchants.ts), so it
 * needs no escaping inside the quotes.
 */
function merchantClause(merchantId: string): string {
  return merchantId === DEFAULT_MERCHANT_ID ? `(MerchantId = '${merchantId}' OR MerchantId IS NULL)` : `MerchantId = '${merchantId}'`;
}

type Execution = NonNullable<
  Awaited<ReturnType<Client['workflowService']['listWorkflowExecutions']>>['executions']
>[number];

function summarize(e: Execution): PaymentSummary {
  const indexed = e.searchAttributes?.indexedFields ?? {};
  const read = (name: string): unknown => {
    const payload = indexed[name];
    if (!payload?.data) return null;
    try {
      const value: unknown = JSON.parse(Buffer.from(payload.data).toString('utf8'));
      return Array.isArray(value) ? (value[0] ?? null) : value;
    } catch {
      return null;
    }
  };
  const startMs = e.startTime?.seconds ? Number(e.startTime.seconds) * 1000 + Math.floor((e.startTime.nanos ?? 0) / 1e6) : 0;
  return {
    id: e.execution?.workflowId ?? '',
    object: 'payment',
    status: (read('PaymentStatus') as PaymentStatus | null) ?? null,
    amount: (read('PaymentAmount') as number | null) ?? null,
    currency: 'IDR',
    integration: (read('PaymentIntegration') as string | null) ?? null,
    merchant_order_id: (read('MerchantOrderId') as string | null) ?? null,
    payment_intent: (read('WooshPayIntentId') as string | null) ?? null,
    amount_refunded: (read('RefundedAmount') as number | null) ?? 0,
    dispute_status: (read('DisputeStatus') as string | null) ?? null,
    created: startMs,
  };
}

