/**
 * The cluster's own PostgreSQL (Debian's `postgresql` package), data in `DATA_DIR/cluster/postgres`, on
 * 127.0.0.1 and a port of its own, TCP only. Created with `initdb` on the first start (superuser `temporal`,
 * as compose's POSTGRES_USER, with a password generated once and kept in `DATA_DIR/cluster/postgres-password`),
 * reused on every later start.
 *
 * PostgreSQL refuses to run as root. When this runs as root (CI does), PostgreSQL runs as the unprivileged
 * `postgres` user the Debian package creates (CLUSTER_POSTGRES_OS_USER picks another), and its data folder
 * belongs to that user; DATA_DIR must then be reachable by it (not under a mode-700 home folder).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, chmod, chown, mkdir, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { findOnPath, isExecutableFile } from '../go-install-cache.js';
import { ManagedProcess, waitFor } from './managed-process.js';
import { TEMPORAL_DB_USER } from './shape.js';

const execFileAsync = promisify(execFile);

export interface PostgresOptions {
  /** DATA_DIR/cluster */
  clusterDir: string;
  port: number;
  /** The OS user PostgreSQL runs as when this process is root. */
  osUser?: string;
  env?: Record<string, string | undefined>;
  log: (line: string) => void;
}

export interface LocalPostgres {
  process: ManagedProcess;
  host: string;
  port: number;
  user: string;
  password: string;
  /** Starts it and waits until it accepts connections. */
  start(): Promise<void>;
  stop(): Promise<string>;
}

/** `initdb` on PATH, else the newest /usr/lib/postgresql/<version>/bin (Debian keeps it off PATH). */
export async function findPostgresBinDir(env: Record<string, string | undefined> = process.env): Promise<string | undefined> {
  const onPath = await findOnPath('initdb', env.PATH ?? '');
  // Through symlinks: a machine may link only a few of the tools onto PATH.
  if (onPath) return path.dirname(await realpath(onPath));
  const versions = await readdir('/usr/lib/postgresql').catch(() => [] as string[]);
  for (const version of versions.sort((a, b) => Number(b) - Number(a))) {
    const dir = path.join('/usr/lib/postgresql', version, 'bin');
    if (await isExecutableFile(path.join(dir, 'initdb'))) return dir;
  }
  return undefined;
}

export async function preparePostgres(options: PostgresOptions): Promise<LocalPostgres> {
  const env = options.env ?? process.env;
  const binDir = await findPostgresBinDir(env);
  if (!binDir) throw new Error('PostgreSQL is not installed: `apt-get install postgresql` (npm run cluster runs its own, on a port of its own).');
  const owner = process.getuid?.() === 0 ? await osUserIds(options.osUser ?? 'postgres') : undefined;
  const dataDir = path.join(options.clusterDir, 'postgres');
  const passwordFile = path.join(options.clusterDir, 'postgres-password');
  await mkdir(options.clusterDir, { recursive: true });
  if (owner) await assertReachable(options.clusterDir, owner, options.osUser ?? 'postgres');

  if (!(await exists(path.join(dataDir, 'PG_VERSION')))) {
    options.log(`postgres: creating a database cluster in ${dataDir}`);
    await initdb(binDir, dataDir, passwordFile, owner);
  }
  const password = (await readFile(passwordFile, 'utf8')).trim();

  const process_ = new ManagedProcess({
    name: 'postgres',
    command: path.join(binDir, 'postgres'),
    // TCP on loopback only: no socket in /var/run/postgresql, so it never meets the system's PostgreSQL.
    // Four Temporal services hold up to 30 connections each (SQL_MAX_CONNS + SQL_VIS_MAX_CONNS).
    args: ['-D', dataDir, '-c', 'listen_addresses=127.0.0.1', '-c', `port=${options.port}`, '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    env: { PATH: env.PATH, LANG: 'C.UTF-8' },
    cwd: dataDir,
    logFile: path.join(options.clusterDir, 'logs', 'postgres.log'),
    uid: owner?.uid,
    gid: owner?.gid,
    // A fast shutdown: open transactions roll back, clients are disconnected, the data is consistent.
    stopSignal: 'SIGINT',
  });
  const isReady = async () => {
    await execFileAsync(path.join(binDir, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(options.port), '-d', 'postgres', '-t', '2']);
    return true;
  };
  return {
    process: process_,
    host: '127.0.0.1',
    port: options.port,
    user: TEMPORAL_DB_USER,
    password,
    async start() {
      await process_.start();
      await waitFor('PostgreSQL to accept connections', isReady, { timeoutMs: 60_000, process: process_ });
    },
    stop: () => process_.stop(),
  };
}

async function initdb(binDir: string, dataDir: string, passwordFile: string, owner: { uid: number; gid: number } | undefined): Promise<void> {
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const password = randomBytes(24).toString('base64url');
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  // initdb reads the password from a file its own user can read; it is removed right after.
  const pwfile = path.join(dataDir, '..', '.initdb-password');
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (owner) {
    await chown(dataDir, owner.uid, owner.gid);
    await chown(pwfile, owner.uid, owner.gid);
  }
  await chmod(dataDir, 0o700);
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(
        path.join(binDir, 'initdb'),
        ['-D', dataDir, '-U', TEMPORAL_DB_USER, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C'],
        { uid: owner?.uid, gid: owner?.gid, cwd: dataDir, env: { PATH: process.env.PATH, LANG: 'C.UTF-8' } },
        (err, _stdout, stderr) => (err ? reject(new Error(`initdb failed: ${stderr || err.message}`)) : resolve()),
      );
    });
  } finally {
    await rm(pwfile, { force: true });
  }
}

async function osUserIds(user: string): Promise<{ uid: number; gid: number }> {
  try {
    const [uid, gid] = await Promise.all([execFileAsync('id', ['-u', user]), execFileAsync('id', ['-g', user])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    throw new Error(`Running as root, so PostgreSQL runs as the OS user "${user}", which does not exist (the Debian package creates "postgres"; set CLUSTER_POSTGRES_OS_USER).`);
  }
}

/** PostgreSQL's user must be able to walk down to its data folder. */
async function assertReachable(dir: string, owner: { uid: number; gid: number }, user: string): Promise<void> {
  try {
    await execFileAsync('test', ['-x', dir], { uid: owner.uid, gid: owner.gid });
  } catch {
    throw new Error(`PostgreSQL runs as "${user}" (this process is root) and cannot reach ${dir}: put DATA_DIR where that user can enter every parent folder.`);
  }
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
