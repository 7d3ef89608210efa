/**
 * Finds (or builds) the `temporal` CLI that runs the embedded dev server, for tests, CI and `npm start`.
 *
 * Order: TEMPORAL_CLI_PATH → `temporal` on PATH → a cached build in a versioned folder under the user's
 * cache directory (outside the clone, so later runs on the same machine reuse it) → `go install` into that
 * folder when Go is present → the SDK's own download as the last resort.
 *
 * Safe to run twice at once: builds go to a private folder and are renamed into place atomically, and a
 * lock file makes a second process wait for the first build instead of compiling again.
 *
 * Run directly (`npm run temporal-cli`) it prints the binary it resolved and where it came from.
 */
import { access, stat } from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import path from 'node:path';
import type { DevServerConfig } from '@temporalio/testing';
import { buildWithGo, cacheRoot, findOnPath, isExecutableFile } from './go-install-cache.js';

/** The newest CLI release whose go.mod has no `replace` directive, so `go install` accepts it. */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';

export type TemporalCliSource = 'env' | 'path' | 'cache' | 'go-install' | 'sdk-download';

export interface ResolvedTemporalCli {
  source: TemporalCliSource;
  /** Absent only for `sdk-download`, where the SDK fetches and caches its own server. */
  path?: string;
  /** What `createLocal({ server: { executable } })` and the dev-server launcher take. */
  executable: NonNullable<DevServerConfig['executable']>;
}

export class TemporalCliError extends Error {
  override readonly name = 'TemporalCliError';
}

export interface ResolveOptions {
  env?: Record<string, string | undefined>;
  log?: (line: string) => void;
}

export function cacheDir(env: Record<string, string | undefined> = process.env): string {
  return path.join(cacheRoot(env), 'temporal-cli', TEMPORAL_CLI_VERSION);
}

export async function resolveTemporalCli(options: ResolveOptions = {}): Promise<ResolvedTemporalCli> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);

  const fromEnv = env.TEMPORAL_CLI_PATH;
  if (fromEnv) {
    const resolved = path.resolve(fromEnv);
    await assertExecutableFile(resolved, 'TEMPORAL_CLI_PATH');
    log(`temporal CLI: ${resolved} (from TEMPORAL_CLI_PATH)`);
    return existing('env', resolved);
  }

  const onPath = await findOnPath('temporal', env.PATH ?? '');
  if (onPath) {
    log(`temporal CLI: ${onPath} (found on PATH)`);
    return existing('path', onPath);
  }

  const dir = cacheDir(env);
  const cached = path.join(dir, 'temporal');
  if (await isExecutableFile(cached)) {
    log(`temporal CLI: ${cached} (cached build of ${TEMPORAL_CLI_VERSION})`);
    return existing('cache', cached);
  }

  const go = await findOnPath('go', env.PATH ?? '');
  if (go) {
    const started = Date.now();
    const built = await buildWithGo({
      go,
      dir,
      env,
      what: 'the temporal CLI',
      log: (line) => log(`temporal CLI: ${line}`),
      packages: [{ target: `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`, built: 'temporal', installedAs: 'temporal', probeArgs: ['--version'] }],
      ready: () => isExecutableFile(cached),
    });
    if (built === 'built') {
      log(`temporal CLI: ${cached} (built with go install in ${Math.round((Date.now() - started) / 1000)} s)`);
      return existing('go-install', cached);
    }
    log(`temporal CLI: ${cached} (built by a concurrent process)`);
    return existing('cache', cached);
  }

  log('temporal CLI: no binary and no Go toolchain; the Temporal SDK will download its dev server');
  return {
    source: 'sdk-download',
    // The SDK's default cache lives one day; a payment test suite should not re-download daily.
    executable: { type: 'cached-download', downloadDir: path.dirname(dir), ttl: '365d' },
  };
}

function existing(source: TemporalCliSource, file: string): ResolvedTemporalCli {
  return { source, path: file, executable: { type: 'existing-path', path: file } };
}

async function assertExecutableFile(file: string, variable: string): Promise<void> {
  let info;
  try {
    info = await stat(file);
  } catch {
    throw new TemporalCliError(`${variable}=${file}: no such file. Point it at the \`temporal\` CLI binary.`);
  }
  if (!info.isFile()) throw new TemporalCliError(`${variable}=${file}: not a file. Point it at the \`temporal\` CLI binary.`);
  try {
    await access(file, fsConstants.X_OK);
  } catch {
    throw new TemporalCliError(`${variable}=${file}: not executable (chmod +x it, or point at the \`temporal\` binary).`);
  }
}

// `npm run temporal-cli`: resolve (building if needed) and print the result.
if (process.argv[1] && import.meta.url === new URL(`file://${path.resolve(process.argv[1])}`).href) {
  resolveTemporalCli({ log: (line) => console.log(line) })
    .then((cli) => {
      if (cli.path) console.log(cli.path);
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    });
}
