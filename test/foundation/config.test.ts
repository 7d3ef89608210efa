import { describe, expect, it } from '@jest/globals';
import { paymentIdFromKey, idFromKey, merchantUpdateId } from '../../api/idempotency.js';
import { ConfigError, loadConfig } from '../../config/config.js';

describe('configuration', () => {
  it('defaults to the embedded setup of docs/design.md', () => {
    const config = loadConfig({});
    expect(config.api.port).toBe(3000);
    expect(config.temporal).toMatchObject({ address: undefined, namespace: 'default', taskQueue: 'payments', uiPort: 8233 });
    expect(config.simulator.port).toBe(4010);
    expect(config.dataDir).toBe('./.data');
    expect(config.payments.refundsEnabled).toBe(true);
  });

  it('names every bad variable in one message', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', TEMPORAL_ADDRESS: 'nohost', WOOSHPAY_SECRET_KEY: 'pk_live_x', REFUNDS_ENABLED: 'maybe' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const variables = (error as ConfigError).problems.map((p) => p.variable).sort();
    expect(variables).toEqual(['PORT', 'REFUNDS_ENABLED', 'TEMPORAL_ADDRESS', 'WOOSHPAY_SECRET_KEY']);
    expect((error as Error).message).toMatch(/PORT: .*TEMPORAL_ADDRESS: /s);
  });

  it('requires the WooshPay URL and key together, and reads comma lists', () => {
    expect(() => loadConfig({ WOOSHPAY_BASE_URL: 'https://apitest.wooshpay.com' })).toThrow(/WOOSHPAY_SECRET_KEY/);
    const config = loadConfig({
      WOOSHPAY_BASE_URL: 'https://apitest.wooshpay.com/',
      WOOSHPAY_SECRET_KEY: 'sk_test_abc',
      WOOSHPAY_WEBHOOK_SECRETS: 'whsec_old123456, whsec_new123456',
      API_KEYS: 'key_aaaaaaaaaaaaaaaa,key_bbbbbbbbbbbbbbbb',
    });
    expect(config.wooshpay.baseUrl).toBe('https://apitest.wooshpay.com');
    expect(config.wooshpay.webhookSecrets).toEqual(['whsec_old123456', 'whsec_new123456']);
    expect(config.api.apiKeys).toHaveLength(2);
  });
});

describe('merchants in configuration', () => {
  const problemsOf = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return { problems: (err as ConfigError).problems, message: (err as Error).message };
    }
    throw new Error('expected a ConfigError');
  };

  it('gives bare keys to `default` and `merchant:key` entries to their merchant, several per merchant', () => {
    const config = loadConfig({ API_KEYS: 'key_aaaaaaaaaaaaaaaa, acme:key_bbbbbbbbbbbbbbbb,acme:key_cccccccccccccccc , shop-2:key:with:colons_0' });
    expect(config.api.apiKeys).toEqual([
      { merchantId: 'default', key: 'key_aaaaaaaaaaaaaaaa' },
      { merchantId: 'acme', key: 'key_bbbbbbbbbbbbbbbb' },
      { merchantId: 'acme', key: 'key_cccccccccccccccc' },
      { merchantId: 'shop-2', key: 'key:with:colons_0' },
    ]);
    // The same key twice for one merchant is one key.
    expect(loadConfig({ API_KEYS: 'acme:key_bbbbbbbbbbbbbbbb,acme:key_bbbbbbbbbbbbbbbb' }).api.apiKeys).toHaveLength(1);
  });

  it('refuses one key listed for two merchants, and bad merchant ids, without repeating a key', () => {
    const shared = problemsOf({ API_KEYS: 'acme:key_shared_0123456789,shop:key_shared_0123456789' });
    expect(shared.problems).toEqual([{ variable: 'API_KEYS', message: expect.stringMatching(/two merchants \(acme and shop\)/) }]);
    expect(shared.message).not.toContain('key_shared_0123456789');
    const bare = problemsOf({ API_KEYS: 'key_shared_0123456789,acme:key_shared_0123456789' });
    expect(bare.problems[0].message).toMatch(/default and acme/);
    for (const merchant of ['Acme', 'a b', '-acme', '__proto__', 'x'.repeat(33), '']) {
      const bad = problemsOf({ API_KEYS: `${merchant}:key_bbbbbbbbbbbbbbbb` });
      expect({ merchant, variables: bad.problems.map((p) => p.variable) }).toEqual({ merchant, variables: ['API_KEYS'] });
      expect(bad.message).not.toContain('key_bbbbbbbbbbbbbbbb');
    }
    expect(problemsOf({ API_KEYS: 'acme:short' }).problems[0].message).toMatch(/at least 16 characters/);
  });

  it('reads per-merchant notification URLs and signing secrets, for merchants that hold a key', () => {
    const config = loadConfig({
      API_KEYS: 'acme:key_bbbbbbbbbbbbbbbb,key_aaaaaaaaaaaaaaaa',
      MERCHANT_NOTIFY_URLS: 'acme=https://acme.example/hooks?x=1, default=https://shop.example/notify/',
      MERCHANT_NOTIFY_SIGNING_SECRETS: 'acme:acme_secret_0123456789',
    });
    expect(Object.fromEntries(config.payments.merchantNotifyUrls)).toEqual({
      acme: 'https://acme.example/hooks?x=1',
      default: 'https://shop.example/notify',
    });
    expect(Object.fromEntries(config.payments.merchantNotifySigningSecrets)).toEqual({ acme: 'acme_secret_0123456789' });
    expect(loadConfig({}).payments.merchantNotifyUrls.size).toBe(0);
    // The worker does not read API_KEYS: its secrets stand alone.
    expect(loadConfig({ MERCHANT_NOTIFY_SIGNING_SECRETS: 'acme:acme_secret_0123456789' }).payments.merchantNotifySigningSecrets.size).toBe(1);

    const twice = problemsOf({ MERCHANT_NOTIFY_SIGNING_SECRETS: 'acme:acme_secret_0123456789,acme:acme_secret_9876543210' });
    expect(twice.problems).toEqual([{ variable: 'MERCHANT_NOTIFY_SIGNING_SECRETS', message: 'merchant acme is listed twice' }]);
    expect(twice.message).not.toContain('acme_secret_');
    const typo = problemsOf({
      API_KEYS: 'acme:key_bbbbbbbbbbbbbbbb',
      MERCHANT_NOTIFY_URLS: 'acmee=https://acme.example/hooks',
      MERCHANT_NOTIFY_SIGNING_SECRETS: 'acme:acme_secret_0123456789,shop:shop_secret_0123456789',
    });
    expect(typo.problems).toEqual([
      { variable: 'MERCHANT_NOTIFY_URLS', message: 'no API key in API_KEYS belongs to acmee' },
      { variable: 'MERCHANT_NOTIFY_SIGNING_SECRETS', message: 'no API key in API_KEYS belongs to shop' },
    ]);
    expect(problemsOf({ MERCHANT_NOTIFY_URLS: 'https://acme.example/hooks' }).problems[0].variable).toBe('MERCHANT_NOTIFY_URLS');
    expect(problemsOf({ MERCHANT_NOTIFY_URLS: 'acme=not a url' }).problems[0].variable).toBe('MERCHANT_NOTIFY_URLS');
    const short = problemsOf({ MERCHANT_NOTIFY_SIGNING_SECRETS: 'acme:tooshort' });
    expect(short.message).not.toContain('tooshort');
  });
});

describe('payment ids per merchant', () => {
  it('keeps the id from before merchants for `default`, so a retry across the deploy reaches its payment', () => {
    // Pinned: the id the API gave Idempotency-Key `order-1001` before merchants existed.
    expect(idFromKey('pay', 'payment', 'order-1001')).toBe('pay_gd747m5bkmuv7ivthci7jxra');
    expect(paymentIdFromKey('default', 'order-1001')).toBe('pay_gd747m5bkmuv7ivthci7jxra');
    expect(merchantUpdateId('create', 'default', 'order-1001')).toBe('create:order-1001');
  });

  it('gives every other merchant its own id and update id for the same key', () => {
    const ids = ['acme', 'shop', 'default'].map((m) => paymentIdFromKey(m, 'order-1001'));
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^pay_[a-z2-7]{24}$/);
    expect(merchantUpdateId('refund', 'acme', 're_x')).toBe('refund:acme:re_x');
    expect(merchantUpdateId('refund', 'default', 're_x')).toBe('refund:re_x');
  });
});
