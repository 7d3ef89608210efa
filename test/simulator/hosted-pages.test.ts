import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { redirectUrlOf } from '../../wooshpay/index.js';
import { directIntent, key, startSimulator, type RunningSimulator } from './support.js';

describe('hosted pages', () => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator();
  });
  beforeEach(() => sim.simulator.reset());
  afterAll(() => sim.close());

  const page = async (url: string) => {
    const response = await fetch(url);
    return { status: response.status, type: response.headers.get('content-type') ?? '', html: await response.text() };
  };
  const submit = (url: string) => fetch(url, { method: 'POST', redirect: 'manual' });

  it('shows bank-transfer instructions, escaped, and completes the transfer back to return_url', async () => {
    sim.simulator.settings.intentAutoExpireMs = 3_600_000;
    const pi = await sim.client.createPaymentIntent(
      directIntent({ description: '<script>alert("x")</script> & more', merchant_order_id: 'order-<1>' }),
      { idempotencyKey: key() },
    );
    const url = redirectUrlOf(pi) ?? '';
    const shown = await page(url);
    expect(shown.status).toBe(200);
    expect(shown.type).toContain('text/html');
    expect(shown.html).toContain('<dd id="amount">Rp 10.000,00</dd>');
    expect(shown.html).toMatch(/<dd id="bank">Bank [A-Za-z ]+ \([A-Z]+\)<\/dd>/);
    expect(shown.html).toMatch(/<dd id="virtual-account">\d{16}<\/dd>/);
    expect(shown.html).toMatch(/<dd id="deadline">\d{4}-\d\d-\d\dT/);
    expect(shown.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more');
    expect(shown.html).toContain('order-&lt;1&gt;');
    expect(shown.html).not.toContain('<script>');
    expect(shown.html).toContain('<form method="post">');
    // The same instructions every time the shopper comes back.
    expect((await page(url)).html.match(/virtual-account">(\d+)/)?.[1]).toBe(shown.html.match(/virtual-account">(\d+)/)?.[1]);

    const paid = await submit(url);
    expect(paid.status).toBe(303);
    const back = new URL(paid.headers.get('location') ?? '');
    expect(`${back.origin}${back.pathname}`).toBe('https://shop.example/return');
    expect(Object.fromEntries(back.searchParams)).toEqual({
      payment_intent: pi.id,
      payment_intent_client_secret: pi.client_secret,
      redirect_status: 'succeeded',
    });
    expect((await sim.client.retrievePaymentIntent(pi.id)).status).toBe('succeeded');

    const afterwards = await page(url);
    expect(afterwards.html).toContain('Status: succeeded');
    expect(afterwards.html).not.toContain('<form');
    expect((await submit(url)).status).toBe(409);
  });

  it('never links or redirects to a return_url that is not http(s)', async () => {
    const pi = await sim.client.createPaymentIntent(directIntent({ return_url: 'javascript:alert(1)' }), { idempotencyKey: key() });
    const paid = await submit(redirectUrlOf(pi) ?? '');
    expect(paid.status).toBe(200);
    const html = await paid.text();
    expect(html).not.toContain('href="javascript');
    expect(html).toContain('Return to: javascript:alert(1)');
  });

  it('shows the checkout with its line items, pays it and redirects to success_url', async () => {
    const session = await sim.client.createCheckoutSession(
      {
        mode: 'payment',
        success_url: 'https://shop.example/done?cs={CHECKOUT_SESSION_ID}',
        cancel_url: 'https://shop.example/cart',
        line_items: [
          { quantity: 2, price_data: { currency: 'IDR', unit_amount: 2_500_000, product_data: { name: 'Kopi <Luwak>' } } },
          { quantity: 1, price_data: { currency: 'IDR', unit_amount: 50_000, product_data: { name: 'Ongkir' } } },
        ],
      },
      { idempotencyKey: key() },
    );
    const url = session.url ?? '';
    const shown = await page(url);
    expect(shown.status).toBe(200);
    expect(shown.html).toContain('<td>Kopi &lt;Luwak&gt;</td><td class="num">2</td><td class="num">Rp 50.000,00</td>');
    expect(shown.html).toContain('<td>Ongkir</td>');
    expect(shown.html).toContain('Rp 50.500,00');
    expect(shown.html).toContain('href="https://shop.example/cart"');
    expect(shown.html).toMatch(/<dd id="virtual-account">\d{16}<\/dd>/);

    const paid = await submit(url);
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe(`https://shop.example/done?cs=${session.id}`);
    expect(await sim.client.retrieveCheckoutSession(session.id)).toMatchObject({ status: 'complete', payment_status: 'paid' });
    expect((await sim.client.retrievePaymentIntent(session.payment_intent ?? '')).status).toBe('succeeded');
    expect((await submit(url)).status).toBe(409);
    expect((await page(url)).html).not.toContain('<form');
  });

  it('answers unknown payments and sessions with a 404 page', async () => {
    expect((await page(`${sim.url}/v1/receives/c12/pay/pi_0`)).status).toBe(404);
    expect((await page(`${sim.url}/pay/cs_test_0`)).status).toBe(404);
    expect((await submit(`${sim.url}/pay/cs_test_0`)).status).toBe(404);
  });

  it('builds hosted URLs on publicBaseUrl when it is set', async () => {
    sim.simulator.settings.publicBaseUrl = 'https://wooshpay-sim.example';
    const pi = await sim.client.createPaymentIntent(directIntent(), { idempotencyKey: key() });
    expect(redirectUrlOf(pi)).toBe(`https://wooshpay-sim.example/v1/receives/c12/pay/${pi.id}`);
  });
});
