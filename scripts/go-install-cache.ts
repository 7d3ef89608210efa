/**
 * Go-built tools cached in versioned folders under the user's cache directory (outside the clone, so later
 * runs on the same machine reuse them): the `temporal` CLI (scripts/temporal-cli.ts) and the Temporal server
 * with its SQL tool (scripts/cluster/server-binaries.ts).
 *
 * Safe to run twice at once: builds go to a private folder and are renamed into place atomically, and a
 * lock file makes a second process wait for the first build instead of compiling again.
 */
import { execFile, spawn } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** A cold build (module download + compile) took ~160 s for the CLI on 2 cores; leave plenty of room. */
const GO_BUILD_TIMEOUT_MS = 20 * 60_000;
const LOCK_WAIT_TIMEOUT_MS = GO_BUILD_TIMEOUT_MS + 60_000;

export class GoInstallError extends Error {
  override readonly name = 'GoInstallError';
}

/** `$XDG_CACHE_HOME/wooshpay-payments` (or `~/.cache/wooshpay-payments`): the root of every cached build. */
export function cacheRoot(env: Record<string, string | undefined> = process.env): string {
  const base = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  return path.join(base, 'wooshpay-payments');
}

export interface GoPackage {
  /** `module/path/cmd/x@version`, as `go install` takes it. */
  target: string;
  /** The file name `go install` writes (the last path element of the package). */
  built: string;
  /** The name it is kept under in the cache folder. */
  installedAs: string;
  /** Arguments that make the built binary answer quickly, proving it runs. */
  probeArgs: string[];
}

export async function isExecutableFile(file: string): Promise<boolean> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return false;
    await access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function findOnPath(name: string, pathVar: string): Promise<string | undefined> {
  for (const dir of pathVar.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Builds `packages` into a private folder and renames each binary into `dir`, under a lock so that a second
 * process waits instead of building again. `ready` says whether `dir` already holds a finished build.
 * Returns 'built' when this process built it, 'waited' otherwise.
 */
export async function buildWithGo(options: {
  go: string;
  dir: string;
  packages: GoPackage[];
  ready: () => Promise<boolean>;
  /** Runs under the lock after the binaries are in place (e.g. copying files that ship in the module). */
  finish?: () => Promise<void>;
  env: Record<string, string | undefined>;
  log: (line: string) => void;
  what: string;
}): Promise<'built' | 'waited'> {
  const { dir, ready } = options;
  await mkdir(dir, { recursive: true });
  const lockFile = path.join(dir, '.build.lock');
  const deadline = Date.now() + LOCK_WAIT_TIMEOUT_MS;

  for (;;) {
    const lock = await tryLock(lockFile);
    if (lock) {
      try {
        if (await ready()) return 'waited';
        for (const pkg of options.packages) await goInstall(options, pkg);
        await options.finish?.();
        return 'built';
      } finally {
        await rm(lockFile, { force: true });
      }
    }
    if (await ready()) return 'waited';
    if (Date.now() > deadline) {
      throw new GoInstallError(`Timed out waiting for another process to build ${options.what} (lock ${lockFile}).`);
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
  options: { go: string; dir: string; env: Record<string, string | undefined>; log: (line: string) => void },
  pkg: GoPackage,
): Promise<void> {
  const { go, dir, env, log } = options;
  const staging = path.join(dir, `.build-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  log(`building ${pkg.target} with go install (a few minutes the first time)…`);
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(go, ['install', pkg.target], {
        // Built outside any module of ours; GOFLAGS from the caller could otherwise redirect it.
        cwd: os.tmpdir(),
        env: { ...env, GOBIN: staging, GOFLAGS: '-mod=mod', CGO_ENABLED: env.CGO_ENABLED ?? '0' },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new GoInstallError(`go install did not finish within ${GO_BUILD_TIMEOUT_MS / 60_000} minutes.`));
      }, GO_BUILD_TIMEOUT_MS);
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(new GoInstallError(`Could not run go install: ${err.message}`));
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else reject(new GoInstallError(`go install ${pkg.target} failed (exit ${code ?? signal}); see its output above.`));
      });
    });
    const built = path.join(staging, pkg.built);
    await execFileAsync(built, pkg.probeArgs, { timeout: 30_000 });
    await rename(built, path.join(dir, pkg.installedAs));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
