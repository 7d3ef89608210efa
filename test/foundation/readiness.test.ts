/** /healthz and /readyz against a Temporal server this test starts and then stops. */
import { afterAll, describe, expect, it } from '@jest/globals';
import { startApiServer, type ApiServer } from '../../api/server.js';
import { loadConfig } from '../../config/config.js';
import { createLogger } from '../../config/logger.js';
import { startDevServer } from '../../scripts/dev-server.js';

let api: ApiServer | undefined;
afterAll(async () => {
  await api?.close();
});

describe('health endpoints', () => {
  it('/readyz is 200 while Temporal is up and 503 with a reason once it is stopped', async () => {
    const server = await startDevServer();
    try {
      const config = loadConfig({
        PORT: '0',
        TEMPORAL_ADDRESS: server.address,
        API_KEYS: 'test_key_0123456789abcdef',
        WOOSHPAY_BASE_URL: 'http://127.0.0.1:9',
        WOOSHPAY_SECRET_KEY: 'sk_test_unused',
        WOOSHPAY_WEBHOOK_SECRETS: 'whsec_unused_secret',
      });
      api = await startApiServer({ config, logger: createLogger('test', 'silent') });

      const healthy = await fetch(`${api.url}/healthz`);
      expect(healthy.status).toBe(200);
      const ready = await fetch(`${api.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', namespace: 'default' });
    } finally {
      await server.teardown();
    }
    const notReady = await fetch(`${api.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: 'unavailable', reason: 'Temporal is unreachable' });
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
  });
});
