// What the worker bundles: workflow functions only.
export { paymentWorkflow } from './payment/workflow.js';
export { reconciliationSweepWorkflow } from './reconciliation-sweep.js';
