import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { createApp } from './app.js';
import { SettingsUpdateSchema, type SimulatorOptions, type SimulatorSettings } from './settings.js';
import { resumeAfterRestart } from './recovery.js';
import { createSimulation } from './simulation.js';

export interface ListeningSimulator {
  url: string;
  close(): Promise<void>;
}

export interface Simulator {
  /** The Express app, to mount or to listen on yourself. */
  app: Express;
  listen(port?: number, host?: string): Promise<ListeningSimulator>;
  /** Live settings: changing a field here takes effect at once (as `POST /_sim/settings` does). */
  settings: SimulatorSettings;
  /** Forgets every object, event, delivery and fault; settings return to the options given here. */
  reset(): void;
}

export interface CreateSimulatorOptions extends SimulatorOptions {
  /** Where unexpected failures are reported; console.error by default. */
  log?: (message: string, error?: unknown) => void;
  /**
   * Keeps every object (and idempotency record, and delivery still owed) in this directory, and starts
   * from what it holds; in memory only when not given.
   */
  dataDir?: string | undefined;
}

/** A stateful WooshPay test mode, in memory or in a directory (docs/design.md "Simulator contract"). */
export function createSimulator({ log = defaultLog, dataDir, ...options }: CreateSimulatorOptions = {}): Simulator {
  const sim = createSimulation(SettingsUpdateSchema.parse(options), log, dataDir ?? null);
  if (sim.persistence) {
    sim.persistence.load(sim.store);
    resumeAfterRestart(sim);
    sim.persistence.compact(sim.store);
  }
  const app = createApp(sim);

  async function listen(port = 0, host = '127.0.0.1'): Promise<ListeningSimulator> {
    const server = createServer(app);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    sim.listenUrl = url;
    return {
      url,
      close: () =>
        new Promise<void>((resolve, reject) => {
          sim.stop();
          server.close((error) => (error ? reject(error) : resolve()));
          server.closeAllConnections();
        }),
    };
  }

  return { app, listen, settings: sim.settings, reset: () => sim.reset() };
}

function defaultLog(message: string, error?: unknown): void {
  console.error(`[wooshpay-simulator] ${message}`, error ?? '');
}
