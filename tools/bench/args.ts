/** `npm run bench -- --payments 200 --concurrency 20 [--refunds] …`, each also settable as BENCH_<NAME>. */
import { parseArgs } from 'node:util';
import type { RuntimeKind } from './product-processes.js';

export interface BenchOptions {
  payments: number;
  concurrency: number;
  /** Payments run first and left out of the figures (connections, JIT, caches). */
  warmup: number;
  refunds: boolean;
  /** No payment starts after this many seconds of load. */
  maxSeconds: number;
  runtime: RuntimeKind;
  logLevel: string;
  out: string;
}

export const USAGE = `npm run bench -- [--payments 200] [--concurrency 20] [--warmup 10] [--refunds]
                 [--max-seconds 300] [--runtime compiled|tsx] [--log-level info] [--out bench-results/latest.json]`;

const LIMITS = { payments: [1, 10_000], concurrency: [1, 500], warmup: [0, 1_000], maxSeconds: [1, 3_600] } as const;

export function parseBenchArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      payments: { type: 'string' },
      concurrency: { type: 'string' },
      warmup: { type: 'string' },
      refunds: { type: 'boolean' },
      'max-seconds': { type: 'string' },
      runtime: { type: 'string' },
      'log-level': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const int = (name: keyof typeof LIMITS, flag: string, fallback: number): number => {
    const raw = values[flag as keyof typeof values] ?? env[`BENCH_${flag.toUpperCase().replace(/-/g, '_')}`];
    const value = raw === undefined ? fallback : Number(raw);
    const [min, max] = LIMITS[name];
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${flag} must be an integer from ${min} to ${max}`);
    return value;
  };
  const runtime = String(values.runtime ?? env.BENCH_RUNTIME ?? 'compiled');
  if (runtime !== 'compiled' && runtime !== 'tsx') throw new Error('--runtime is compiled or tsx');
  return {
    payments: int('payments', 'payments', 200),
    concurrency: int('concurrency', 'concurrency', 20),
    warmup: int('warmup', 'warmup', 10),
    refunds: values.refunds ?? ['1', 'true'].includes(env.BENCH_REFUNDS ?? ''),
    maxSeconds: int('maxSeconds', 'max-seconds', 300),
    runtime,
    logLevel: String(values['log-level'] ?? env.BENCH_LOG_LEVEL ?? 'info'),
    out: String(values.out ?? env.BENCH_OUT ?? 'bench-results/latest.json'),
  };
}
