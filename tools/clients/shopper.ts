/**
 * The shopper's side of a direct bank transfer: the payment's `redirect_url` is WooshPay's hosted page with the
 * transfer instructions and a form whose button stands for the transfer arriving (in the simulator). Paying
 * through that form, rather than a `/_sim` control, exercises what a real shopper's browser does.
 */
import { describeUnreachable } from './unreachable.js';

export interface TransferPage {
  /** The virtual account the page tells the shopper to pay into. */
  virtualAccount: string | undefined;
  /** Whether the page still offers to pay (it does not once the payment is final). */
  payable: boolean;
}

/** `GET redirect_url`, as the shopper's browser opens it. */
export async function openTransferPage(redirectUrl: string): Promise<TransferPage> {
  const response = await send(redirectUrl, { method: 'GET' });
  const html = await response.text();
  if (response.status !== 200) throw new Error(`The bank-transfer page ${redirectUrl} answered ${response.status}.`);
  return {
    virtualAccount: /id="virtual-account">([^<]*)</.exec(html)?.[1],
    payable: /<form method="post"/.test(html),
  };
}

/**
 * Submits the page's form (it posts to the page itself). WooshPay answers by sending the shopper back to the
 * merchant's `return_url` (303), which is not followed: the shopper's journey ends at the merchant.
 */
export async function submitTransfer(redirectUrl: string): Promise<{ returnedTo: string | undefined }> {
  const response = await send(redirectUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: '',
    redirect: 'manual',
  });
  await response.body?.cancel();
  if (response.status === 303) return { returnedTo: response.headers.get('location') ?? undefined };
  if (response.status === 200) return { returnedTo: undefined };
  throw new Error(`Paying on the bank-transfer page ${redirectUrl} answered ${response.status}.`);
}

async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  } catch (err) {
    throw new Error(describeUnreachable("WooshPay's bank-transfer page", url, err), { cause: err });
  }
}
