/**
 * Every route of the intake API, in the order express registers them and the OpenAPI document lists them.
 * api/app.ts builds the router from this table and api/openapi.ts the document, so the two cannot differ.
 */
import { OPERATIONS_ROUTES } from './operations.js';
import { PAYMENT_ROUTES } from './payments.js';
import type { AnyRoute } from './route.js';

export const ROUTES: readonly AnyRoute[] = [...PAYMENT_ROUTES, ...OPERATIONS_ROUTES];
