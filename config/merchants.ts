/**
 * Merchants in configuration: which merchant holds each API key (`API_KEYS`), and each merchant's own
 * notification endpoint (`MERCHANT_NOTIFY_URLS`) and signing secret (`MERCHANT_NOTIFY_SIGNING_SECRETS`).
 * Each schema takes the comma list already split into entries. Messages never repeat a key or a secret.
 */
import { z } from 'zod';
import { DEFAULT_MERCHANT_ID } from '../workflows/messages.js';

/**
 * A short slug: it is written into search attributes, visibility queries, payment-id derivation and log lines,
 * so it is kept to characters that need no quoting anywhere (and cannot be `__proto__`).
 */
export const MerchantIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'a merchant id is a slug of at most 32 lowercase letters, digits, - and _ (e.g. `shop-1`)');

export interface ApiKeyEntry {
  merchantId: string;
  key: string;
}

/** `merchant<separator>value` → [merchant, value]; without the separator, the whole entry is the value of `default`. */
function splitEntry(entry: string, separator: ':' | '='): [string, string] {
  const at = entry.indexOf(separator);
  return at < 0 ? [DEFAULT_MERCHANT_ID, entry] : [entry.slice(0, at).trim(), entry.slice(at + 1).trim()];
}

/** One `API_KEYS` entry read as written (`merchant:key`, or a bare key of `default`), not yet validated. */
export function readApiKeyEntry(entry: string): ApiKeyEntry {
  const [merchantId, key] = splitEntry(entry, ':');
  return { merchantId, key };
}

/**
 * `API_KEYS`: `merchant:key` entries; a bare key belongs to `default` (the setup from before merchants). A
 * merchant may hold several keys (rotation); one key held by two merchants is refused, since a request with
 * it could not say whose payments it may touch. A key containing `:` is written with its merchant.
 */
export const ApiKeysSchema = z
  .array(
    z
      .string()
      .transform(readApiKeyEntry)
      .pipe(z.object({ merchantId: MerchantIdSchema, key: z.string().min(16, 'each API key needs at least 16 characters') })),
  )
  .superRefine((entries, ctx) => {
    const holder = new Map<string, string>();
    for (const { merchantId, key } of entries) {
      const other = holder.get(key);
      if (other !== undefined && other !== merchantId) {
        ctx.addIssue({ code: 'custom', message: `one key is listed for two merchants (${other} and ${merchantId}); give each its own` });
      }
      holder.set(key, merchantId);
    }
  })
  .transform((entries) => entries.filter((e, i) => entries.findIndex((o) => o.key === e.key) === i));

/** `merchant<separator>value` entries, one per merchant, into a map (merchant → value). */
function perMerchant(separator: ':' | '=', value: z.ZodType<string, string>) {
  return z
    .array(
      z
        .string()
        .refine((entry) => entry.includes(separator), `each entry is merchant${separator}value`)
        .transform((entry) => splitEntry(entry, separator))
        .pipe(z.tuple([MerchantIdSchema, value])),
    )
    .superRefine((pairs, ctx) => {
      const seen = new Set<string>();
      for (const [merchantId] of pairs) {
        if (seen.has(merchantId)) ctx.addIssue({ code: 'custom', message: `merchant ${merchantId} is listed twice` });
        seen.add(merchantId);
      }
    })
    .transform((pairs): ReadonlyMap<string, string> => new Map(pairs));
}

/** `MERCHANT_NOTIFY_URLS`: `merchant=https://…` (URLs hold `:`, hence `=`). */
export const merchantNotifyUrlsSchema = (url: z.ZodType<string, string>) => perMerchant('=', url);

/** `MERCHANT_NOTIFY_SIGNING_SECRETS`: `merchant:secret`, each as long as NOTIFY_SIGNING_SECRET must be. */
export const MerchantSigningSecretsSchema = perMerchant(':', z.string().min(16, 'each signing secret needs at least 16 characters'));

/**
 * Per-merchant settings naming a merchant that holds no API key: almost surely a typo. Only where the keys are
 * known (the API, `npm start`); the worker reads its secrets without API_KEYS.
 */
export function keylessMerchants(
  apiKeys: readonly ApiKeyEntry[] | undefined,
  settings: Record<string, ReadonlyMap<string, string> | undefined>,
): { variable: string; message: string }[] {
  if (!apiKeys) return [];
  const holders = new Set(apiKeys.map((k) => k.merchantId));
  return Object.entries(settings).flatMap(([variable, perMerchantValues]) => {
    const unknown = [...(perMerchantValues?.keys() ?? [])].filter((m) => !holders.has(m));
    return unknown.length > 0 ? [{ variable, message: `no API key in API_KEYS belongs to ${unknown.join(', ')}` }] : [];
  });
}
