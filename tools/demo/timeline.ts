/**
 * The demo's timeline: one row per step with the time since the start, the payment's status and its ledger as
 * the API reported it right then, printed as it happens so a slow step shows where it is slow.
 */
import type { Payment } from '../clients/intake-api.js';
import { formatAmount } from '../../wooshpay/amounts.js';

export interface TimelineEntry {
  elapsedMs: number;
  step: string;
  /** Ids and links that belong to the step, printed under it. */
  details: string[];
  /** The payment as read after the step; absent before it exists. */
  status?: Payment['status'];
  ledger?: Ledger;
}

/** The money of a payment, in WooshPay units: refunded + pending + lost never exceeds amount. */
export interface Ledger {
  amount: number;
  refunded: number;
  pending: number;
  lost: number;
}

export function ledgerOf(payment: Payment): Ledger {
  return {
    amount: payment.amount,
    refunded: payment.amount_refunded,
    pending: payment.amount_refund_pending,
    lost: payment.amount_lost,
  };
}

const COLUMNS = { time: 8, step: 46, status: 20, money: 11 };

export class Timeline {
  readonly entries: TimelineEntry[] = [];
  private readonly startedAt = Date.now();

  constructor(private readonly log: (line: string) => void) {}

  printHeader(): void {
    const money = ['amount', 'refunded', 'pending', 'lost'].map((h) => h.padStart(COLUMNS.money)).join('');
    this.log(`${'time'.padStart(COLUMNS.time - 2).padEnd(COLUMNS.time)}${'step'.padEnd(COLUMNS.step)}${'status'.padEnd(COLUMNS.status)}${money}   (IDR)`);
  }

  record(step: string, payment?: Payment, details: string[] = []): TimelineEntry {
    const entry: TimelineEntry = {
      elapsedMs: Date.now() - this.startedAt,
      step,
      details,
      ...(payment && { status: payment.status, ledger: ledgerOf(payment) }),
    };
    this.entries.push(entry);
    this.log(formatEntry(entry));
    for (const detail of details) this.log(`${' '.repeat(COLUMNS.time)}  · ${detail}`);
    return entry;
  }
}

export function formatEntry(entry: TimelineEntry): string {
  const time = `${(entry.elapsedMs / 1000).toFixed(1)}s`.padStart(COLUMNS.time - 2).padEnd(COLUMNS.time);
  const step = entry.step.length < COLUMNS.step ? entry.step.padEnd(COLUMNS.step) : `${entry.step} `;
  if (!entry.ledger || !entry.status) return `${time}${step}`.trimEnd();
  const { amount, refunded, pending, lost } = entry.ledger;
  const money = [amount, refunded, pending, lost].map((m) => idr(m).padStart(COLUMNS.money)).join('');
  return `${time}${step}${entry.status.padEnd(COLUMNS.status)}${money}`;
}

/** "10,000.00": the currency is in the header. */
export function idr(amount: number): string {
  return formatAmount(amount, 'IDR').replace(/^IDR\s*/, '');
}
