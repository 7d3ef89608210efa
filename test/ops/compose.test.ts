/**
 * docker-compose.yml and the Dockerfile, checked against the application without a Docker engine: the
 * files are parsed as Docker reads them, and the API and the worker are started for real with exactly the
 * environment compose would give their containers (both the WooshPay setup and the simulator profile).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { startApiServer } from '../../api/server.js';
import { startCodecServer } from '../../codec/server.js';
import { EnvSchema, loadConfig } from '../../config/config.js';
import { bundleWorkflows } from '../../scripts/bundle-workflows.js';
import { startWorker } from '../../worker/run.js';
import { workerNodeFlags } from '../../worker/tuning.js';
import { PAYMENT_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';
import {
  buildTarget,
  CLI_TYPE_NAMES,
  type ComposeService,
  dependsOn,
  dockerInstructions,
  dockerStages,
  interpolate,
  InterpolationError,
  loadCompose,
  parseEnvFile,
  portMappings,
  rawEnvironment,
  read,
  referencedVariables,
  requiredVariables,
  ROOT,
  serviceEnvironment,
} from './compose-helpers.js';
import { installQuietRuntime, uniqueTaskQueue } from '../harness/temporal.js';

const compose = loadCompose();
const services = compose.services;
const stages = dockerStages();
const stage = (name: string) => {
  const found = stages.find((s) => s.name === name);
  if (!found) throw new Error(`no Dockerfile stage ${name}`);
  return found;
};
const simulatorEnvFile = parseEnvFile(read('deploy/simulator.env'));
const exampleEnvFile = parseEnvFile(read('deploy/compose.env.example'));

/**
 * What each role reads from the environment (config/config.ts), and what only `npm start` and tests read.
 * The union must be every variable of the config schema, so a new variable is placed here (and in compose)
 * before this test passes again.
 */
const ROLE_VARIABLES = {
  api: [
    'LOG_LEVEL', 'PORT', 'HOST', 'API_KEYS', 'API_METRICS_PORT',
    'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE',
    'WOOSHPAY_BASE_URL', 'WOOSHPAY_SECRET_KEY', 'WOOSHPAY_WEBHOOK_SECRETS', 'WOOSHPAY_TIMEOUT_MS', 'WEBHOOK_TOLERANCE_SECONDS',
    // Fixed into each new payment's workflow input by the API (api/server.ts paymentSettingsFromConfig).
    'REFUNDS_ENABLED', 'NOTIFY_URL', 'MERCHANT_NOTIFY_URLS', 'PAYMENT_RETENTION_DAYS', 'RECONCILE_FIRST_SECONDS', 'RECONCILE_INTERVAL_SECONDS',
    'LATE_FUNDS_POLICY', 'MAX_REFUNDS_PER_PAYMENT', 'PAYLOAD_ENCRYPTION_KEYS',
  ],
  worker: [
    'LOG_LEVEL', 'HOST', 'METRICS_PORT',
    'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE',
    'WOOSHPAY_BASE_URL', 'WOOSHPAY_SECRET_KEY', 'WOOSHPAY_TIMEOUT_MS', 'NOTIFY_SIGNING_SECRET', 'WORKFLOW_BUNDLE_PATH',
    'MERCHANT_NOTIFY_SIGNING_SECRETS',
    'PAYLOAD_ENCRYPTION_KEYS',
  ],
  codec: ['LOG_LEVEL', 'HOST', 'TEMPORAL_NAMESPACE', 'PAYLOAD_ENCRYPTION_KEYS', 'CODEC_PORT', 'CODEC_AUTH_TOKENS', 'CODEC_UI_ORIGINS'],
  // NOTIFY_ALLOW_PRIVATE_NETWORKS: development only (npm start); the compose stack must not set it.
  localOnly: ['NODE_ENV', 'TEMPORAL_CLI_PATH', 'TEMPORAL_UI_PORT', 'TEMPORAL_DEV_PORT', 'SIMULATOR_PORT', 'PUBLIC_BASE_URL', 'DATA_DIR', 'NOTIFY_ALLOW_PRIVATE_NETWORKS'],
} as const;
/** Variables a role needs that have no usable default in a container. */
const REQUIRED = {
  api: ['API_KEYS', 'WOOSHPAY_BASE_URL', 'WOOSHPAY_SECRET_KEY', 'WOOSHPAY_WEBHOOK_SECRETS', 'TEMPORAL_ADDRESS', 'HOST', 'PAYLOAD_ENCRYPTION_KEYS'],
  worker: ['WOOSHPAY_BASE_URL', 'WOOSHPAY_SECRET_KEY', 'NOTIFY_SIGNING_SECRET', 'TEMPORAL_ADDRESS', 'HOST', 'WORKFLOW_BUNDLE_PATH', 'PAYLOAD_ENCRYPTION_KEYS'],
  codec: ['PAYLOAD_ENCRYPTION_KEYS', 'CODEC_AUTH_TOKENS', 'CODEC_UI_ORIGINS', 'HOST'],
};
/** Secrets deploy/docker-entrypoint.sh also reads from `<NAME>_FILE`. */
const FILE_SECRETS = ['API_KEYS', 'WOOSHPAY_SECRET_KEY', 'WOOSHPAY_WEBHOOK_SECRETS', 'NOTIFY_SIGNING_SECRET', 'MERCHANT_NOTIFY_SIGNING_SECRETS', 'PAYLOAD_ENCRYPTION_KEYS', 'CODEC_AUTH_TOKENS'];
/** Sample operator values for the empty entries of deploy/compose.env.example. */
const OPERATOR_SAMPLE: Record<string, string> = {
  POSTGRES_PASSWORD: 'operator-postgres-password',
  API_KEYS: 'operator_key_0123456789abcdef',
  WOOSHPAY_SECRET_KEY: 'sk_test_operator_sample',
  WOOSHPAY_WEBHOOK_SECRETS: 'whsec_operator_sample_0123',
  NOTIFY_SIGNING_SECRET: 'operator_notify_secret_0123',
  NOTIFY_URL: '',
  MERCHANT_NOTIFY_URLS: '',
  MERCHANT_NOTIFY_SIGNING_SECRETS: '',
  PAYLOAD_ENCRYPTION_KEYS: `operator-1:${Buffer.alloc(32, 7).toString('base64')}`,
  CODEC_AUTH_TOKENS: 'operator_codec_token_0123456789abcdef',
};
const SCENARIOS = {
  'WooshPay (deploy/compose.env.example filled in)': () =>
    Object.fromEntries(Object.entries(exampleEnvFile).map(([k, v]) => [k, v === '' ? OPERATOR_SAMPLE[k] : v])),
  'simulator profile (deploy/simulator.env)': () => ({ ...simulatorEnvFile }),
};

/** The environment a role's container process sees: the image stage's ENV, then compose's environment. */
function containerEnv(serviceName: 'api' | 'worker' | 'codec', operatorEnv: Record<string, string | undefined>): Record<string, string> {
  const service = services[serviceName];
  return { ...stage(buildTarget(service)!).env, ...serviceEnvironment(service, operatorEnv) };
}

/** deploy/docker-entrypoint.sh run on that environment (each `_FILE` pointed at a local copy). */
function throughEntrypoint(env: Record<string, string>): Record<string, string> {
  const result = spawnSync('sh', [path.join(ROOT, 'deploy/docker-entrypoint.sh'), 'node', '-e', 'process.stdout.write(JSON.stringify(process.env))'], {
    env: { ...env, PATH: process.env.PATH },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`entrypoint failed: ${result.stderr}`);
  const out = JSON.parse(result.stdout) as Record<string, string>;
  delete out.PATH;
  return out;
}

describe('images', () => {
  it('pins every image by an exact version, never latest or untagged', () => {
    const exact = /^[a-z0-9./-]+:\d+\.\d+(\.\d+)?(-[a-z0-9.-]+)?(@sha256:[0-9a-f]{64})?$/;
    const images = Object.entries(services).filter(([, s]) => s.image);
    expect(images.length).toBeGreaterThanOrEqual(4);
    for (const [name, s] of images) expect({ name, image: s.image }).toEqual({ name, image: expect.stringMatching(exact) });
    for (const s of stages) {
      const fromStage = stages.some((other) => other.name === s.from);
      expect({ stage: s.name, from: fromStage ? 'an earlier stage' : s.from }).toEqual({
        stage: s.name,
        from: fromStage ? 'an earlier stage' : expect.stringMatching(/^node:22\.\d+\.\d+-[a-z]+(-slim)?(@sha256:[0-9a-f]{64})?$/),
      });
    }
  });

  it('builds every service without an image from a stage of the Dockerfile', () => {
    for (const [name, s] of Object.entries(services)) {
      if (s.image) continue;
      expect({ name, target: buildTarget(s) }).toEqual({ name, target: expect.any(String) });
      expect(stages.map((st) => st.name)).toContain(buildTarget(s));
    }
  });
});

describe('Dockerfile', () => {
  const roles = { api: 'dist/api/main.js', worker: 'dist/worker/main.js', simulator: 'dist/simulator/main.js' };

  it('runs each role as the unprivileged user, through the entrypoint, with its own command', () => {
    for (const [role, main] of Object.entries(roles)) {
      const s = stage(role);
      expect({ role, user: s.user }).toEqual({ role, user: expect.not.stringMatching(/^(root|0)(:|$)/) });
      expect(s.user).toBeDefined();
      expect(s.cmd).toEqual(['node', main]);
      expect(s.entrypoint).toEqual(['docker-entrypoint.sh']);
    }
    // The API is the default target (the last stage).
    expect(stages.at(-1)!.name).toBe('api');
  });

  it('compiles to the files the commands, the bundle step and the setup job run', () => {
    const outDir = path.join(os.tmpdir(), `compose-test-build-${process.pid}`);
    try {
      const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', outDir], {
        encoding: 'utf8',
      });
      expect({ status: tsc.status, output: tsc.stdout + tsc.stderr }).toEqual({ status: 0, output: '' });
      const runs = [
        ...Object.values(roles),
        ...Object.values(services).flatMap((s) => (Array.isArray(s.command) && s.command[0] === 'node' ? [s.command[1]] : [])),
        ...stage('build')
          .instructions.filter((i) => i.op === 'RUN')
          .flatMap((i) => [...i.args.matchAll(/node (dist\/\S+\.js)/g)].map((m) => m[1])),
      ];
      expect(runs).toEqual(expect.arrayContaining(['dist/deploy/simulator-setup.js', 'dist/scripts/bundle-workflows.js']));
      for (const file of runs) expect({ file, exists: existsSync(path.join(outDir, file.replace(/^dist\//, ''))) }).toEqual({ file, exists: true });
    } finally {
      spawnSync('rm', ['-rf', outDir]);
    }
  });

  it('copies into the build every source folder tsconfig.build.json compiles, and nothing .dockerignore drops', () => {
    const build = stage('build');
    const copied = build.instructions.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from')).map((i) => i.args.split(/\s+/)[0]);
    const include = (JSON.parse(read('tsconfig.build.json')) as { include: string[] }).include;
    for (const folder of include) expect(copied).toContain(folder);
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#') && !l.startsWith('!'));
    for (const source of copied) {
      expect({ source, exists: existsSync(path.join(ROOT, source)) }).toEqual({ source, exists: true });
      expect(ignored).not.toContain(source);
    }
  });

  it('bundles the workflows where the worker loads them, and ships production dependencies only', () => {
    const build = stage('build');
    const bundleRun = build.instructions.find((i) => i.op === 'RUN' && i.args.includes('bundle-workflows'));
    const out = /bundle-workflows\.js\s+(\S+)/.exec(bundleRun?.args ?? '')?.[1];
    expect(out).toBeDefined();
    const runtime = stage('runtime');
    expect(path.posix.join(runtime.workdir!, out!)).toBe(stage('worker').env.WORKFLOW_BUNDLE_PATH);
    expect(build.workdir).toBe(runtime.workdir);

    const prodDeps = stage('prod-deps');
    expect(prodDeps.instructions.some((i) => i.op === 'RUN' && /npm ci\b.*--omit=dev/.test(i.args))).toBe(true);
    const copies = runtime.instructions.filter((i) => i.op === 'COPY').map((i) => i.args);
    expect(copies).toContain('--from=prod-deps /app/node_modules ./node_modules');
    expect(copies.some((c) => c.startsWith('--from=build') && c.includes('node_modules'))).toBe(false);
    // "type": "module" makes dist/*.js ES modules: package.json must sit beside dist/.
    expect(copies).toContain('package.json ./');
  });

  it('checks the API health on the port the API listens on', () => {
    const api = stage('api');
    const check = api.healthcheck?.join(' ') ?? '';
    expect(check).toMatch(/\/healthz/);
    const fallback = /process\.env\.PORT \|\| (\d+)/.exec(check)?.[1];
    expect(fallback).toBe(api.env.PORT);
    expect(String(EnvSchema.shape.PORT.parse(undefined))).toBe(api.env.PORT);
    const worker = stage('worker');
    expect(/process\.env\.METRICS_PORT \|\| (\d+)/.exec(worker.healthcheck?.join(' ') ?? '')?.[1]).toBe(worker.env.METRICS_PORT);
  });

  it('bakes in no secret', () => {
    for (const s of stages) {
      for (const key of Object.keys(s.env)) expect(key).not.toMatch(/KEY|SECRET|PASSWORD|TOKEN/);
    }
    for (const i of dockerInstructions()) {
      if (i.op === 'ARG') expect(i.args).not.toMatch(/KEY|SECRET|PASSWORD|TOKEN/i);
      if (i.op === 'COPY') expect(i.args).not.toMatch(/\.env\b|simulator\.env/);
    }
    const ignored = read('.dockerignore');
    for (const pattern of ['.env', 'deploy/*.env', 'node_modules', 'dist']) expect(ignored.split('\n')).toContain(pattern);
  });
});

describe('docker-compose.yml', () => {
  it('starts in order: PostgreSQL healthy → schema job → server healthy → namespace job → worker and API', () => {
    const edge = (from: string, to: string) => dependsOn(services[from])[to]?.condition;
    expect(edge('temporal-schema', 'postgresql')).toBe('service_healthy');
    expect(edge('temporal', 'temporal-schema')).toBe('service_completed_successfully');
    expect(edge('temporal-namespace', 'temporal')).toBe('service_healthy');
    expect(edge('worker', 'temporal-namespace')).toBe('service_completed_successfully');
    expect(edge('api', 'temporal-namespace')).toBe('service_completed_successfully');
    expect(edge('temporal-ui', 'temporal-namespace') ?? edge('temporal-ui', 'temporal')).toBeDefined();
    expect(services.postgresql.healthcheck!.test).toEqual(expect.arrayContaining([expect.stringMatching(/pg_isready/)]));
  });

  it('depends only on services that exist, can become healthy or complete, and are enabled with it', () => {
    const healthy = (name: string) => Boolean(services[name].healthcheck?.test) || Boolean(buildTarget(services[name]) && stage(buildTarget(services[name])!).healthcheck);
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, d] of Object.entries(dependsOn(s))) {
        const where = `${name} → ${dep}`;
        expect({ where, exists: dep in services }).toEqual({ where, exists: true });
        if (d.condition === 'service_healthy') expect({ where, healthcheck: healthy(dep) }).toEqual({ where, healthcheck: true });
        // A one-shot job restarted forever never "completes".
        if (d.condition === 'service_completed_successfully') {
          expect({ where, restart: services[dep].restart ?? 'no' }).toEqual({ where, restart: expect.stringMatching(/^(no|on-failure(:\d+)?)$/) });
        }
        // A dependency outside the profiles of the dependent must be optional, or compose refuses the file.
        const depProfiles = services[dep].profiles ?? [];
        const ownProfiles = s.profiles ?? [];
        if (depProfiles.length > 0 && !depProfiles.every((p) => ownProfiles.includes(p))) {
          expect({ where, required: d.required }).toEqual({ where, required: false });
        }
      }
    }
    // No cycles.
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (name: string): void => {
      if (done.has(name)) return;
      expect(visiting.has(name)).toBe(false);
      visiting.add(name);
      for (const dep of Object.keys(dependsOn(services[name]))) visit(dep);
      visiting.delete(name);
      done.add(name);
    };
    for (const name of Object.keys(services)) visit(name);
  });

  it('keeps the simulator and its setup job under the simulator profile, and the API waiting for the setup', () => {
    for (const [name, s] of Object.entries(services)) {
      const isSimulator = buildTarget(s) === 'simulator' || (Array.isArray(s.command) && s.command.join(' ').includes('simulator-setup'));
      expect({ name, profiles: s.profiles ?? [] }).toEqual({ name, profiles: isSimulator ? ['simulator'] : [] });
    }
    expect(dependsOn(services.api)['simulator-setup']).toEqual({ condition: 'service_completed_successfully', required: false, restart: true });
    expect(simulatorEnvFile.COMPOSE_PROFILES).toBe('simulator');
  });

  it('registers exactly the search attributes the workflows use, with their types', () => {
    const job = services['temporal-namespace'];
    const spec = rawEnvironment(job).SEARCH_ATTRIBUTES.trim().split(/\s+/);
    const expected = PAYMENT_SEARCH_ATTRIBUTES.map((k) => `${k.name}=${CLI_TYPE_NAMES[k.type]}`);
    expect([...spec].sort()).toEqual([...expected].sort());
    // …through the script the job mounts and runs.
    const mount = job.volumes!.find((v) => v.includes('setup-namespace.sh'))!;
    const [source, target] = mount.split(':');
    expect(existsSync(path.join(ROOT, source))).toBe(true);
    expect(job.command).toEqual([target]);
    expect(rawEnvironment(job).NAMESPACE).toBe(rawEnvironment(services.worker).TEMPORAL_NAMESPACE);
  });

  it('runs the schema job with the script it mounts, on the database the server uses', () => {
    const job = services['temporal-schema'];
    const [source, target] = job.volumes!.find((v) => v.includes('setup-schema.sh'))!.split(':');
    expect(existsSync(path.join(ROOT, source))).toBe(true);
    expect(job.command).toEqual([target]);
    const jobEnv = rawEnvironment(job);
    const serverEnv = rawEnvironment(services.temporal);
    for (const key of ['DB', 'DB_PORT', 'POSTGRES_SEEDS', 'POSTGRES_USER']) expect({ key, value: jobEnv[key] }).toEqual({ key, value: serverEnv[key] });
    expect(jobEnv.SQL_PASSWORD).toBe(serverEnv.POSTGRES_PWD);
    expect(jobEnv.POSTGRES_SEEDS).toBe('postgresql');
    expect(rawEnvironment(services.postgresql).POSTGRES_PASSWORD).toBe(serverEnv.POSTGRES_PWD);
    expect(rawEnvironment(services.postgresql).POSTGRES_USER).toBe(serverEnv.POSTGRES_USER);
    const dynamic = rawEnvironment(services.temporal).DYNAMIC_CONFIG_FILE_PATH;
    const mount = services.temporal.volumes!.find((v) => v.includes('dynamicconfig'))!.split(':');
    expect(existsSync(path.join(ROOT, mount[0], path.basename(dynamic)))).toBe(true);
    expect(mount[1]).toBe(`/etc/temporal/${path.dirname(dynamic)}`);
  });

  it('points every Temporal client at the temporal service’s gRPC port', () => {
    const grpcPort = portMappings(services.temporal, {})[0].target;
    expect(services.temporal.healthcheck!.test).toContain(String(grpcPort));
    for (const name of ['worker', 'api', 'temporal-namespace', 'temporal-ui']) {
      expect({ name, address: rawEnvironment(services[name]).TEMPORAL_ADDRESS }).toEqual({ name, address: `temporal:${grpcPort}` });
    }
  });

  it('publishes the ports the processes listen on', () => {
    for (const scenario of Object.values(SCENARIOS)) {
      const env = scenario();
      const api = containerEnv('api', env);
      expect(portMappings(services.api, env).map((p) => p.target)).toEqual([Number(api.PORT), Number(api.API_METRICS_PORT)]);
      expect(api.API_METRICS_PORT).not.toBe(api.PORT);
      // Metrics answer without a key: reachable from this machine (Prometheus), never published beyond it.
      expect(portMappings(services.api, env)[1].hostIp).toBe('127.0.0.1');
      expect(api.HOST).toBe('0.0.0.0');
      const worker = containerEnv('worker', env);
      expect(portMappings(services.worker, env).map((p) => p.target)).toEqual([Number(worker.METRICS_PORT)]);
      expect(worker.HOST).toBe('0.0.0.0');
      const codec = containerEnv('codec', env);
      expect(portMappings(services.codec, env).map((p) => p.target)).toEqual([Number(codec.CODEC_PORT)]);
      expect(codec.HOST).toBe('0.0.0.0');
    }
    const sim = { ...stage('simulator').env, ...rawEnvironment(services.simulator) };
    expect(sim.SIMULATOR_HOST).toBe('0.0.0.0');
    const simPorts = portMappings(services.simulator, {});
    expect(simPorts.map((p) => p.target)).toEqual([Number(sim.SIMULATOR_PORT)]);
    // The API, the worker and the setup job reach the simulator by service name and port…
    expect(simulatorEnvFile.WOOSHPAY_BASE_URL).toBe(`http://simulator:${sim.SIMULATOR_PORT}`);
    const setup = rawEnvironment(services['simulator-setup']);
    // …it delivers webhooks to the API's port, and a browser on the host opens its pages on the published port.
    expect(setup.WEBHOOK_URL).toBe(`http://api:${rawEnvironment(services.api).PORT}/webhooks/wooshpay`);
    expect(new URL(setup.SIMULATOR_PUBLIC_URL).port).toBe(String(simPorts[0].published));
    expect(portMappings(services['temporal-ui'], {}).map((p) => p.target)).toEqual([Number(rawEnvironment(services['temporal-ui']).TEMPORAL_UI_PORT)]);
  });

  it('runs encrypted, and points the UI at the codec server, which answers the UI’s origin', () => {
    for (const scenario of Object.values(SCENARIOS)) {
      const env = scenario();
      for (const role of ['api', 'worker', 'codec'] as const) expect(loadConfig(containerEnv(role, env)).encryption.keys?.length).toBeGreaterThan(0);
      const codec = loadConfig(containerEnv('codec', env));
      const codecPort = portMappings(services.codec, env)[0];
      const ui = serviceEnvironment(services['temporal-ui'], env);
      expect(ui.TEMPORAL_CODEC_ENDPOINT).toBe(`http://localhost:${codecPort.published}/${codec.codec.authTokens![0]}`);
      const uiPort = portMappings(services['temporal-ui'], env)[0].published;
      expect(codec.codec.uiOrigins).toEqual([`http://localhost:${uiPort}`, `http://127.0.0.1:${uiPort}`]);
      expect(codec.temporal.namespace).toBe(loadConfig(containerEnv('worker', env)).temporal.namespace);
    }
    // Production refuses to start in clear (the images set NODE_ENV=production).
    expect(stage('runtime').env.NODE_ENV).toBe('production');
    const { PAYLOAD_ENCRYPTION_KEYS: _dropped, ...withoutKeys } = containerEnv('worker', SCENARIOS['simulator profile (deploy/simulator.env)']());
    expect(() => loadConfig(withoutKeys)).toThrow(/PAYLOAD_ENCRYPTION_KEYS/);
  });

  it('hands the simulator’s webhook secret to the API through a shared volume', () => {
    const setup = services['simulator-setup'];
    const file = rawEnvironment(setup).WEBHOOK_SECRET_FILE;
    expect(simulatorEnvFile.WOOSHPAY_WEBHOOK_SECRETS_FILE).toBe(file);
    const mountOf = (s: ComposeService) => s.volumes!.map((v) => v.split(':')).find(([, target]) => target === path.posix.dirname(file));
    expect(mountOf(setup)?.[0]).toBe(mountOf(services.api)?.[0]);
    expect(Object.keys(compose.volumes ?? {})).toContain(mountOf(setup)![0]);
    expect(stage('runtime').instructions.some((i) => i.op === 'RUN' && i.args.includes(`chown node:node ${path.posix.dirname(file)}`))).toBe(true);
  });

  it('sets only variables the application knows, and every variable each role reads', () => {
    const schemaKeys = Object.keys(EnvSchema.shape).sort();
    expect([...new Set([...ROLE_VARIABLES.api, ...ROLE_VARIABLES.worker, ...ROLE_VARIABLES.codec, ...ROLE_VARIABLES.localOnly])].sort()).toEqual(schemaKeys);
    const known = new Set([...schemaKeys, ...FILE_SECRETS.map((k) => `${k}_FILE`), 'NODE_OPTIONS']);
    for (const role of ['api', 'worker', 'codec'] as const) {
      const service = services[role];
      const set = { ...stage(buildTarget(service)!).env, ...rawEnvironment(service) };
      for (const key of Object.keys(rawEnvironment(service))) expect({ role, key, known: known.has(key) }).toEqual({ role, key, known: true });
      for (const key of ROLE_VARIABLES[role]) expect({ role, key, set: key in set }).toEqual({ role, key, set: true });
    }
  });

  it('runs the worker with the V8 flags its cache is sized against (worker/tuning.ts), as the benchmark does', () => {
    expect(rawEnvironment(services.worker).NODE_OPTIONS).toBe(workerNodeFlags().join(' '));
  });

  it('keeps notifications to public https addresses: NOTIFY_ALLOW_PRIVATE_NETWORKS is not set for any role', () => {
    for (const scenario of Object.values(SCENARIOS)) {
      for (const role of ['api', 'worker'] as const) {
        expect({ role, set: containerEnv(role, scenario()).NOTIFY_ALLOW_PRIVATE_NETWORKS }).toEqual({ role, set: undefined });
      }
    }
  });

  it('holds no secret itself: secrets come from the operator’s environment', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [key, value] of Object.entries(rawEnvironment(s))) {
        if (/KEY|SECRET|PASSWORD|PWD|TOKEN/.test(key) && !key.endsWith('_FILE')) {
          expect({ name, key, value }).toEqual({ name, key, value: expect.stringMatching(/^\$\{[A-Z_]+(:\?[^}]+|:-)\}$/) });
        }
      }
    }
  });

  it('refuses to start without the required secrets, and both env files provide them', () => {
    const required = requiredVariables();
    expect(required).toEqual(
      expect.arrayContaining(['API_KEYS', 'POSTGRES_PASSWORD', 'WOOSHPAY_BASE_URL', 'WOOSHPAY_SECRET_KEY', 'NOTIFY_SIGNING_SECRET', 'PAYLOAD_ENCRYPTION_KEYS', 'CODEC_AUTH_TOKENS']),
    );
    expect(() => serviceEnvironment(services.api, {})).toThrow(InterpolationError);
    for (const name of required) {
      expect({ name, inExample: name in exampleEnvFile }).toEqual({ name, inExample: true });
      expect({ name, inSimulatorEnv: Boolean(simulatorEnvFile[name]) }).toEqual({ name, inSimulatorEnv: true });
    }
    // Every variable the compose file reads is documented for operators, or only meaningful to the simulator profile.
    const documented = read('deploy/compose.env.example');
    for (const name of referencedVariables()) {
      expect({ name, documented: documented.includes(name) || name in simulatorEnvFile }).toEqual({ name, documented: true });
    }
    // The interpolation this test relies on works like compose's.
    expect(interpolate('a${X:-d}b${Y}c$${Z}', { Y: 'y' })).toBe('adbyc${Z}');
  });
});

describe('the API and the worker start with the environment compose gives them', () => {
  let tmp: string;
  let bundlePath: string;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'compose-roles-'));
    // The bundle the image builds, built the same way (from the sources here).
    ({ outFile: bundlePath } = await bundleWorkflows({ outFile: path.join(tmp, 'workflow-bundle.js') }));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  /** Only what cannot be the same outside a container: loopback, a free port, the test's Temporal, local files. */
  async function localize(env: Record<string, string>): Promise<Record<string, string>> {
    const local = { ...env };
    for (const [key, value] of Object.entries(env)) {
      if (key.endsWith('_FILE') && value) {
        const copy = path.join(tmp, path.basename(value));
        // What the simulator-setup job writes into the shared volume.
        await writeFile(copy, 'whsec_written_by_simulator_setup\n');
        local[key] = copy;
      }
    }
    return {
      ...local,
      HOST: '127.0.0.1',
      PORT: '0',
      ...(env.API_METRICS_PORT && { API_METRICS_PORT: '0' }),
      CODEC_PORT: '0',
      TEMPORAL_ADDRESS: process.env.TEMPORAL_TEST_ADDRESS!,
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('compose'),
      ...(env.WORKFLOW_BUNDLE_PATH && { WORKFLOW_BUNDLE_PATH: bundlePath }),
    };
  }

  for (const [scenario, operatorEnv] of Object.entries(SCENARIOS)) {
    it(`${scenario}: the API serves`, async () => {
      const env = containerEnv('api', operatorEnv());
      for (const key of REQUIRED.api) {
        const viaFile = FILE_SECRETS.includes(key) && Boolean(env[`${key}_FILE`]);
        expect({ key, set: Boolean(env[key]) || viaFile }).toEqual({ key, set: true });
      }
      const config = loadConfig(throughEntrypoint(await localize(env)));
      expect(config.api.apiKeys?.length).toBeGreaterThan(0);
      expect(config.wooshpay.webhookSecrets?.length).toBeGreaterThan(0);
      const api = await startApiServer({ config, logger: pino({ level: 'silent' }) });
      try {
        expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
        expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
        // Metrics on their own listener, none on the API port; private notification targets refused.
        expect((await fetch(`${api.url}/metrics`)).status).toBe(404);
        expect((await fetch(api.metricsUrl!)).status).toBe(200);
        expect(config.payments.notifyAllowPrivateNetworks).toBe(false);
      } finally {
        await api.close();
      }
    });

    it(`${scenario}: the codec server decodes for the UI's origin`, async () => {
      const env = containerEnv('codec', operatorEnv());
      for (const key of REQUIRED.codec) expect({ key, set: Boolean(env[key]) }).toEqual({ key, set: true });
      const config = loadConfig(throughEntrypoint(await localize(env)));
      const codec = await startCodecServer(config, pino({ level: 'silent' }));
      const call = (operation: string, payloads: unknown[]) =>
        fetch(`${codec.url}/${config.codec.authTokens![0]}/${operation}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Origin: config.codec.uiOrigins[0], 'X-Namespace': config.temporal.namespace },
          body: JSON.stringify({ payloads }),
        }).then((r) => r.json() as Promise<{ payloads: { metadata: Record<string, string>; data: string }[] }>);
      try {
        const clear = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"Jl. Sentinel 1"').toString('base64') };
        const { payloads: sealed } = await call('encode', [clear]);
        expect(Buffer.from(sealed[0].data, 'base64').toString()).not.toContain('Sentinel');
        expect((await call('decode', sealed)).payloads).toEqual([clear]);
      } finally {
        await codec.close();
      }
    });

    it(`${scenario}: the worker polls, from the prebuilt bundle`, async () => {
      const env = containerEnv('worker', operatorEnv());
      for (const key of REQUIRED.worker) expect({ key, set: Boolean(env[key]) }).toEqual({ key, set: true });
      const config = loadConfig(throughEntrypoint(await localize(env)));
      expect(config.workflowBundlePath).toBe(bundlePath);
      expect(config.payments.notifySigningSecret).toBeDefined();
      installQuietRuntime();
      const worker = await startWorker(config, pino({ level: 'silent' }));
      try {
        expect(worker.worker.getState()).toBe('RUNNING');
      } finally {
        await worker.shutdown();
      }
    });
  }
});
