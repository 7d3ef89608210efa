/**
 * Payment counters emitted from workflow code. `metricMeter` is replay-safe: the SDK drops metrics while a
 * workflow replays its history, so each transition is counted once however often a worker rebuilds the
 * workflow. They leave through the worker runtime's exporter (worker/runtime.ts), next to Temporal's core
 * metrics: `payments_status_transitions_total{status}`, `payment_refunds_total{status}`,
 * `payment_disputes_total{status}`.
 *
 * Labels are closed sets (statuses), never ids or amounts, so the number of series stays small.
 */
import { metricMeter } from '@temporalio/workflow';
import type { DisputeStatus, PaymentRecord, PaymentStatus, RefundRecord } from './messages.js';

export const PAYMENT_METRIC_NAMES = {
  statusTransitions: 'payments_status_transitions',
  refunds: 'payment_refunds',
  disputes: 'payment_disputes',
} as const;

/** A payment entered `status` (count it where the record's status changes, not on every upsert). */
export function recordStatus(status: PaymentStatus): void {
  metricMeter
    .createCounter(PAYMENT_METRIC_NAMES.statusTransitions, undefined, 'Payments entering each status')
    .add(1, { status });
}

/** A refund was requested (`pending`) or settled (`succeeded` / `failed`). */
export function recordRefund(status: RefundRecord['status']): void {
  metricMeter.createCounter(PAYMENT_METRIC_NAMES.refunds, undefined, 'Refunds by status reached').add(1, { status });
}

/** A dispute was opened or changed status (`needs_response`, `under_review`, `won`, `lost`, …). */
export function recordDispute(status: DisputeStatus): void {
  metricMeter.createCounter(PAYMENT_METRIC_NAMES.disputes, undefined, 'Disputes by status reached').add(1, { status });
}

export interface PaymentMetricSink {
  status(status: PaymentStatus): void;
  refund(status: RefundRecord['status']): void;
  dispute(status: DisputeStatus): void;
}

const workflowSink: PaymentMetricSink = { status: recordStatus, refund: recordRefund, dispute: recordDispute };

/**
 * Counts what changed in a payment's record since the last call: its status, each refund's status, the
 * dispute's status. Call `observe(record)` wherever the record is published (search attributes, details).
 * Created with the record a run continued from (continue-as-new), it does not count that record's states a
 * second time; created with none, the first observation counts the new payment's status.
 */
export function paymentMetricsTracker(carried: PaymentRecord | undefined, sink: PaymentMetricSink = workflowSink) {
  let status: PaymentStatus | null = carried?.status ?? null;
  let dispute: string | null = carried?.dispute ? `${carried.dispute.id}:${carried.dispute.status}` : null;
  const refunds = new Map<string, RefundRecord['status']>(carried?.refunds.map((r) => [r.id, r.status]) ?? []);

  return {
    observe(record: PaymentRecord): void {
      if (record.status !== status) {
        status = record.status;
        sink.status(record.status);
      }
      for (const refund of record.refunds) {
        if (refunds.get(refund.id) === refund.status) continue;
        refunds.set(refund.id, refund.status);
        sink.refund(refund.status);
      }
      const current = record.dispute ? `${record.dispute.id}:${record.dispute.status}` : null;
      if (current !== dispute) {
        dispute = current;
        if (record.dispute) sink.dispute(record.dispute.status);
      }
    },
  };
}
