/**
 * docker-compose.yml and `npm run cluster` run one configuration: the same Temporal server release, history
 * shard count, dynamic config file, database settings, setup scripts and search attributes. A change to one
 * side without the other fails here.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { resolveServerBinaries } from '../../scripts/cluster/server-binaries.js';
import {
  DYNAMIC_CONFIG_FILE,
  HISTORY_SHARDS,
  searchAttributesSpec,
  SETUP_NAMESPACE_SCRIPT,
  SETUP_SCHEMA_SCRIPT,
  TEMPORAL_DB_PLUGIN,
  TEMPORAL_DB_USER,
  TEMPORAL_SERVER_VERSION,
} from '../../scripts/cluster/shape.js';
import { serverEnvironment } from '../../scripts/cluster/temporal-server.js';
import { loadCompose, rawEnvironment, read, ROOT } from '../ops/compose-helpers.js';

const { services } = loadCompose();
const compose = {
  server: rawEnvironment(services.temporal),
  schemaJob: rawEnvironment(services['temporal-schema']),
  namespaceJob: rawEnvironment(services['temporal-namespace']),
};
const cluster = serverEnvironment({ host: '127.0.0.1', port: 5433, user: TEMPORAL_DB_USER, password: 'unused' }, { frontend: 7233 }, 'warn');

/** The host file behind a path inside a container, through the service's bind mounts. */
function hostFileOf(service: keyof typeof services, containerPath: string): string {
  for (const volume of services[service].volumes ?? []) {
    const [source, target] = volume.split(':');
    if (!source.startsWith('.')) continue;
    if (containerPath === target || containerPath.startsWith(`${target}/`)) {
      return path.relative(ROOT, path.join(ROOT, source, path.relative(target, containerPath)));
    }
  }
  throw new Error(`${service}: nothing mounted at ${containerPath}`);
}

describe('compose and npm run cluster share one configuration', () => {
  it('the same Temporal server release: compose images and the server npm run cluster builds', async () => {
    expect(services.temporal.image).toBe(`temporalio/server:${TEMPORAL_SERVER_VERSION}`);
    expect(services['temporal-schema'].image).toBe(`temporalio/admin-tools:${TEMPORAL_SERVER_VERSION}`);
    expect(services['temporal-namespace'].image).toBe(`temporalio/admin-tools:${TEMPORAL_SERVER_VERSION}`);
    const binaries = await resolveServerBinaries();
    const { stdout } = await promisify(execFile)(binaries.server, ['--version']);
    expect(stdout).toContain(TEMPORAL_SERVER_VERSION);
  }, 1_500_000);

  it('the same shard count, database plugin and user', () => {
    expect(Number(compose.server.NUM_HISTORY_SHARDS)).toBe(HISTORY_SHARDS);
    expect(Number(cluster.NUM_HISTORY_SHARDS)).toBe(HISTORY_SHARDS);
    expect(HISTORY_SHARDS).toBeGreaterThanOrEqual(4);
    for (const key of ['DB', 'POSTGRES_USER'] as const) expect({ key, value: cluster[key] }).toEqual({ key, value: compose.server[key] });
    expect(cluster.DB).toBe(TEMPORAL_DB_PLUGIN);
  });

  it('the same dynamic config file', () => {
    // compose: a path relative to the image's WORKDIR (/etc/temporal), inside the mounted folder.
    const composeFile = hostFileOf('temporal', path.posix.join('/etc/temporal', compose.server.DYNAMIC_CONFIG_FILE_PATH));
    expect(composeFile).toBe(DYNAMIC_CONFIG_FILE);
    expect(path.relative(ROOT, cluster.DYNAMIC_CONFIG_FILE_PATH)).toBe(DYNAMIC_CONFIG_FILE);
    expect(existsSync(path.join(ROOT, DYNAMIC_CONFIG_FILE))).toBe(true);
  });

  it('the same setup scripts, with the same search attributes', () => {
    const script = (service: 'temporal-schema' | 'temporal-namespace') => {
      const command = services[service].command as string[];
      return hostFileOf(service, command[command.length - 1]);
    };
    expect(script('temporal-schema')).toBe(SETUP_SCHEMA_SCRIPT);
    expect(script('temporal-namespace')).toBe(SETUP_NAMESPACE_SCRIPT);
    expect(compose.namespaceJob.SEARCH_ATTRIBUTES.trim().split(/\s+/)).toEqual(searchAttributesSpec().split(' '));
    // The schema job's database settings are the server's, on both sides.
    expect(compose.schemaJob.DB).toBe(compose.server.DB);
    expect(compose.schemaJob.POSTGRES_USER).toBe(TEMPORAL_DB_USER);
    // The admin-tools image keeps the schema where the script looks by default; the cluster passes its copy.
    expect(read(SETUP_SCHEMA_SCRIPT)).toContain('SCHEMA_DIR=${SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}');
  });
});
