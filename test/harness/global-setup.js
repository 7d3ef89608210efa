/**
 * One real Temporal dev server for the whole jest run (never a mock). Test files connect to it through
 * TEMPORAL_TEST_ADDRESS and each uses its own task queue.
 *
 * Plain ESM JavaScript on purpose: jest loads global setup outside its module system, where the
 * `.js` → `.ts` mapping of our NodeNext imports does not apply, so the TypeScript launcher is imported
 * through tsx.
 */
import { tsImport } from 'tsx/esm/api';

export default async function globalSetup() {
  const { startDevServer } = await tsImport('../../scripts/dev-server.ts', import.meta.url);
  const env = await startDevServer({ log: (line) => process.stderr.write(`\n${line}\n`) });
  globalThis.__temporalTestEnv = env;
  process.env.TEMPORAL_TEST_ADDRESS = env.address;
  process.env.TEMPORAL_TEST_NAMESPACE = env.namespace ?? 'default';
}
