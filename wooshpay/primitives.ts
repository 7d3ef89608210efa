import { z } from 'zod';
import { MILLISECOND_TIMESTAMP_THRESHOLD } from './assumptions.js';

// Field-level schemas that absorb the inconsistencies §14 lists, so object schemas can state
// what a field means and leave the how-it-arrives to these.

/** §14.5: milliseconds as documented; seconds (Stripe-copied examples) and digit strings are scaled. */
export const TimestampSchema = z
  .union([z.number().nonnegative(), z.string().regex(/^\d+$/)])
  .transform((value) => {
    const n = Number(value);
    return n >= MILLISECOND_TIMESTAMP_THRESHOLD || n === 0 ? n : n * 1_000;
  });

/** An integer amount, also as a numeric string (§14.3: refund `amount` is declared a string). */
export const AmountSchema = z
  .union([z.number().int(), z.string().regex(/^-?\d+$/, 'Expected an integer amount')])
  .transform(Number)
  .pipe(z.number().int().refine(Number.isSafeInteger, 'Amount out of range'));

/** A request amount: a positive integer, or a numeric string (§14.3). */
export const PositiveAmountSchema = AmountSchema.pipe(z.number().positive('Amount must be positive'));

/** §14.6: either case accepted, uppercase out. */
export const CurrencySchema = z
  .string()
  .regex(/^[A-Za-z]{3}$/, 'Expected a three-letter ISO currency code')
  .transform((c) => c.toUpperCase());

/** §2.4: a string map; numbers and booleans are stringified, a null map reads as empty. */
const MetadataValueSchema = z.union([z.string(), z.number(), z.boolean()]).transform(String);
export const MetadataParamSchema = z.record(z.string(), MetadataValueSchema);
export const MetadataSchema = MetadataParamSchema.nullish().transform((m) => m ?? {});

/** §14.14: some fields arrive JSON-encoded as strings, `""` meaning absent. */
export function jsonEncoded<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    if (value.trim() === '') return null;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }, schema);
}

/** Query-string integers arrive as strings; JSON bodies (§14.8) send numbers. */
export const QueryIntegerSchema = z
  .union([z.number().int(), z.string().regex(/^-?\d+$/, 'Expected an integer')])
  .transform(Number);

/** §2.5: `created` filter, an exact value or a range. */
export const CreatedFilterSchema = z.union([
  QueryIntegerSchema,
  z.strictObject({
    gt: QueryIntegerSchema.optional(),
    gte: QueryIntegerSchema.optional(),
    lt: QueryIntegerSchema.optional(),
    lte: QueryIntegerSchema.optional(),
  }),
]);
