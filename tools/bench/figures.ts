/**
 * A figure is one product measurement printed beside its floor (from the same run) as a ratio, and, where
 * issue 9 sets a target, whether it passes. What every scenario returns, and what the report prints.
 */
import type { LatencySummary } from './stats.js';

export interface Target {
  /** B1…B5. */
  id: string;
  /** The rule as written, e.g. "≤ 1.25 × floor". */
  rule: string;
  /** null when a figure it needs is missing (nothing measured: neither pass nor fail). */
  pass: boolean | null;
}

export interface Figure {
  what: string;
  unit: string;
  product: number | null;
  floor?: { name: string; value: number | null };
  /** product ÷ floor. */
  ratio?: number | null;
  target?: Target;
}

export interface ScenarioResult {
  scenario: string;
  figures: Figure[];
  /** Every latency distribution measured, floors and product, by name. */
  latencyMs: Record<string, LatencySummary | null>;
  /** Failed operations (the first few of each kind) and broken expectations; any makes the run fail. */
  errors: string[];
  details: Record<string, unknown>;
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * `limit` bounds the ratio when there is a floor, else the product figure itself; `at: 'most'` means
 * product ≤ limit (× floor), `at: 'least'` product ≥ limit (× floor).
 */
export function figure(input: {
  what: string;
  unit: string;
  product: number | null | undefined;
  floor?: { name: string; value: number | null | undefined };
  target?: { id: string; limit: number; at: 'most' | 'least' };
}): Figure {
  const product = input.product ?? null;
  const floor = input.floor ? { name: input.floor.name, value: input.floor.value ?? null } : undefined;
  const ratio = floor ? (product !== null && floor.value ? round(product / floor.value) : null) : undefined;
  const result: Figure = { what: input.what, unit: input.unit, product: product === null ? null : round(product, 1), ...(floor && { floor, ratio }) };
  if (input.target) {
    const { id, limit, at } = input.target;
    const compared = floor ? ratio : product;
    const sign = at === 'most' ? '≤' : '≥';
    result.target = {
      id,
      rule: floor ? `${sign} ${limit} × ${floor.name}` : `${sign} ${limit} ${input.unit}`,
      pass: compared === null || compared === undefined ? null : at === 'most' ? compared <= limit : compared >= limit,
    };
  }
  return result;
}

/** A yes/no expectation (B5's correctness) as a figure: the count that broke it, target 0. */
export function check(id: string, what: string, broken: number | null): Figure {
  return { what, unit: 'broken', product: broken, target: { id, rule: '= 0', pass: broken === null ? null : broken === 0 } };
}

/** Errors grouped by message prefix, a few of each, so one systematic failure does not drown the rest. */
export function summarizeErrors(label: string, messages: readonly string[]): string[] {
  if (!messages.length) return [];
  return [`${label}: ${messages.length} failed, e.g. ${[...new Set(messages)].slice(0, 3).join(' | ')}`];
}
