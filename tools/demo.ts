/**
 * `npm run demo`: one payment's whole life against a running `npm start`, over HTTP only — the intake API as a
 * merchant backend calls it, the hosted bank-transfer page as a shopper uses it, and the simulator's `/_sim`
 * controls for what only the shopper's bank can do (a dispute and its decision). It prints a timeline with the
 * payment's status and ledger at each step, then where to see the workflow in the Temporal UI.
 *
 *   API_KEY=dev_… npm run demo
 *
 * Environment: API_KEY (the `API key` line of the npm start banner; else the first of API_KEYS), API_URL
 * (http://127.0.0.1:$PORT, PORT 3000), SIMULATOR_URL (http://127.0.0.1:$SIMULATOR_PORT, 4010), TEMPORAL_UI_URL
 * (http://127.0.0.1:8233), TEMPORAL_NAMESPACE (default).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readApiKeyEntry } from '../config/merchants.js';
import { createIntakeApi, IntakeApiError, type Payment } from './clients/intake-api.js';
import { openTransferPage, submitTransfer } from './clients/shopper.js';
import { createSimulatorControls } from './clients/simulator-controls.js';
import { idr, Timeline, type TimelineEntry } from './demo/timeline.js';
import { waitForPayment, type Expectation } from './demo/wait-for-payment.js';

export interface DemoOptions {
  apiUrl: string;
  apiKey: string;
  simulatorUrl: string;
  uiUrl: string;
  namespace?: string;
  log?: (line: string) => void;
  /** Longest wait for any one state change. Refunds settle about 3 s after they are made under npm start. */
  waitTimeoutMs?: number;
  pollMs?: number;
}

export interface DemoResult {
  payment: Payment;
  timeline: TimelineEntry[];
  /** The payment's workflow in the Temporal UI (the workflow id is the payment id). */
  workflowUrl: string;
  /** Every charged-back payment, found by the `PaymentStatus` search attribute. */
  chargedBackListUrl: string;
}

/** A failure the person running the demo can act on; printed without a stack trace. */
export class DemoError extends Error {
  override readonly name = 'DemoError';
}

const PAYMENT_AMOUNT = 1_000_000; // IDR 10,000.00 (WooshPay units, exponent 2)
const REFUND_SHARES = [0.3, 0.2];
const UNPAID_ENDINGS: readonly Payment['status'][] = ['expired', 'canceled', 'failed'];

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const wait = { timeoutMs: options.waitTimeoutMs ?? 30_000, pollMs: options.pollMs ?? 250 };
  const namespace = options.namespace ?? 'default';
  const api = createIntakeApi({ apiUrl: options.apiUrl, apiKey: options.apiKey });
  const sim = createSimulatorControls(options.simulatorUrl);
  const timeline = new Timeline(log);
  const run = randomBytes(6).toString('hex');

  log(`WooshPay bank-transfer demo · API ${api.url} · simulator ${options.simulatorUrl}`);
  log('');
  timeline.printHeader();

  const ready = await api.ready().catch((err: unknown) => {
    throw new DemoError(notReadyMessage(api.url, err));
  });
  timeline.record(`API ready (Temporal ${ready.temporal}, namespace ${ready.namespace})`);

  // 1. The merchant backend creates the payment and gets the shopper's redirect URL in the same answer.
  const { payment: created } = await api.createPayment(
    {
      amount: PAYMENT_AMOUNT,
      currency: 'IDR',
      return_url: 'https://shop.example/return',
      merchant_order_id: `demo-${run}`,
      description: 'npm run demo',
      metadata: { source: 'npm-run-demo' },
    },
    `demo-${run}`,
  );
  if (created.status !== 'requires_action' || !created.redirect_url || !created.payment_intent) {
    throw new DemoError(`The new payment ${created.id} is ${created.status} without a redirect URL; expected requires_action.`);
  }
  const paymentId = created.id;
  timeline.record('payment created', created, [
    `${paymentId} · order ${created.merchant_order_id ?? ''} · WooshPay intent ${created.payment_intent}`,
    `redirect_url ${created.redirect_url}`,
  ]);

  // 2. The shopper opens the bank-transfer page and presses its button (the transfer arriving).
  const page = await openTransferPage(created.redirect_url);
  if (!page.payable) throw new DemoError(`The bank-transfer page ${created.redirect_url} offers no way to pay.`);
  const { returnedTo } = await submitTransfer(created.redirect_url);
  timeline.record('shopper paid on the bank-transfer page', await api.getPayment(paymentId), [
    `virtual account ${page.virtualAccount ?? '?'}${returnedTo ? ` · sent back to ${new URL(returnedTo).origin}${new URL(returnedTo).pathname}` : ''}`,
  ]);
  const paid = await waitForPayment(api, paymentId, succeeded, wait);
  timeline.record('payment succeeded (WooshPay webhook)', paid);

  // 3. Two partial refunds; WooshPay settles each a little later (npm start's simulator: ~3 s).
  const refundAmounts = REFUND_SHARES.map((share) => Math.round(PAYMENT_AMOUNT * share));
  for (const [i, amount] of refundAmounts.entries()) {
    const refund = await api.refund(paymentId, { amount, reason: 'requested_by_customer' }, `demo-${run}-refund-${i + 1}`);
    timeline.record(`refund ${i + 1} of ${idr(amount)} requested`, await api.getPayment(paymentId), [`${refund.id} ${refund.status}`]);
  }
  const refundedTotal = refundAmounts.reduce((sum, a) => sum + a, 0);
  const settled = await waitForPayment(api, paymentId, refundsSettled(refundedTotal), wait);
  timeline.record('both refunds settled at WooshPay', settled, settled.refunds.map((r) => `${r.id} ${idr(r.amount)} ${r.status} (WooshPay ${r.provider_refund ?? '?'})`));

  // 4. The shopper's bank disputes what was not refunded, and WooshPay's decision goes against the merchant.
  const remainder = PAYMENT_AMOUNT - refundedTotal;
  const dispute = await sim.openDispute(created.payment_intent, { amount: remainder, reason: 'fraudulent' });
  timeline.record(`bank opened a dispute for ${idr(remainder)}`, await api.getPayment(paymentId), [`${dispute.id} ${dispute.status} · reason ${dispute.reason ?? '?'}`]);
  const disputed = await waitForPayment(api, paymentId, isDisputed, wait);
  timeline.record('payment disputed', disputed, [`funds withdrawn: ${disputed.dispute?.funds_withdrawn ? 'yes' : 'no'}`]);
  await sim.closeDispute(dispute.id, 'lost');
  timeline.record('bank decided the dispute: lost', await api.getPayment(paymentId));
  const chargedBack = await waitForPayment(api, paymentId, isChargedBack, wait);
  timeline.record('payment charged back', chargedBack);

  const ui = options.uiUrl.replace(/\/+$/, '');
  const result: DemoResult = {
    payment: chargedBack,
    timeline: timeline.entries,
    workflowUrl: `${ui}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(paymentId)}`,
    chargedBackListUrl: `${ui}/namespaces/${encodeURIComponent(namespace)}/workflows?query=${encodeURIComponent('PaymentStatus="charged_back"')}`,
  };
  log('');
  log(`Refunded ${idr(chargedBack.amount_refunded)} and lost ${idr(chargedBack.amount_lost)} of ${idr(chargedBack.amount)} IDR.`);
  log('Temporal UI');
  log(`  this payment's workflow     ${result.workflowUrl}`);
  log(`  every charged-back payment  ${result.chargedBackListUrl}`);
  return result;
}

const succeeded: Expectation = {
  description: 'the payment to succeed',
  reached: (p) => p.status === 'succeeded',
  ruledOutBy: (p) => (UNPAID_ENDINGS.includes(p.status) ? `it ended ${p.status}` : undefined),
};

function refundsSettled(total: number): Expectation {
  return {
    description: `both refunds to settle (${idr(total)} refunded)`,
    reached: (p) => p.amount_refund_pending === 0 && p.amount_refunded === total,
    ruledOutBy: (p) => {
      const failed = p.refunds.find((r) => r.status === 'failed');
      return failed ? `refund ${failed.id} failed: ${failed.failure_reason ?? 'no reason given'}` : undefined;
    },
  };
}

const isDisputed: Expectation = {
  description: 'the payment to be disputed',
  reached: (p) => p.status === 'disputed',
  ruledOutBy: (p) => (p.dispute && ['won', 'lost'].includes(p.dispute.status) ? `the dispute is already ${p.dispute.status}` : undefined),
};

const isChargedBack: Expectation = {
  description: 'the payment to be charged back',
  reached: (p) => p.status === 'charged_back' && p.dispute?.status === 'lost',
  ruledOutBy: (p) => (p.dispute?.status === 'won' ? 'the dispute was won' : undefined),
};

function notReadyMessage(apiUrl: string, err: unknown): string {
  if (err instanceof IntakeApiError) return `The API at ${apiUrl} is not ready (${err.message}).`;
  return `${(err as Error).message}. Start the product with \`npm start\` in another terminal, or set API_URL.`;
}

/** The demo's options from the environment, with the defaults `npm start` listens on. */
export function demoOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): DemoOptions {
  // An entry of API_KEYS may name its merchant (`merchant:key`); the bearer is the key alone.
  const firstEntry = env.API_KEYS?.split(',')[0]?.trim();
  const apiKey = env.API_KEY || (firstEntry && readApiKeyEntry(firstEntry).key);
  if (!apiKey) {
    throw new DemoError(
      'API_KEY is not set. Copy the key from the "API key  dev_…" line of the npm start banner and run\n' +
        '  API_KEY=dev_… npm run demo\n' +
        '(or, when npm start runs with API_KEYS set, export the same API_KEYS here).',
    );
  }
  return {
    apiKey,
    apiUrl: env.API_URL || `http://127.0.0.1:${env.PORT || 3000}`,
    simulatorUrl: env.SIMULATOR_URL || `http://127.0.0.1:${env.SIMULATOR_PORT || 4010}`,
    uiUrl: env.TEMPORAL_UI_URL || 'http://127.0.0.1:8233',
    namespace: env.TEMPORAL_NAMESPACE || 'default',
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await runDemo(demoOptionsFromEnv());
  } catch (err) {
    const hint = err instanceof IntakeApiError && err.status === 401 ? '\nThe API refused the key: copy API_KEY from the npm start banner of this run (a fresh key is made on every start).' : '';
    process.stderr.write(`\ndemo failed: ${(err as Error).message}${hint}\n`);
    process.exitCode = 1;
  }
}
