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
import type { DisputeStatus, PaymentStatus, RefundRecord } from './messages.js';

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
