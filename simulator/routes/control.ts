import express, { type Router } from 'express';
import { z } from 'zod';
import { parseParams } from '../api-error.js';
import { FaultRequestSchema } from '../faults.js';
import { decideDispute, openDispute } from '../resources/disputes.js';
import {
  expirePaymentIntent,
  failPaymentIntent,
  markProcessing,
} from '../resources/intent-controls.js';
import { receiveTransfer } from '../resources/funding.js';
import { failRefund, succeedRefund } from '../resources/refunds.js';
import { SettingsUpdateSchema } from '../settings.js';
import type { Simulation } from '../simulation.js';

/** §14.23, §14.24: `amount_received` is the intent's total after the transfer. */
const TransferSchema = z.strictObject({
  amount_received: z.number().int().positive().optional(),
  late: z.boolean().optional(),
});
const FailIntentSchema = z.strictObject({ code: z.string().min(1).optional(), message: z.string().min(1).optional() });
const OpenDisputeSchema = z.strictObject({
  amount: z.number().int().positive().optional(),
  reason: z.string().min(1).optional(),
});
const CloseDisputeSchema = z.strictObject({ status: z.enum(['won', 'lost']) });
const FailRefundSchema = z.strictObject({ failure_reason: z.string().min(1).optional() });
const WebhookLogFilterSchema = z.looseObject({
  event_id: z.string().optional(),
  endpoint_id: z.string().optional(),
  event_type: z.string().optional(),
});

/** Test-only controls outside `/v1` (docs/design.md "Simulator contract"; docs/wooshpay-api.md §14.20): what shoppers, banks and operators do. */
export function controlRoutes(sim: Simulation): Router {
  const router = express.Router();

  router.post('/_sim/payment_intents/:id/succeed', (req, res) => {
    res.json(receiveTransfer(sim, req.params.id, parseParams(TransferSchema, req.body)));
  });
  router.post('/_sim/payment_intents/:id/fail', (req, res) => {
    res.json(failPaymentIntent(sim, req.params.id, parseParams(FailIntentSchema, req.body)));
  });
  router.post('/_sim/payment_intents/:id/processing', (req, res) => {
    res.json(markProcessing(sim, req.params.id));
  });
  router.post('/_sim/payment_intents/:id/expire', (req, res) => {
    res.json(expirePaymentIntent(sim, req.params.id));
  });
  router.post('/_sim/payment_intents/:id/dispute', (req, res) => {
    res.json(openDispute(sim, req.params.id, parseParams(OpenDisputeSchema, req.body)));
  });
  router.post('/_sim/disputes/:id/close', (req, res) => {
    res.json(decideDispute(sim, req.params.id, parseParams(CloseDisputeSchema, req.body).status));
  });
  router.post('/_sim/refunds/:id/succeed', (req, res) => {
    res.json(succeedRefund(sim, req.params.id));
  });
  router.post('/_sim/refunds/:id/fail', (req, res) => {
    res.json(failRefund(sim, req.params.id, parseParams(FailRefundSchema, req.body).failure_reason));
  });

  router.get('/_sim/faults', (_req, res) => {
    res.json({ faults: sim.faults.list() });
  });
  router.post('/_sim/faults', (req, res) => {
    const request = parseParams(FaultRequestSchema, req.body);
    for (const fault of Array.isArray(request) ? request : [request]) sim.faults.add(fault);
    res.json({ faults: sim.faults.list() });
  });
  router.delete('/_sim/faults', (_req, res) => {
    sim.faults.clear();
    res.json({ faults: [] });
  });

  router.get('/_sim/webhooks', (req, res) => {
    const filter = parseParams(WebhookLogFilterSchema, req.query);
    const data = sim.webhooks.log.filter(
      (entry) =>
        (!filter.event_id || entry.event_id === filter.event_id) &&
        (!filter.endpoint_id || entry.endpoint_id === filter.endpoint_id) &&
        (!filter.event_type || entry.event_type === filter.event_type),
    );
    res.json({ object: 'list', data });
  });

  router.get('/_sim/requests', (_req, res) => {
    res.json({ routes: sim.requests.snapshot() });
  });

  router.get('/_sim/settings', (_req, res) => {
    res.json(sim.settings);
  });
  router.post('/_sim/settings', (req, res) => {
    Object.assign(sim.settings, parseParams(SettingsUpdateSchema, req.body));
    res.json(sim.settings);
  });
  router.post('/_sim/reset', (_req, res) => {
    sim.reset();
    res.json({ reset: true });
  });
  return router;
}
