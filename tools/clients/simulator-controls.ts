/**
 * The simulator's test-only controls (`/_sim/…`, outside WooshPay's `/v1`): what the shopper's bank does, which
 * no API of ours can cause. Only scripts and tests that run against the simulator use these.
 */
import type { z } from 'zod';
import { DisputeSchema } from '../../wooshpay/schemas.js';
import { describeUnreachable } from './unreachable.js';

/** WooshPay's dispute object, as the simulator answers it. */
export type SimulatedDispute = z.infer<typeof DisputeSchema>;

export interface SimulatorControls {
  /** The shopper's bank disputes (part of) a succeeded payment intent. */
  openDispute(paymentIntentId: string, body: { amount?: number; reason?: string }): Promise<SimulatedDispute>;
  /** The bank decides the dispute. */
  closeDispute(disputeId: string, status: 'won' | 'lost'): Promise<SimulatedDispute>;
  /** Changes simulator settings (e.g. `refundAutoSettleMs`). */
  updateSettings(settings: Record<string, unknown>): Promise<void>;
}

export function createSimulatorControls(simulatorUrl: string): SimulatorControls {
  const base = simulatorUrl.replace(/\/+$/, '');

  async function post(path: string, body: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (err) {
      throw new Error(`POST ${path}: ${describeUnreachable('the WooshPay simulator', base, err)}`, { cause: err });
    }
    const text = await response.text();
    if (!response.ok) throw new Error(`The simulator answered ${response.status} to POST ${path}: ${text}`);
    return JSON.parse(text) as unknown;
  }

  return {
    async openDispute(paymentIntentId, body) {
      return DisputeSchema.parse(await post(`/_sim/payment_intents/${encodeURIComponent(paymentIntentId)}/dispute`, body));
    },
    async closeDispute(disputeId, status) {
      return DisputeSchema.parse(await post(`/_sim/disputes/${encodeURIComponent(disputeId)}/close`, { status }));
    },
    async updateSettings(settings) {
      await post('/_sim/settings', settings);
    },
  };
}
