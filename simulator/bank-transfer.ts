import { createHash } from 'node:crypto';

// §12: WooshPay does not say which banks or account numbers its hosted page shows. These are the
// usual Indonesian virtual-account banks; the choice and number are derived from the intent id so
// the page shows the same instructions every time it is opened.
const BANKS = [
  { code: 'BCA', name: 'Bank Central Asia', prefix: '39358' },
  { code: 'BNI', name: 'Bank Negara Indonesia', prefix: '8808' },
  { code: 'BRI', name: 'Bank Rakyat Indonesia', prefix: '26215' },
  { code: 'MANDIRI', name: 'Bank Mandiri', prefix: '89608' },
  { code: 'PERMATA', name: 'Bank Permata', prefix: '8625' },
] as const;

export interface BankTransferInstructions {
  bankCode: string;
  bankName: string;
  virtualAccountNumber: string;
}

export function bankTransferInstructions(paymentIntentId: string): BankTransferInstructions {
  const digest = createHash('sha256').update(paymentIntentId).digest();
  const bank = BANKS[digest[0] % BANKS.length];
  const digits = BigInt(`0x${digest.subarray(1, 9).toString('hex')}`).toString().padStart(16, '0');
  return {
    bankCode: bank.code,
    bankName: bank.name,
    virtualAccountNumber: `${bank.prefix}${digits}`.slice(0, 16),
  };
}
