/**
 * The Temporal server and its SQL tool, built with `go install` from the release the compose images carry
 * (scripts/cluster/shape.ts) and cached the way the CLI is: `<cache>/wooshpay-payments/temporal-server-<v>/`
 * holds `temporal-server`, `temporal-sql-tool` (the names the images give them) and the PostgreSQL schema
 * files that ship inside the module (the admin-tools image keeps them in /etc/temporal/schema).
 */
import { execFile, spawn } from 'node:child_process';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildWithGo, cacheRoot, findOnPath, isExecutableFile } from '../go-install-cache.js';
import { TEMPORAL_SERVER_MODULE, TEMPORAL_SERVER_VERSION } from './shape.js';

const execFileAsync = promisify(execFile);

export interface ServerBinaries {
  dir: string;
  server: string;
  sqlTool: string;
  /** `schema/postgresql/v12`, as setup-schema.sh takes it in SCHEMA_DIR. */
  schemaDir: string;
  source: 'cache' | 'go-install';
}

export function serverCacheDir(env: Record<string, string | undefined> = process.env): string {
  return path.join(cacheRoot(env), `temporal-server-${TEMPORAL_SERVER_VERSION}`);
}

export async function resolveServerBinaries(
  options: { env?: Record<string, string | undefined>; log?: (line: string) => void } = {},
): Promise<ServerBinaries> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const dir = serverCacheDir(env);
  const found: ServerBinaries = {
    dir,
    server: path.join(dir, 'temporal-server'),
    sqlTool: path.join(dir, 'temporal-sql-tool'),
    schemaDir: path.join(dir, 'schema', 'postgresql', 'v12'),
    source: 'cache',
  };
  const ready = async () =>
    (await isExecutableFile(found.server)) &&
    (await isExecutableFile(found.sqlTool)) &&
    (await access(path.join(found.schemaDir, 'visibility', 'versioned')).then(() => true, () => false));
  if (await ready()) return found;

  const go = await findOnPath('go', env.PATH ?? '');
  if (!go) throw new Error(`The Temporal server ${TEMPORAL_SERVER_VERSION} is not built in ${dir} and there is no Go toolchain to build it (install Go 1.24+).`);
  const started = Date.now();
  const version = `v${TEMPORAL_SERVER_VERSION}`;
  const outcome = await buildWithGo({
    go,
    dir,
    env,
    what: `the Temporal server ${version}`,
    log: (line) => log(`temporal server: ${line}`),
    packages: [
      { target: `${TEMPORAL_SERVER_MODULE}/cmd/server@${version}`, built: 'server', installedAs: 'temporal-server', probeArgs: ['--version'] },
      { target: `${TEMPORAL_SERVER_MODULE}/cmd/tools/sql@${version}`, built: 'sql', installedAs: 'temporal-sql-tool', probeArgs: ['--version'] },
    ],
    ready,
    finish: () => copySchema(go, env, dir),
  });
  if (outcome === 'built') log(`temporal server: built ${version} in ${Math.round((Date.now() - started) / 1000)} s into ${dir}`);
  return { ...found, source: outcome === 'built' ? 'go-install' : 'cache' };
}

/** The schema files of the module `go install` just downloaded, copied writable (the module cache is read-only). */
async function copySchema(go: string, env: Record<string, string | undefined>, dir: string): Promise<void> {
  const { stdout } = await execFileAsync(go, ['mod', 'download', '-json', `${TEMPORAL_SERVER_MODULE}@v${TEMPORAL_SERVER_VERSION}`], {
    env: { ...env, GOFLAGS: '-mod=mod' },
    cwd: dir,
    maxBuffer: 4 * 1024 * 1024,
  });
  const moduleDir = (JSON.parse(stdout) as { Dir?: string }).Dir;
  if (!moduleDir) throw new Error(`go mod download did not say where ${TEMPORAL_SERVER_MODULE} is.`);
  const staging = path.join(dir, `.schema-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  await new Promise<void>((resolve, reject) => {
    const cp = spawn('cp', ['-R', '--no-preserve=mode,ownership', path.join(moduleDir, 'schema', 'postgresql'), staging], { stdio: 'inherit' });
    cp.on('error', reject);
    cp.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`copying the schema files failed (exit ${code})`))));
  });
  await rm(path.join(dir, 'schema'), { recursive: true, force: true });
  await rename(staging, path.join(dir, 'schema'));
}

// `tsx scripts/cluster/server-binaries.ts`: build (or find) them and print where they are (used by .ci/run).
if (process.argv[1] && import.meta.url === new URL(`file://${path.resolve(process.argv[1])}`).href) {
  const started = Date.now();
  resolveServerBinaries({ log: (line) => console.log(line) })
    .then((found) => console.log(`${found.server} (${found.source}, ${((Date.now() - started) / 1000).toFixed(1)} s)`))
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    });
}
