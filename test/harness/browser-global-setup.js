/**
 * Global setup of `npm run test:browser`: the same one-dev-server-per-run as `npm test`
 * (`global-setup.js`), plus the Web UI embedded in the temporal CLI, on a free loopback port.
 * Test files read the server from TEMPORAL_TEST_ADDRESS (as in `npm test`) and the UI from TEMPORAL_TEST_UI_URL.
 * As `npm start` does, a codec server runs first and the UI decodes through it: test files encrypt with
 * TEMPORAL_TEST_PAYLOAD_KEYS, and find the codec server at TEMPORAL_TEST_CODEC_URL with TEMPORAL_TEST_CODEC_TOKEN.
 * `global-teardown.js` stops both.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { tsImport } from 'tsx/esm/api';

/** A port the OS just handed out on 127.0.0.1; the CLI takes a fixed UI port, not 0. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The codec server for the run's UI, with a key and a token of its own (codec/server.ts). */
async function startCodec(uiPort) {
  const { createCodecApp, listenCodecServer, uiCodecEndpoint } = await tsImport('../../codec/server.ts', import.meta.url);
  const { EncryptionCodec } = await tsImport('../../codec/codec.ts', import.meta.url);
  const { formatEncryptionKey, generateEncryptionKey } = await tsImport('../../codec/keys.ts', import.meta.url);
  const { createLogger } = await tsImport('../../config/logger.ts', import.meta.url);
  const key = generateEncryptionKey('browser-test');
  const token = randomBytes(24).toString('base64url');
  const app = createCodecApp({
    codec: new EncryptionCodec([key]),
    authTokens: [token],
    uiOrigins: [`http://127.0.0.1:${uiPort}`],
    namespace: 'default',
    logger: createLogger('test-codec', process.env.TEST_LOG_LEVEL ?? 'silent'),
  });
  const server = await listenCodecServer(app, 0, '127.0.0.1');
  globalThis.__codecServer = server;
  process.env.TEMPORAL_TEST_PAYLOAD_KEYS = formatEncryptionKey(key);
  process.env.TEMPORAL_TEST_CODEC_URL = server.url;
  process.env.TEMPORAL_TEST_CODEC_TOKEN = token;
  return uiCodecEndpoint(server.url, token);
}

export default async function globalSetup() {
  const { startDevServer } = await tsImport('../../scripts/dev-server.ts', import.meta.url);
  const uiPort = await freePort();
  const uiCodecEndpoint = await startCodec(uiPort);
  const env = await startDevServer({ uiPort, uiCodecEndpoint, log: (line) => process.stderr.write(`\n${line}\n`) });
  globalThis.__temporalTestEnv = env;
  process.env.TEMPORAL_TEST_ADDRESS = env.address;
  process.env.TEMPORAL_TEST_NAMESPACE = env.namespace ?? 'default';
  // The dev server binds every listener, the UI included, to the server's --ip (127.0.0.1).
  process.env.TEMPORAL_TEST_UI_URL = `http://127.0.0.1:${uiPort}`;
}
