/**
 * WooshPay's operations as the product uses them: each names its path, its answer's schema and its parameters'
 * schema; the transport (transport.ts) checks, sends and classifies.
 */
import { EventSchema } from './events.js';
import { PATHS } from './paths.js';
import {
  CancelPaymentIntentParamsSchema,
  ChargeSchema,
  CheckoutSessionSchema,
  ConfirmPaymentIntentParamsSchema,
  CreateCheckoutSessionParamsSchema,
  CreatePaymentIntentParamsSchema,
  CreateRefundParamsSchema,
  CreateWebhookEndpointParamsSchema,
  DeletedWebhookEndpointSchema,
  DisputeSchema,
  LineItemSchema,
  ListChargesParamsSchema,
  ListCheckoutSessionsParamsSchema,
  ListDisputesParamsSchema,
  ListParamsSchema,
  ListPaymentIntentsParamsSchema,
  PaymentIntentSchema,
  RefundSchema,
  SearchPaymentIntentsParamsSchema,
  UpdateDisputeParamsSchema,
  UpdateWebhookEndpointParamsSchema,
  WebhookEndpointSchema,
  listEnvelope,
  type CancelPaymentIntentParams,
  type ConfirmPaymentIntentParams,
  type CreateCheckoutSessionParams,
  type CreatePaymentIntentParams,
  type CreateRefundParams,
  type CreateWebhookEndpointParams,
  type ListChargesParams,
  type ListCheckoutSessionsParams,
  type ListDisputesParams,
  type ListParams,
  type ListPaymentIntentsParams,
  type SearchPaymentIntentsParams,
  type UpdateDisputeParams,
  type UpdateWebhookEndpointParams,
} from './schemas.js';
import { createTransport, withSchema, type PostOptions, type RequestOptions, type WooshPayClientOptions } from './transport.js';

export type { PostOptions, RequestOptions, WooshPayClientOptions } from './transport.js';

const PaymentIntentList = listEnvelope(PaymentIntentSchema);
const CheckoutSessionList = listEnvelope(CheckoutSessionSchema);
const LineItemList = listEnvelope(LineItemSchema);
const ChargeList = listEnvelope(ChargeSchema);
const DisputeList = listEnvelope(DisputeSchema);
const WebhookEndpointList = listEnvelope(WebhookEndpointSchema);

export function createWooshPayClient(options: WooshPayClientOptions) {
  const { request, get, post } = createTransport(options);
  return {
    createPaymentIntent: (params: CreatePaymentIntentParams, options: PostOptions) =>
      post(PATHS.paymentIntents, PaymentIntentSchema, options, { params: withSchema(CreatePaymentIntentParamsSchema, params) }),
    retrievePaymentIntent: (id: string, options?: RequestOptions) =>
      get(PATHS.paymentIntent, PaymentIntentSchema, options, { id }),
    confirmPaymentIntent: (id: string, params: ConfirmPaymentIntentParams, options: PostOptions) =>
      post(PATHS.paymentIntentConfirm, PaymentIntentSchema, options, { id, params: withSchema(ConfirmPaymentIntentParamsSchema, params) }),
    cancelPaymentIntent: (id: string, params: CancelPaymentIntentParams, options: PostOptions) =>
      post(PATHS.paymentIntentCancel, PaymentIntentSchema, options, { id, params: withSchema(CancelPaymentIntentParamsSchema, params) }),
    listPaymentIntents: (params: ListPaymentIntentsParams = {}, options?: RequestOptions) =>
      get(PATHS.paymentIntents, PaymentIntentList, options, { params: withSchema(ListPaymentIntentsParamsSchema, params) }),
    searchPaymentIntents: (params: SearchPaymentIntentsParams, options?: RequestOptions) =>
      get(PATHS.paymentIntentsSearch, PaymentIntentList, options, { params: withSchema(SearchPaymentIntentsParamsSchema, params) }),

    createCheckoutSession: (params: CreateCheckoutSessionParams, options: PostOptions) =>
      post(PATHS.checkoutSessions, CheckoutSessionSchema, options, { params: withSchema(CreateCheckoutSessionParamsSchema, params) }),
    retrieveCheckoutSession: (id: string, options?: RequestOptions) =>
      get(PATHS.checkoutSession, CheckoutSessionSchema, options, { id }),
    /** Also cancels the session's PaymentIntent (§14.12). */
    expireCheckoutSession: (id: string, options: PostOptions) =>
      post(PATHS.checkoutSessionExpire, CheckoutSessionSchema, options, { id }),
    listCheckoutSessionLineItems: (id: string, params: ListParams = {}, options?: RequestOptions) =>
      get(PATHS.checkoutSessionLineItems, LineItemList, options, { id, params: withSchema(ListParamsSchema, params) }),
    listCheckoutSessions: (params: ListCheckoutSessionsParams = {}, options?: RequestOptions) =>
      get(PATHS.checkoutSessionsList, CheckoutSessionList, options, { params: withSchema(ListCheckoutSessionsParamsSchema, params) }),

    createRefund: (params: CreateRefundParams, options: PostOptions) =>
      post(PATHS.refunds, RefundSchema, options, { params: withSchema(CreateRefundParamsSchema, params) }),
    retrieveRefund: (id: string, options?: RequestOptions) => get(PATHS.refund, RefundSchema, options, { id }),

    retrieveCharge: (id: string, options?: RequestOptions) => get(PATHS.charge, ChargeSchema, options, { id }),
    listCharges: (params: ListChargesParams = {}, options?: RequestOptions) =>
      get(PATHS.chargesList, ChargeList, options, { params: withSchema(ListChargesParamsSchema, params) }),

    retrieveDispute: (id: string, options?: RequestOptions) => get(PATHS.dispute, DisputeSchema, options, { id }),
    updateDispute: (id: string, params: UpdateDisputeParams, options: PostOptions) =>
      post(PATHS.disputeUpdate, DisputeSchema, options, { id, params: withSchema(UpdateDisputeParamsSchema, params) }),
    /** Accepts the dispute: it ends `lost`. */
    closeDispute: (id: string, options: PostOptions) => post(PATHS.disputeClose, DisputeSchema, options, { id }),
    listDisputes: (params: ListDisputesParams = {}, options?: RequestOptions) =>
      get(PATHS.disputesList, DisputeList, options, { params: withSchema(ListDisputesParamsSchema, params) }),

    /** The answer carries `secret`, the only time WooshPay shows it (§8). */
    createWebhookEndpoint: (params: CreateWebhookEndpointParams, options: PostOptions) =>
      post(PATHS.webhookEndpoints, WebhookEndpointSchema, options, { params: withSchema(CreateWebhookEndpointParamsSchema, params) }),
    listWebhookEndpoints: (params: ListParams = {}, options?: RequestOptions) =>
      get(PATHS.webhookEndpoints, WebhookEndpointList, options, { params: withSchema(ListParamsSchema, params) }),
    retrieveWebhookEndpoint: (id: string, options?: RequestOptions) =>
      get(PATHS.webhookEndpoint, WebhookEndpointSchema, options, { id }),
    updateWebhookEndpoint: (id: string, params: UpdateWebhookEndpointParams, options: PostOptions) =>
      post(PATHS.webhookEndpointUpdate, WebhookEndpointSchema, options, { id, params: withSchema(UpdateWebhookEndpointParamsSchema, params) }),
    deleteWebhookEndpoint: (id: string, options: RequestOptions = {}) =>
      request({ method: 'delete', path: PATHS.webhookEndpointDelete, id, schema: DeletedWebhookEndpointSchema, options }),

    retrieveEvent: (id: string, options?: RequestOptions) => get(PATHS.event, EventSchema, options, { id }),
  };
}

export type WooshPayClient = ReturnType<typeof createWooshPayClient>;
