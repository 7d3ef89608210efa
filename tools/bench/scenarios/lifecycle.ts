/**
 * B2, lifecycles: `concurrency` at a time, create → pay on the hosted page → the merchant's `payment.succeeded`
 * notification arrives (judged by the bench's receiver), against F-LIFE (Update-with-Start + local activity,
 * a signal, one activity, complete) at the same concurrency, round after round. Target: lifecycles/s ≥ 0.7 ×
 * F-LIFE, with the CPU each process spent per payment (and per floor life).
 */
import os from 'node:os';
import { closedLoop, failures } from '../drivers.js';
import { figure, summarizeErrors, type ScenarioResult } from '../figures.js';
import { driveLoad, verifyPayments, type PaymentSample } from '../load.js';
import { summarize } from '../stats.js';
import { addCpu, cpuPer, cpuSnapshot, type BenchContext } from '../context.js';
import { readMachineBusySeconds } from '../cpu.js';

const STEP_TIMEOUT_MS = 60_000;

export async function lifecycleScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const { options } = ctx;
  const samples: PaymentSample[] = [];
  const floorMs: number[] = [];
  const errors: string[] = [];
  const cpu = { product: {} as Record<string, number>, floor: {} as Record<string, number> };
  let productWallMs = 0;
  let floorWallMs = 0;
  let floorDone = 0;
  let machineBusy = 0;

  for (let round = 1; round <= options.rounds; round++) {
    ctx.log(`lifecycle round ${round}/${options.rounds}: ${options.payments} F-LIFE then ${options.payments} payments, ${options.concurrency} at a time`);
    let before = await cpuSnapshot(ctx.pids);
    const floor = await closedLoop(options.payments, options.concurrency, (i) => ctx.floors.life(round * 100_000 + i), ctx.signal);
    addCpu(cpu.floor, before, await cpuSnapshot(ctx.pids));
    floorWallMs += floor.wallMs;
    floorDone += floor.runs.filter((r) => !r.error).length;
    floorMs.push(...floor.runs.filter((r) => !r.error).map((r) => r.ms));
    errors.push(...summarizeErrors(`F-LIFE round ${round}`, failures(floor)));

    before = await cpuSnapshot(ctx.pids);
    const machineBefore = await readMachineBusySeconds();
    const product = await driveLoad(ctx.api, ctx.stack.receiver, {
      payments: options.payments,
      concurrency: options.concurrency,
      refunds: options.refunds,
      stepTimeoutMs: STEP_TIMEOUT_MS,
      startDeadline: Number.POSITIVE_INFINITY,
      keyPrefix: `bench-${ctx.run}-life-${round}`,
      signal: ctx.signal,
    });
    addCpu(cpu.product, before, await cpuSnapshot(ctx.pids));
    const machineAfter = await readMachineBusySeconds();
    if (machineBefore !== null && machineAfter !== null) machineBusy += machineAfter - machineBefore;
    productWallMs += product.wallMs;
    samples.push(...product.samples);
    errors.push(...summarizeErrors(`lifecycle round ${round}`, product.samples.filter((s) => s.error).map((s) => `${s.error!.stage}: ${s.error!.message}`)));
  }
  const ok = samples.filter((s) => !s.error);
  errors.push(...(await verifyPayments(ctx.api, samples, options.refunds, options.concurrency)));
  if (ctx.stack.receiver.duplicates) errors.push(`${ctx.stack.receiver.duplicates} notifications delivered twice`);

  const productRate = ok.length / (productWallMs / 1000);
  const floorRate = floorDone / (floorWallMs / 1000);
  const pick = (f: (s: PaymentSample) => number | undefined) => summarize(ok.map(f).filter((v): v is number => v !== undefined));
  return {
    scenario: 'lifecycle',
    figures: [figure({ what: `lifecycles/s, concurrency ${options.concurrency}`, unit: '/s', product: productRate, floor: { name: 'F-LIFE', value: floorRate }, target: { id: 'B2', limit: 0.7, at: 'least' } })],
    latencyMs: {
      'F-LIFE (whole life)': summarize(floorMs),
      'intake POST /v1/payments → 201': pick((s) => s.intakeMs),
      'create → payment.succeeded received': pick((s) => s.notifiedMs),
      ...(options.refunds && { 'refund → refund.succeeded received': pick((s) => s.refundSettledMs) }),
    },
    errors,
    details: {
      completed: { product: ok.length, floor: floorDone },
      cpuMsPerPayment: cpuPer(cpu.product, ok.length),
      cpuMsPerFloorLife: cpuPer(cpu.floor, floorDone),
      // The whole machine's busy CPU during the product runs, beyond the processes above: someone else's load.
      otherProcessesCpuSeconds: Math.round(Math.max(machineBusy - Object.values(cpu.product).reduce((a, b) => a + b, 0), 0) * 10) / 10,
      productCpuSecondsAvailable: Math.round((productWallMs / 1000) * os.cpus().length * 10) / 10,
    },
  };
}
