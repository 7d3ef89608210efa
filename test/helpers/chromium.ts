/**
 * Debian's Chromium (`apt-get install chromium`, /usr/bin/chromium) driven by playwright-core. Never
 * `npx playwright install`: this network allows no downloads, only loopback.
 */
import { constants as fsConstants } from 'node:fs';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Without the background-networking flags Chromium keeps trying to reach Google's services, which this
 * closed network refuses. (`--headless` is what playwright passes for `headless: true` anyway.)
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Chromium {
  context: BrowserContext;
  page: Page;
  /** Closes the browser and removes its profile; safe to call twice. */
  close(): Promise<void>;
}

export async function launchChromium(options: { timeoutMs?: number } = {}): Promise<Chromium> {
  try {
    await access(CHROMIUM_PATH, fsConstants.X_OK);
  } catch {
    throw new Error(`No Chromium at ${CHROMIUM_PATH}: install Debian's (apt-get install -y chromium) or set CHROMIUM_PATH.`);
  }
  // A fresh profile per run. playwright refuses `--user-data-dir` in `args`; a persistent context is how it
  // takes one.
  const profile = await mkdtemp(path.join(tmpdir(), 'chromium-profile-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 900 },
      timezoneId: 'UTC',
    });
  } catch (err) {
    await rm(profile, { recursive: true, force: true });
    throw err;
  }
  context.setDefaultTimeout(options.timeoutMs ?? 20_000);
  context.setDefaultNavigationTimeout(options.timeoutMs ?? 20_000);
  const page = context.pages()[0] ?? (await context.newPage());
  let closed: Promise<void> | undefined;
  return {
    context,
    page,
    close() {
      closed ??= context
        .close()
        .catch(() => undefined)
        .then(() => rm(profile, { recursive: true, force: true }));
      return closed;
    },
  };
}
