// What the worker bundles: workflow functions only.
export { paymentWorkflow } from './payment.js';
export { merchantNotificationWorkflow } from './merchant-notification.js';
