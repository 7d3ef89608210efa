import { ERROR_CODES } from '../wooshpay/assumptions.js';
import type { PaymentIntent } from '../wooshpay/schemas.js';
import { invalidRequest } from './api-error.js';

// §2.5: WooshPay documents one example, `merchant_order_id:'order1234'`. This reads the part of
// Stripe's search language that fits it: `field:'value'` clauses, including `metadata['key']:'value'`,
// joined all by AND or all by OR.

const SEARCHABLE = ['merchant_order_id', 'status', 'currency', 'customer', 'amount', 'description'] as const;

interface Clause {
  /** A top-level field, or null for a metadata key. */
  field: (typeof SEARCHABLE)[number] | null;
  metadataKey: string | null;
  value: string;
}

const CLAUSE =
  /^\s*(?:metadata\[(?:'([^']*)'|"([^"]*)")\]|([a-z_]+))\s*:\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|([^\s'"]+))\s*/;
const JOINER = /^(AND|OR)\s+/;

export function compileSearchQuery(query: string): (pi: PaymentIntent) => boolean {
  const clauses: Clause[] = [];
  const joiners = new Set<string>();
  let rest = query.trim();
  for (;;) {
    const match = CLAUSE.exec(rest);
    if (!match) throw badQuery(`cannot read "${rest}"`);
    const [whole, singleKey, doubleKey, field, single, double, bare] = match;
    clauses.push(clause(field, singleKey ?? doubleKey, single ?? double ?? bare ?? ''));
    rest = rest.slice(whole.length);
    if (rest === '') break;
    const joiner = JOINER.exec(rest);
    if (!joiner) throw badQuery(`expected AND or OR before "${rest}"`);
    joiners.add(joiner[1]);
    rest = rest.slice(joiner[0].length);
  }
  if (joiners.size > 1) throw badQuery('AND and OR cannot be mixed');
  const test = (pi: PaymentIntent, c: Clause): boolean =>
    c.field === null ? pi.metadata[c.metadataKey ?? ''] === c.value : String(pi[c.field] ?? '') === c.value;
  return joiners.has('OR') ? (pi) => clauses.some((c) => test(pi, c)) : (pi) => clauses.every((c) => test(pi, c));
}

function clause(field: string | undefined, metadataKey: string | undefined, raw: string): Clause {
  const value = raw.replace(/\\(.)/g, '$1');
  if (metadataKey !== undefined) return { field: null, metadataKey, value };
  const known = SEARCHABLE.find((f) => f === field);
  if (!known) throw badQuery(`field "${field ?? ''}" is not searchable (try ${SEARCHABLE.join(', ')} or metadata['key'])`);
  return { field: known, metadataKey: null, value: known === 'currency' ? value.toUpperCase() : value };
}

function badQuery(reason: string) {
  return invalidRequest(ERROR_CODES.parameterInvalid, `Invalid search query: ${reason}`, 'query');
}
