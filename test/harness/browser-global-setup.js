/**
 * Global setup of `npm run test:browser`: the same one-dev-server-per-run as `npm test`
 * (`global-setup.js`), plus the Web UI embedded in the temporal CLI, on a free loopback port.
 * Test files read the server from TEMPORAL_TEST_ADDRESS (as in `npm test`) and the UI from TEMPORAL_TEST_UI_URL.
 * `global-teardown.js` stops it.
 */
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

export default async function globalSetup() {
  const { startDevServer } = await tsImport('../../scripts/dev-server.ts', import.meta.url);
  const uiPort = await freePort();
  const env = await startDevServer({ uiPort, log: (line) => process.stderr.write(`\n${line}\n`) });
  globalThis.__temporalTestEnv = env;
  process.env.TEMPORAL_TEST_ADDRESS = env.address;
  process.env.TEMPORAL_TEST_NAMESPACE = env.namespace ?? 'default';
  // The dev server binds every listener, the UI included, to the server's --ip (127.0.0.1).
  process.env.TEMPORAL_TEST_UI_URL = `http://127.0.0.1:${uiPort}`;
}
