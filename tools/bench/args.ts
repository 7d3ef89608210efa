/** `npm run bench -- --scenario intake,lifecycle … --rate 20 …`, each flag also settable as BENCH_<NAME>. */
import { parseArgs } from 'node:util';
import { WORKER_HEAP_MB } from '../../worker/tuning.js';
import type { RuntimeKind } from './product-processes.js';

export const SCENARIOS = ['intake', 'webhooks', 'lifecycle', 'expiring', 'waiting'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface BenchOptions {
  /** In this order whatever order they were given: waiting last, since it leaves payments open. */
  scenarios: Scenario[];
  /** Floor and product take turns this many times; every figure pools its rounds. */
  rounds: number;
  /** Intake: samples per round of each floor and of the product, at concurrency 1 and again open loop. */
  intake: number;
  /** Open-loop arrival rate (operations/s) for intake. */
  rate: number;
  /** Lifecycle: payments per round, `concurrency` at a time (F-LIFE the same). */
  payments: number;
  concurrency: number;
  refunds: boolean;
  /** Each product process writes V8 CPU profiles next to the logs (profiles/<role>/) when it stops. */
  profile: boolean;
  /** Webhooks: payments per round whose webhook is timed (one at a time), and as many floor signals. */
  webhooks: number;
  /** Waiting: cumulative sizes (1000,10000: 1k waiting, then 9k more). */
  waiting: number[];
  /** Expiring: payments whose expires_at falls in one second (and F-TIMERS with the same N). */
  expiring: number;
  /**
   * Creations/s the expiring scenario plans its second with; measured by a short probe when not given.
   * Slower creation than planned is reported, not hidden.
   */
  expiringCreateRate: number | undefined;
  /** Window over which idle CPU and background workflow tasks are measured. */
  idleSeconds: number;
  warmup: number;
  workerHeapMb: number;
  temporalAddress: string | undefined;
  namespace: string;
  runtime: RuntimeKind;
  logLevel: string;
  out: string;
}

export const USAGE = `npm run bench -- [--scenario all|intake,webhooks,lifecycle,expiring,waiting] [--rounds 3]
    [--intake 50] [--rate 20] [--payments 100] [--concurrency 20] [--refunds] [--webhooks 50]
    [--waiting 1000,10000] [--expiring 10000] [--expiring-create-rate measured] [--idle-seconds 30] [--warmup 10]
    [--worker-heap-mb 1024] [--temporal-address host:port] [--namespace default]
    [--runtime compiled|tsx] [--log-level info] [--profile] [--out bench-results/latest.json]`;

const INTS = {
  rounds: [1, 20, 3],
  intake: [1, 10_000, 50],
  rate: [1, 1_000, 20],
  payments: [1, 10_000, 100],
  concurrency: [1, 500, 20],
  webhooks: [1, 10_000, 50],
  expiring: [1, 100_000, 10_000],
  'idle-seconds': [1, 3_600, 30],
  warmup: [0, 1_000, 10],
  'worker-heap-mb': [64, 65_536, WORKER_HEAP_MB],
} as const;

export function parseBenchArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const strings = ['scenario', 'waiting', 'expiring-create-rate', 'temporal-address', 'namespace', 'runtime', 'log-level', 'out', ...Object.keys(INTS)];
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: { ...Object.fromEntries(strings.map((name) => [name, { type: 'string' as const }])), refunds: { type: 'boolean' }, profile: { type: 'boolean' } },
  });
  const raw = (flag: string): string | undefined =>
    (values as Record<string, string | undefined>)[flag] ?? env[`BENCH_${flag.toUpperCase().replace(/-/g, '_')}`];
  const int = (flag: keyof typeof INTS): number => {
    const [min, max, fallback] = INTS[flag];
    const value = raw(flag) === undefined ? fallback : Number(raw(flag));
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${flag} must be an integer from ${min} to ${max}`);
    return value;
  };
  const runtime = raw('runtime') ?? 'compiled';
  if (runtime !== 'compiled' && runtime !== 'tsx') throw new Error('--runtime is compiled or tsx');
  return {
    scenarios: parseScenarios(raw('scenario') ?? 'all'),
    rounds: int('rounds'),
    intake: int('intake'),
    rate: int('rate'),
    payments: int('payments'),
    concurrency: int('concurrency'),
    refunds: values.refunds ?? ['1', 'true'].includes(env.BENCH_REFUNDS ?? ''),
    profile: values.profile ?? ['1', 'true'].includes(env.BENCH_PROFILE ?? ''),
    webhooks: int('webhooks'),
    waiting: parseSizes(raw('waiting') ?? '1000,10000'),
    expiring: int('expiring'),
    expiringCreateRate: raw('expiring-create-rate') === undefined ? undefined : positive('expiring-create-rate', raw('expiring-create-rate')!),
    idleSeconds: int('idle-seconds'),
    warmup: int('warmup'),
    workerHeapMb: int('worker-heap-mb'),
    temporalAddress: parseAddress(raw('temporal-address')),
    namespace: raw('namespace') ?? 'default',
    runtime,
    logLevel: raw('log-level') ?? 'info',
    out: raw('out') ?? 'bench-results/latest.json',
  };
}

function positive(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > 1_000) throw new Error(`--${flag} must be a number above 0, at most 1000`);
  return value;
}

function parseScenarios(text: string): Scenario[] {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.includes('all')) return [...SCENARIOS];
  const unknown = names.filter((n) => !(SCENARIOS as readonly string[]).includes(n));
  if (unknown.length || !names.length) throw new Error(`--scenario is all or a list of ${SCENARIOS.join(', ')} (got ${text})`);
  return SCENARIOS.filter((s) => names.includes(s));
}

function parseSizes(text: string): number[] {
  const sizes = text.split(',').map((s) => Number(s.trim()));
  if (!sizes.length || sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 100_000) || sizes.some((n, i) => i > 0 && n <= sizes[i - 1])) {
    throw new Error(`--waiting is a rising list of sizes such as 1000,10000 (got ${text})`);
  }
  return sizes;
}

function parseAddress(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (!/^[\w.-]+:\d{1,5}$/.test(text)) throw new Error(`--temporal-address is host:port (got ${text})`);
  return text;
}
