/**
 * The two one-shot jobs compose runs in the admin-tools image, run here with the same scripts
 * (deploy/temporal/*.sh) and the same variables: the schema job against the cluster's PostgreSQL with the
 * SQL tool and schema files built beside the server, the namespace job with the `temporal` CLI.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalPostgres } from './postgres.js';
import type { ServerBinaries } from './server-binaries.js';
import { searchAttributesSpec, SETUP_NAMESPACE_SCRIPT, SETUP_SCHEMA_SCRIPT, TEMPORAL_DB_PLUGIN } from './shape.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export async function runSchemaJob(options: { binaries: ServerBinaries; postgres: LocalPostgres; logDir: string }): Promise<void> {
  const { binaries, postgres } = options;
  await runScript(SETUP_SCHEMA_SCRIPT, path.join(options.logDir, 'setup-schema.log'), {
    PATH: `${binaries.dir}${path.delimiter}${process.env.PATH ?? ''}`,
    DB: TEMPORAL_DB_PLUGIN,
    POSTGRES_SEEDS: postgres.host,
    POSTGRES_USER: postgres.user,
    SQL_PASSWORD: postgres.password,
    DB_PORT: String(postgres.port),
    SCHEMA_DIR: binaries.schemaDir,
  });
}

export async function runNamespaceJob(options: { temporalCli: string; address: string; namespace: string; logDir: string }): Promise<void> {
  await runScript(SETUP_NAMESPACE_SCRIPT, path.join(options.logDir, 'setup-namespace.log'), {
    PATH: `${path.dirname(options.temporalCli)}${path.delimiter}${process.env.PATH ?? ''}`,
    TEMPORAL_ADDRESS: options.address,
    NAMESPACE: options.namespace,
    SEARCH_ATTRIBUTES: searchAttributesSpec(),
    SLEEP_SECONDS: '1',
  });
}

/** `/bin/sh <script>` as the compose job's entrypoint does; its output goes to `logFile`, appended. */
async function runScript(script: string, logFile: string, env: Record<string, string>): Promise<void> {
  await mkdir(path.dirname(logFile), { recursive: true });
  const fd = openSync(logFile, 'a');
  const child = spawn('/bin/sh', [path.join(repoRoot, script)], { env: { HOME: process.env.HOME, ...env }, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c) => resolve(c));
  });
  if (code !== 0) {
    const tail = (await readFile(logFile, 'utf8')).trimEnd().split('\n').slice(-20).join('\n');
    throw new Error(`${script} failed (exit ${code}):\n${tail}`);
  }
}
