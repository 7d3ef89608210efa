import { describe, expect, it } from '@jest/globals';
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
