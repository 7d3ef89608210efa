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
import { execFile, spawn } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { DevServerConfig } from '@temporalio/testing';

const execFileAsync = promisify(execFile);

/** The newest CLI release whose go.mod has no `replace` directive, so `go install` accepts it. */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';

/** A cold build (module download + compile) took ~160 s on 2 cores; leave plenty of room. */
const GO_BUILD_TIMEOUT_MS = 20 * 60_000;
const LOCK_WAIT_TIMEOUT_MS = GO_BUILD_TIMEOUT_MS + 60_000;

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
  const base = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  return path.join(base, 'wooshpay-payments', 'temporal-cli', TEMPORAL_CLI_VERSION);
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
    const built = await buildWithGo(go, dir, env, log);
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

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return false;
    await access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
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

async function findOnPath(name: string, pathVar: string): Promise<string | undefined> {
  for (const dir of pathVar.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Builds into a private folder and renames the binary into place, under a lock so that a second process
 * waits instead of building again. Returns 'built' when this process built it, 'waited' otherwise.
 */
async function buildWithGo(
  go: string,
  dir: string,
  env: Record<string, string | undefined>,
  log: (line: string) => void,
): Promise<'built' | 'waited'> {
  await mkdir(dir, { recursive: true });
  const target = path.join(dir, 'temporal');
  const lockFile = path.join(dir, '.build.lock');
  const deadline = Date.now() + LOCK_WAIT_TIMEOUT_MS;

  for (;;) {
    const lock = await tryLock(lockFile);
    if (lock) {
      try {
        if (await isExecutableFile(target)) return 'waited';
        await goInstall(go, dir, target, env, log);
        return 'built';
      } finally {
        await rm(lockFile, { force: true });
      }
    }
    if (await isExecutableFile(target)) return 'waited';
    if (Date.now() > deadline) {
      throw new TemporalCliError(`Timed out waiting for another process to build the temporal CLI (lock ${lockFile}).`);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** An exclusive lock file holding our pid; a lock left by a dead process is taken over. */
async function tryLock(lockFile: string): Promise<boolean> {
  try {
    const handle = await open(lockFile, 'wx');
    await handle.writeFile(String(process.pid));
    await handle.close();
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const holder = Number.parseInt(await readFile(lockFile, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(holder) && holder > 0 && !isAlive(holder)) {
      await rm(lockFile, { force: true });
      return tryLock(lockFile);
    }
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function goInstall(
  go: string,
  dir: string,
  target: string,
  env: Record<string, string | undefined>,
  log: (line: string) => void,
): Promise<void> {
  const staging = path.join(dir, `.build-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  log(`temporal CLI: building ${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION} with go install (a few minutes the first time)…`);
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(go, ['install', `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`], {
        // Built outside any module of ours; GOFLAGS from the caller could otherwise redirect it.
        cwd: os.tmpdir(),
        env: { ...env, GOBIN: staging, GOFLAGS: '-mod=mod', CGO_ENABLED: env.CGO_ENABLED ?? '0' },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new TemporalCliError(`go install did not finish within ${GO_BUILD_TIMEOUT_MS / 60_000} minutes.`));
      }, GO_BUILD_TIMEOUT_MS);
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(new TemporalCliError(`Could not run go install: ${err.message}`));
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else reject(new TemporalCliError(`go install failed (exit ${code ?? signal}); see its output above.`));
      });
    });
    const built = path.join(staging, 'temporal');
    await execFileAsync(built, ['--version'], { timeout: 30_000 });
    await rename(built, target);
  } finally {
    await rm(staging, { recursive: true, force: true });
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
