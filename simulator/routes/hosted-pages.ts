import express, { type Response, type Router } from 'express';
import { formatAmount } from '../../wooshpay/amounts.js';
import { BANK_TRANSFER_REDIRECT_PATH, CHECKOUT_PAGE_PATH } from '../../wooshpay/assumptions.js';
import type { CheckoutSession, PaymentIntent, PaymentIntentStatus } from '../../wooshpay/schemas.js';
import { bankTransferInstructions } from '../bank-transfer.js';
import { escapeHtml, page, safeUrl } from '../html.js';
import { sessionIdOfToken, sessionView } from '../resources/checkout-sessions.js';
import { receiveTransfer } from '../resources/funding.js';
import type { Simulation } from '../simulation.js';

const PAYABLE: readonly PaymentIntentStatus[] = ['requires_payment_method', 'requires_confirmation', 'requires_action', 'processing'];

/**
 * The shopper's side (§12, §4): the redirect page with transfer instructions and a button that
 * stands for the transfer arriving, and the hosted Checkout page with its line items.
 */
export function hostedPageRoutes(sim: Simulation): Router {
  const router = express.Router();

  router.get(BANK_TRANSFER_REDIRECT_PATH, (req, res) => {
    const pi = sim.store.paymentIntents.get(req.params.id);
    if (!pi) return void notFoundPage(res, 'payment');
    res.type('html').send(page('Bank transfer', intentSummary(sim, pi) + payForm(pi, 'I have made the transfer')));
  });

  router.post(BANK_TRANSFER_REDIRECT_PATH, (req, res) => {
    const pi = sim.store.paymentIntents.get(req.params.id);
    if (!pi) return void notFoundPage(res, 'payment');
    if (!PAYABLE.includes(pi.status)) return void conflictPage(res, `This payment is ${pi.status}; it cannot be paid.`);
    receiveTransfer(sim, pi.id);
    const back = safeUrl(pi.return_url);
    if (back) {
      const url = new URL(back);
      url.searchParams.set('payment_intent', pi.id);
      url.searchParams.set('payment_intent_client_secret', pi.client_secret ?? '');
      url.searchParams.set('redirect_status', 'succeeded');
      return res.redirect(303, url.toString());
    }
    res.type('html').send(page('Payment received', intentSummary(sim, pi) + returnLink(pi.return_url, 'Back to the merchant')));
  });

  router.get(CHECKOUT_PAGE_PATH, (req, res) => {
    const session = sim.store.checkoutSessions.get(sessionIdOfToken(req.params.token));
    if (!session) return void notFoundPage(res, 'checkout session');
    const pi = session.payment_intent ? sim.store.paymentIntents.get(session.payment_intent) : undefined;
    const cancel = safeUrl(session.cancel_url);
    const body =
      lineItemsTable(sessionView(sim, session)) +
      (pi ? intentSummary(sim, pi, session) : '') +
      (session.status === 'open' && pi ? payForm(pi, `Pay ${formatAmount(pi.amount, pi.currency, 'id-ID')} by bank transfer`) : '') +
      (cancel && session.status === 'open' ? `<p><a href="${escapeHtml(cancel)}">Cancel and return to the merchant</a></p>` : '');
    res.type('html').send(page('Checkout', body));
  });

  router.post(CHECKOUT_PAGE_PATH, (req, res) => {
    const session = sim.store.checkoutSessions.get(sessionIdOfToken(req.params.token));
    if (!session) return void notFoundPage(res, 'checkout session');
    const pi = session.payment_intent ? sim.store.paymentIntents.get(session.payment_intent) : undefined;
    if (session.status !== 'open' || !pi || !PAYABLE.includes(pi.status)) {
      return void conflictPage(res, `This checkout is ${session.status}; it cannot be paid.`);
    }
    receiveTransfer(sim, pi.id);
    const success = safeUrl(session.success_url?.replace('{CHECKOUT_SESSION_ID}', session.id));
    if (success) return res.redirect(303, success);
    res.type('html').send(page('Payment received', returnLink(session.success_url, 'Back to the merchant')));
  });

  return router;
}

function intentSummary(sim: Simulation, pi: PaymentIntent, session?: CheckoutSession): string {
  const { bankName, bankCode, virtualAccountNumber } = bankTransferInstructions(pi.id);
  const deadline = session?.expires_at ?? sim.store.intentDeadlines.get(pi.id);
  const received = pi.amount_received ?? 0;
  return `<dl>
<dt>Amount</dt><dd id="amount">${escapeHtml(formatAmount(pi.amount, pi.currency, 'id-ID'))}</dd>
${received > 0 ? `<dt>Received</dt><dd id="received">${escapeHtml(formatAmount(received, pi.currency, 'id-ID'))}</dd>\n` : ''}<dt>Bank</dt><dd id="bank">${escapeHtml(`${bankName} (${bankCode})`)}</dd>
<dt>Virtual account</dt><dd id="virtual-account">${escapeHtml(virtualAccountNumber)}</dd>
<dt>Pay before</dt><dd id="deadline">${deadline === undefined ? 'No deadline' : escapeHtml(new Date(deadline).toISOString())}</dd>
<dt>Reference</dt><dd>${escapeHtml(pi.merchant_order_id ?? pi.id)}</dd>
${pi.description ? `<dt>Description</dt><dd>${escapeHtml(pi.description)}</dd>` : ''}
</dl>
<p class="status" id="status">Status: ${escapeHtml(pi.status)}</p>`;
}

function lineItemsTable(session: CheckoutSession): string {
  const rows = (session.line_items?.data ?? [])
    .map(
      (item) =>
        `<tr><td>${escapeHtml(item.description ?? '')}</td><td class="num">${escapeHtml(item.quantity ?? 1)}</td>` +
        `<td class="num">${escapeHtml(formatAmount(item.amount_total, item.currency, 'id-ID'))}</td></tr>`,
    )
    .join('\n');
  const total = session.amount_total ?? 0;
  return `<table id="line-items">
<thead><tr><th>Item</th><th class="num">Qty</th><th class="num">Amount</th></tr></thead>
<tbody>
${rows}
</tbody>
<tfoot><tr><th colspan="2">Total</th><th class="num">${escapeHtml(formatAmount(total, session.currency ?? 'IDR', 'id-ID'))}</th></tr></tfoot>
</table>
<p class="status" id="session-status">Checkout: ${escapeHtml(session.status)}, ${escapeHtml(session.payment_status)}</p>`;
}

function payForm(pi: PaymentIntent, label: string): string {
  if (!PAYABLE.includes(pi.status)) return '';
  return `<form method="post"><button type="submit" id="pay">${escapeHtml(label)}</button></form>`;
}

function returnLink(url: string | null | undefined, label: string): string {
  const safe = safeUrl(url);
  if (safe) return `<p><a href="${escapeHtml(safe)}">${escapeHtml(label)}</a></p>`;
  return url ? `<p>Return to: ${escapeHtml(url)}</p>` : '';
}

function notFoundPage(res: Response, what: string): void {
  res.status(404).type('html').send(page('Not found', `<p>No such ${escapeHtml(what)}.</p>`));
}

function conflictPage(res: Response, message: string): void {
  res.status(409).type('html').send(page('Cannot pay', `<p>${escapeHtml(message)}</p>`));
}
