/** `npm run simulator`: WooshPay test mode on loopback, until SIGINT or SIGTERM. */
import { createSimulator } from './simulator.js';

const DEFAULT_PORT = 4010;

async function main(): Promise<void> {
  const rawPort = process.env.SIMULATOR_PORT ?? String(DEFAULT_PORT);
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port > 65_535) {
    console.error(`SIMULATOR_PORT must be a port number (0-65535), got "${rawPort}"`);
    process.exit(1);
  }
  const host = process.env.SIMULATOR_HOST ?? '127.0.0.1';
  // Set: the simulator keeps its objects there and starts from them (a restart forgets nothing).
  const dataDir = process.env.SIMULATOR_DATA_DIR || undefined;
  const listening = await createSimulator({ dataDir }).listen(port, host);
  console.log(`WooshPay simulator listening on ${listening.url} (any sk_test_ key; controls under /_sim)`);

  const stop = (signal: NodeJS.Signals): void => {
    console.log(`${signal}: stopping the simulator`);
    listening.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('Simulator did not close cleanly', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error('Simulator failed to start', error);
  process.exit(1);
});
