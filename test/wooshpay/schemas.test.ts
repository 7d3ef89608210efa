import { describe, expect, it } from '@jest/globals';
import {
  CheckoutSessionSchema,
  CreateCheckoutSessionParamsSchema,
  CreatePaymentIntentParamsSchema,
  CreateRefundParamsSchema,
  EVENT_TYPES,
  ErrorEnvelopeSchema,
  EventEnvelopeSchema,
  EventSchema,
  isEventType,
  isKnownEvent,
  LineItemSchema,
  listEnvelope,
  PaymentIntentSchema,
  redirectUrlOf,
  RefundSchema,
  undocumentedStatuses,
  UpdateDisputeParamsSchema,
  type Event,
} from '../../wooshpay/index.js';

// The two JSON examples of the reference, verbatim (§3.2 request and response, §4 request).
const DIRECT_API_REQUEST = {
  amount: 1000000,
  currency: 'IDR',
  confirm: true,
  payment_method_data: { type: 'bank_transfer_id' },
  return_url: 'https://your.website',
};
const DIRECT_API_RESPONSE = {
  id: 'pi_1664204164491640832',
  object: 'payment_intent',
  created: 1685612167000,
  currency: 'IDR',
  amount: 1000000,
  status: 'requires_action',
  livemode: false,
  client_secret: 'pi_1664204164491640832_secret_0lq3zf45XA4nCXR5ASyKh5UB',
  next_action: {
    type: 'bank_transfer_id_handle_redirect',
    bank_transfer_id_handle_redirect: {
      url: 'https://apitest.wooshpay.com/v1/receives/c12/pay/pi_1664204164491640832',
    },
  },
  payment_method_types: ['bank_transfer_id'],
  confirmation_method: 'automatic',
  return_url: 'https://your.website',
  payment_method: 'pm_1664204164365811712',
  capture_method: 'automatic',
};
const CHECKOUT_REQUEST = {
  cancel_url: 'www.wooshpay.com',
  mode: 'payment',
  success_url: 'https://wooshpay.com/',
  payment_method_types: ['bank_transfer_id'],
  line_items: [
    {
      price_data: {
        currency: 'IDR',
        unit_amount: 10000000,
        nickname: 'apple',
        product_data: { name: 'apple' },
        billing_scheme: 'testscheme',
        lookup_key: 'test_lookup_key',
      },
      quantity: 1,
    },
  ],
};

const piEvent = (type: string, object: unknown = DIRECT_API_RESPONSE) => ({
  id: 'evt_1593219809108033536',
  object: 'event',
  api_version: '1.0.1',
  created: 1668688178000,
  livemode: false,
  type,
  request: { id: 'req_1', idempotency_key: 'k' },
  data: { object },
});

describe('reference examples', () => {
  it('parses the Direct API request of §3.2', () => {
    const params = CreatePaymentIntentParamsSchema.parse(DIRECT_API_REQUEST);
    expect(params).toMatchObject(DIRECT_API_REQUEST);
  });

  it('parses the Direct API response of §3.2 and finds its redirect URL', () => {
    const pi = PaymentIntentSchema.parse(DIRECT_API_RESPONSE);
    expect(pi.status).toBe('requires_action');
    expect(pi.created).toBe(1685612167000);
    expect(pi.metadata).toEqual({});
    expect(redirectUrlOf(pi)).toBe('https://apitest.wooshpay.com/v1/receives/c12/pay/pi_1664204164491640832');
  });

  it('parses the Checkout request of §4, keeping the fields we do not model', () => {
    const params = CreateCheckoutSessionParamsSchema.parse(CHECKOUT_REQUEST);
    expect(params.cancel_url).toBe('www.wooshpay.com');
    expect(params.line_items?.[0]?.price_data).toMatchObject({ billing_scheme: 'testscheme', lookup_key: 'test_lookup_key' });
  });
});

describe('tolerant parsing (§14)', () => {
  it('reads next_action, payment_method_types and payment_method_options sent as JSON strings', () => {
    const pi = PaymentIntentSchema.parse({
      ...DIRECT_API_RESPONSE,
      next_action: JSON.stringify(DIRECT_API_RESPONSE.next_action),
      payment_method_types: '["bank_transfer_id"]',
      payment_method_options: '{"bank_transfer_id":{}}',
    });
    expect(pi.next_action).toEqual(DIRECT_API_RESPONSE.next_action);
    expect(pi.payment_method_types).toEqual(['bank_transfer_id']);
    expect(pi.payment_method_options).toEqual({ bank_transfer_id: {} });
  });

  it('reads an empty next_action string as no action', () => {
    const pi = PaymentIntentSchema.parse({ ...DIRECT_API_RESPONSE, next_action: '' });
    expect(pi.next_action).toBeNull();
    expect(redirectUrlOf(pi)).toBeNull();
  });

  it('rejects a next_action string that is not JSON', () => {
    expect(PaymentIntentSchema.safeParse({ ...DIRECT_API_RESPONSE, next_action: '{oops' }).success).toBe(false);
  });

  it('keeps millisecond timestamps and scales second and string ones to milliseconds', () => {
    expect(PaymentIntentSchema.parse({ ...DIRECT_API_RESPONSE, created: 1685612167 }).created).toBe(1685612167000);
    expect(PaymentIntentSchema.parse({ ...DIRECT_API_RESPONSE, created: '1685612167000' }).created).toBe(1685612167000);
    expect(PaymentIntentSchema.safeParse({ ...DIRECT_API_RESPONSE, created: 'yesterday' }).success).toBe(false);
  });

  it('reads a refund amount sent as a numeric string, in objects and in requests', () => {
    const refund = RefundSchema.parse({
      id: 're_1',
      object: 'refund',
      amount: '25000',
      currency: 'idr',
      created: 1685612167000,
      status: 'pending',
    });
    expect(refund.amount).toBe(25000);
    expect(CreateRefundParamsSchema.parse({ payment_intent: 'pi_1', amount: '500' }).amount).toBe(500);
    expect(CreateRefundParamsSchema.safeParse({ payment_intent: 'pi_1', amount: '5.5' }).success).toBe(false);
    expect(CreateRefundParamsSchema.safeParse({ payment_intent: 'pi_1', amount: 0 }).success).toBe(false);
  });

  it('uppercases currencies in objects and requests', () => {
    expect(PaymentIntentSchema.parse({ ...DIRECT_API_RESPONSE, currency: 'idr' }).currency).toBe('IDR');
    expect(CreatePaymentIntentParamsSchema.parse({ ...DIRECT_API_REQUEST, currency: 'idr' }).currency).toBe('IDR');
    expect(CreatePaymentIntentParamsSchema.safeParse({ ...DIRECT_API_REQUEST, currency: 'rupiah' }).success).toBe(false);
  });

  it('keeps unknown fields', () => {
    const pi = PaymentIntentSchema.parse({ ...DIRECT_API_RESPONSE, '3ds_status': 'none', brand_new: { a: 1 } });
    expect(pi['3ds_status']).toBe('none');
    expect(pi.brand_new).toEqual({ a: 1 });
  });

  it('stringifies metadata values and reads null metadata as empty', () => {
    expect(PaymentIntentSchema.parse({ ...DIRECT_API_RESPONSE, metadata: { n: 5, b: true } }).metadata).toEqual({ n: '5', b: 'true' });
    expect(PaymentIntentSchema.parse({ ...DIRECT_API_RESPONSE, metadata: null }).metadata).toEqual({});
  });

  it('rejects a status outside the documented set', () => {
    expect(PaymentIntentSchema.safeParse({ ...DIRECT_API_RESPONSE, status: 'paid' }).success).toBe(false);
  });
});

describe('redirectUrlOf (§3.6)', () => {
  const withAction = (next_action: unknown) => PaymentIntentSchema.parse({ ...DIRECT_API_RESPONSE, next_action });

  it("follows DANA's mismatched type and key", () => {
    const pi = withAction({ type: 'redirect_to_url', dana_handle_redirect: { url: 'https://dana.example/pay' } });
    expect(redirectUrlOf(pi)).toBe('https://dana.example/pay');
  });

  it('reads the card challenge by its type', () => {
    const pi = withAction({ type: 'challenge_redirect', challenge_redirect: { url: 'https://3ds.example', return_url: 'x' } });
    expect(redirectUrlOf(pi)).toBe('https://3ds.example');
  });

  it('answers null when there is no URL', () => {
    expect(redirectUrlOf(withAction({ type: 'bank_transfer_id_handle_redirect' }))).toBeNull();
    expect(redirectUrlOf(withAction(null))).toBeNull();
  });
});

describe('events', () => {
  it('parses every documented type with its own data.object schema', () => {
    const event = EventSchema.parse(piEvent('payment_intent.succeeded'));
    expect(isKnownEvent(event)).toBe(true);
    if (!isEventType(event, 'payment_intent.succeeded')) throw new Error('narrowing failed');
    expect(event.data.object.status).toBe('requires_action');
    expect(EVENT_TYPES).toEqual(expect.arrayContaining(['charge.refund.updated', 'checkout.session.expired', 'charge.dispute.funds_reinstated']));
  });

  it('parses an unknown event type as a generic event instead of throwing', () => {
    const event: Event = EventSchema.parse(piEvent('setup_intent.succeeded', { id: 'seti_1', object: 'setup_intent', extra: 1 }));
    expect(isKnownEvent(event)).toBe(false);
    expect(event.type).toBe('setup_intent.succeeded');
    expect(event.data.object).toMatchObject({ id: 'seti_1', extra: 1 });
  });

  it('rejects a known event type whose object is malformed, but still sees a WooshPay event envelope', () => {
    const malformed = piEvent('payment_intent.succeeded', { id: 'pi_1', object: 'payment_intent' });
    expect(EventSchema.safeParse(malformed).success).toBe(false);
    expect(EventEnvelopeSchema.parse(malformed).data.object.id).toBe('pi_1');
    expect(EventEnvelopeSchema.safeParse({ hello: 'world' }).success).toBe(false);
  });

  it('keeps a status WooshPay does not document in an event, and names it; our own reads stay strict', () => {
    const odd = { ...DIRECT_API_RESPONSE, status: 'requires_review' };
    const event = EventSchema.parse(piEvent('payment_intent.processing', odd));
    expect(isKnownEvent(event) && event.data.object.status).toBe('requires_review');
    expect(undocumentedStatuses(event.data.object)).toEqual([{ field: 'status', value: 'requires_review' }]);
    expect(undocumentedStatuses(DIRECT_API_RESPONSE)).toEqual([]);
    expect(undocumentedStatuses({ object: 'checkout.session', status: 'open', payment_status: 'pending_transfer' }))
      .toEqual([{ field: 'payment_status', value: 'pending_transfer' }]);
    expect(undocumentedStatuses({ object: 'setup_intent', status: 'anything' })).toEqual([]);
    expect(PaymentIntentSchema.safeParse(odd).success).toBe(false);
  });

  it('knows the partial funding event (§14.23)', () => {
    expect(EVENT_TYPES).toContain('payment_intent.partially_funded');
    const event = EventSchema.parse(piEvent('payment_intent.partially_funded', { ...DIRECT_API_RESPONSE, amount_received: 400000 }));
    expect(isEventType(event, 'payment_intent.partially_funded') && event.data.object.amount_received).toBe(400000);
  });

  it('reads a JSON-string next_action inside an event too', () => {
    const event = EventSchema.parse(
      piEvent('payment_intent.requires_action', { ...DIRECT_API_RESPONSE, next_action: JSON.stringify(DIRECT_API_RESPONSE.next_action) }),
    );
    if (!isEventType(event, 'payment_intent.requires_action')) throw new Error('narrowing failed');
    expect(redirectUrlOf(event.data.object)).toContain('/v1/receives/c12/pay/');
  });
});

describe('envelopes and nested objects', () => {
  it('parses the list envelope around an item schema', () => {
    const list = listEnvelope(LineItemSchema).parse({
      object: 'list',
      url: '/v1/checkout/sessions/cs_1/line_items',
      has_more: false,
      data: [{ id: 'li_1', object: 'item', amount_subtotal: 10, amount_total: 10, currency: 'idr', quantity: 1 }],
    });
    expect(list.data[0]?.currency).toBe('IDR');
    expect(listEnvelope(LineItemSchema).safeParse({ object: 'list', has_more: false, data: [{ id: 'x' }] }).success).toBe(false);
  });

  it('parses the error envelope, whatever extra fields it carries', () => {
    const parsed = ErrorEnvelopeSchema.parse({ error: { type: 'invalid_request_error', code: 'resource_missing', message: 'No such', extra: 1 } });
    expect(parsed.error.code).toBe('resource_missing');
    expect(ErrorEnvelopeSchema.safeParse({ message: 'no envelope' }).success).toBe(false);
  });

  it('parses a checkout session with an empty customer string, as the guide example shows', () => {
    const session = CheckoutSessionSchema.parse({
      id: 'cs_1',
      object: 'checkout.session',
      created: 1665553291000,
      expires_at: 1665639691214,
      status: 'open',
      payment_status: 'unpaid',
      mode: 'payment',
      customer: '',
      payment_intent: 'pi_1',
    });
    expect(session.expires_at - session.created).toBe(86_400_214);
  });

  it('checks dispute evidence keys strictly in requests', () => {
    expect(UpdateDisputeParamsSchema.safeParse({ evidence: { product_description: 'x' } }).success).toBe(true);
    expect(UpdateDisputeParamsSchema.safeParse({ evidence: { product_descripton: 'x' } }).success).toBe(false);
  });
});
