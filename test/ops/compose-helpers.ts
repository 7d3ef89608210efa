/**
 * Reading the deployment files the way Docker does, for tests without a Docker engine: compose YAML with
 * merge keys and `${VAR…}` interpolation, env files, and a Dockerfile's stages.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SearchAttributeType } from '@temporalio/common';
import { parse } from 'yaml';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const read = (relative: string): string => readFileSync(`${ROOT}/${relative}`, 'utf8');

// ---- Search attributes ---------------------------------------------------------------------------------

// The search-attribute spec the namespace job takes lives with the cluster's shared settings.
export { CLI_TYPE_NAMES, searchAttributesSpec } from '../../scripts/cluster/shape.js';

/** temporal.api.enums.v1.IndexedValueType, as the operator service answers it. */
const INDEXED_VALUE_TYPES: Record<number, SearchAttributeType> = {
  1: 'TEXT',
  2: 'KEYWORD',
  3: 'INT',
  4: 'DOUBLE',
  5: 'BOOL',
  6: 'DATETIME',
  7: 'KEYWORD_LIST',
};

export function indexedValueTypeToString(value: number): SearchAttributeType | undefined {
  return INDEXED_VALUE_TYPES[value];
}

// ---- Compose -------------------------------------------------------------------------------------------

export interface ComposeService {
  image?: string;
  build?: { context: string; target?: string } | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: Record<string, { condition?: string; required?: boolean; restart?: boolean }> | string[];
  ports?: (string | { target: number; published?: string | number })[];
  healthcheck?: { test: string[] | string; disable?: boolean };
  profiles?: string[];
  restart?: string;
  volumes?: string[];
  command?: string[] | string;
  entrypoint?: string[] | string;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export function loadCompose(text = read('docker-compose.yml')): ComposeFile {
  return parse(text, { merge: true }) as ComposeFile;
}

export class InterpolationError extends Error {}

/**
 * Compose's interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`,
 * `${VAR?error}`, `${VAR:+alt}`, and `$$` for a literal `$`.
 */
export function interpolate(value: string, env: Record<string, string | undefined>): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, braced: string | undefined, op: string | undefined, arg: string | undefined, bare: string | undefined) => {
    if (match === '$$') return '$';
    const name = (braced ?? bare)!;
    const current = env[name];
    const unsetOrEmpty = current === undefined || current === '';
    switch (op) {
      case undefined:
        return current ?? '';
      case ':-':
        return unsetOrEmpty ? (arg ?? '') : current;
      case '-':
        return current === undefined ? (arg ?? '') : current;
      case ':?':
        if (unsetOrEmpty) throw new InterpolationError(`${name}: ${arg}`);
        return current;
      case '?':
        if (current === undefined) throw new InterpolationError(`${name}: ${arg}`);
        return current;
      case ':+':
        return unsetOrEmpty ? '' : (arg ?? '');
      default:
        return match;
    }
  });
}

/** The file without its comment lines, which compose does not interpolate. */
const uncommented = (text: string) => text.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n');

/** Variables compose refuses to run without (`${VAR:?…}` / `${VAR?…}`), anywhere in the file. */
export function requiredVariables(text = read('docker-compose.yml')): string[] {
  return [...new Set([...uncommented(text).matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*):?\?/g)].map((m) => m[1]))].sort();
}

/** Every `${VAR…}` the file reads. */
export function referencedVariables(text = read('docker-compose.yml')): string[] {
  return [...new Set([...uncommented(text).matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]))].sort();
}

/** A service's environment as written (not interpolated). */
export function rawEnvironment(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((entry) => [entry.split('=')[0], entry.slice(entry.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

export function serviceEnvironment(service: ComposeService, env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(rawEnvironment(service)).map(([k, v]) => [k, interpolate(v, env)]));
}

export function dependsOn(service: ComposeService): Record<string, { condition: string; required: boolean; restart: boolean }> {
  const deps = service.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [d, { condition: 'service_started', required: true, restart: false }]));
  return Object.fromEntries(
    Object.entries(deps).map(([name, d]) => [name, { condition: d.condition ?? 'service_started', required: d.required ?? true, restart: d.restart ?? false }]),
  );
}

/** `[host_ip:]published:target` of each port mapping, interpolated. */
export function portMappings(service: ComposeService, env: Record<string, string | undefined>): { hostIp?: string; published: number; target: number }[] {
  return (service.ports ?? []).map((p) => {
    if (typeof p !== 'string') return { published: Number(p.published), target: p.target };
    const parts = interpolate(p, env).split(':');
    const target = Number(parts.pop());
    const published = Number(parts.pop());
    return { hostIp: parts[0], published, target };
  });
}

export function buildTarget(service: ComposeService): string | undefined {
  return typeof service.build === 'object' ? service.build.target : undefined;
}

export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 1) throw new Error(`not KEY=VALUE: ${line}`);
    env[line.slice(0, eq)] = line.slice(eq + 1).replace(/^(['"])(.*)\1$/, '$2');
  }
  return env;
}

// ---- Dockerfile ----------------------------------------------------------------------------------------

export interface DockerStage {
  name: string;
  from: string;
  /** ENV, including what the parent stage set. */
  env: Record<string, string>;
  user: string | undefined;
  cmd: string[] | undefined;
  entrypoint: string[] | undefined;
  healthcheck: string[] | undefined;
  workdir: string | undefined;
  instructions: { op: string; args: string }[];
}

/** Instructions with line continuations joined, comments dropped. */
export function dockerInstructions(text = read('Dockerfile')): { op: string; args: string }[] {
  const joined = text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

function execForm(args: string): string[] | undefined {
  const trimmed = args.trim();
  return trimmed.startsWith('[') ? (JSON.parse(trimmed) as string[]) : undefined;
}

export function dockerStages(text = read('Dockerfile')): DockerStage[] {
  const stages: DockerStage[] = [];
  let current: DockerStage | undefined;
  for (const ins of dockerInstructions(text)) {
    if (ins.op === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      if (!m) throw new Error(`FROM ${ins.args}`);
      const parent = stages.find((s) => s.name === m[1]);
      current = {
        name: m[2] ?? `stage${stages.length}`,
        from: m[1],
        env: { ...(parent?.env ?? {}) },
        user: parent?.user,
        cmd: parent?.cmd,
        entrypoint: parent?.entrypoint,
        healthcheck: parent?.healthcheck,
        workdir: parent?.workdir,
        instructions: [],
      };
      stages.push(current);
      continue;
    }
    if (!current) continue;
    current.instructions.push(ins);
    if (ins.op === 'ENV') {
      for (const m of ins.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)/g)) current.env[m[1]] = m[2].replace(/^"|"$/g, '');
    } else if (ins.op === 'USER') current.user = ins.args.trim();
    else if (ins.op === 'CMD') current.cmd = execForm(ins.args) ?? ['/bin/sh', '-c', ins.args];
    else if (ins.op === 'ENTRYPOINT') current.entrypoint = execForm(ins.args) ?? ['/bin/sh', '-c', ins.args];
    else if (ins.op === 'WORKDIR') current.workdir = ins.args.trim();
    else if (ins.op === 'HEALTHCHECK') {
      const cmd = /\bCMD\s+(.*)$/.exec(ins.args)?.[1];
      current.healthcheck = ins.args.trim() === 'NONE' || !cmd ? undefined : (execForm(cmd) ?? ['/bin/sh', '-c', cmd]);
    }
  }
  return stages;
}
