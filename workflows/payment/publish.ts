/**
 * The operator's view of a payment in the Temporal UI: search attributes (written only when they change) and
 * the current-details text, kept in step with the record.
 */
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { PaymentRecord } from '../messages.js';
import { paymentMetricsTracker } from '../payment-metrics.js';
import { DisputeStatus, PaymentReview, PaymentStatus, RefundedAmount, WooshPayIntentId } from '../search-attributes.js';

type SearchAttributeUpdates = Parameters<typeof upsertSearchAttributes>[0];

export class Publisher {
  private readonly upserted: Record<string, string | number | null> = {};
  private readonly metrics: ReturnType<typeof paymentMetricsTracker>;

  /**
   * What the run's search attributes already say needs no write (a visibility update for nothing): the API
   * starts a payment (or opens a closed one again) with its status, and a continued run inherits them all.
   */
  constructor(startRecord: PaymentRecord, start: { continued: boolean; inheritsAttributes: boolean }) {
    this.metrics = paymentMetricsTracker(start.continued ? startRecord : undefined);
    this.upserted[PaymentStatus.name] = startRecord.status;
    this.upserted[RefundedAmount.name] = startRecord.amount_refunded;
    if (!start.inheritsAttributes) return;
    for (const [key, value] of keywordsOf(startRecord)) if (value !== null) this.upserted[key.name] = value;
  }

  publish(record: PaymentRecord): void {
    const updates: SearchAttributeUpdates = [];
    for (const [key, value] of keywordsOf(record)) {
      if (!this.changed(key.name, value)) continue;
      updates.push(value === null ? { key, value: null } : { key, value });
    }
    if (this.changed(RefundedAmount.name, record.amount_refunded)) {
      updates.push({ key: RefundedAmount, value: record.amount_refunded });
    }
    if (updates.length > 0) upsertSearchAttributes(updates);
    setCurrentDetails(renderDetails(record));
    // Here, next to the upsert: a task that issues a command is never re-run as new code, so counts stay exact.
    this.metrics.observe(record);
  }

  private changed(name: string, value: string | number | null): boolean {
    const previous = this.upserted[name];
    if (previous === value || (previous === undefined && value === null)) return false;
    this.upserted[name] = value;
    return true;
  }
}

/** The keyword attributes share one key type; a null removes the attribute. */
function keywordsOf(record: PaymentRecord): [typeof PaymentStatus, string | null][] {
  return [
    [PaymentStatus, record.status],
    [WooshPayIntentId, record.payment_intent],
    [DisputeStatus, record.dispute?.status ?? null],
    [PaymentReview, record.review?.reason ?? null],
  ];
}

const STATUS_LINES: Partial<Record<PaymentRecord['status'], string>> = {
  requires_action: 'Waiting for the shopper’s bank transfer',
  processing: 'Creating the payment at WooshPay',
  succeeded: 'Paid',
};

/** Markdown shown on the workflow's page in the Temporal UI. */
export function renderDetails(record: PaymentRecord): string {
  const lines = [
    `**${record.status}** — ${STATUS_LINES[record.status] ?? ''}`.trim(),
    `Amount: ${record.amount} ${record.currency} · refunded ${record.amount_refunded} · pending ${record.amount_refund_pending} · lost ${record.amount_lost}`,
  ];
  if (record.payment_intent) lines.push(`PaymentIntent: \`${record.payment_intent}\``);
  if (record.checkout_session) lines.push(`Checkout Session: \`${record.checkout_session}\``);
  if (record.dispute) lines.push(`Dispute \`${record.dispute.id}\`: ${record.dispute.status}`);
  if (record.failure) lines.push(`Failure: ${record.failure.code} — ${record.failure.message}`);
  if (record.amount_received !== record.amount) lines.push(`Received: ${record.amount_received} ${record.currency}`);
  if (record.review) {
    const { reason, amount, policy, amount_returned } = record.review;
    lines.push(`**Needs review: ${reason}** — ${amount} ${record.currency} (policy ${policy}, returned ${amount_returned})`);
  }
  return lines.join('\n\n');
}
