/**
 * The product's two roles as separate processes, the way production runs them (`node dist/api/main.js`,
 * `node dist/worker/main.js`, NODE_ENV=production, a workflow bundle built ahead of time), so the memory of
 * each is its own and the load generator's CPU is not counted as theirs. `tsx` mode runs the sources as
 * `npm run api` / `npm run worker` do: quicker to start, but the loader adds about 40 MB to every process.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { mkdir, symlink, writeFile, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflows } from '../../scripts/bundle-workflows.js';
import { workerNodeFlags } from '../../worker/tuning.js';

export type RuntimeKind = 'compiled' | 'tsx';
export type RoleName = 'api' | 'worker';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const memoryProbe = new URL('./memory-probe.js', import.meta.url).href;

export interface PreparedRuntime {
  kind: RuntimeKind;
  workflowBundlePath: string;
  /** The role's entry point and the node flags to run it with. */
  command(role: RoleName): { entry: string; execArgv: string[] };
}

/** Compiles the product (compiled mode) and bundles the workflows into `workDir`. */
export async function prepareRuntime(
  kind: RuntimeKind,
  workDir: string,
  log: (line: string) => void,
  workerHeapMb: number,
  profileDir?: string,
): Promise<PreparedRuntime> {
  // The worker's heap limit is stated, not left to V8's default for this machine: its cache is sized against it.
  // With --profile, every role writes a V8 CPU profile per thread when it stops (read it in Chrome's DevTools).
  const nodeFlags = (role: RoleName) => [
    ...(role === 'worker' ? workerNodeFlags(workerHeapMb) : []),
    ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profileDir, role)}`] : []),
  ];
  const workflowBundlePath = path.join(workDir, 'workflow-bundle.js');
  log('bundling the workflows (as the production image does at build time)');
  await bundleWorkflows({ outFile: workflowBundlePath });
  if (kind === 'tsx') {
    return {
      kind,
      workflowBundlePath,
      command: (role) => ({
        entry: path.join(repoRoot, role, 'main.ts'),
        execArgv: [...nodeFlags(role), '--expose-gc', '--import', 'tsx', '--import', memoryProbe],
      }),
    };
  }
  const outDir = path.join(workDir, 'app');
  log('compiling the product with tsc (tsconfig.build.json)');
  await compile(outDir);
  // The compiled files resolve packages through this link, and are ES modules like the sources.
  await symlink(path.join(repoRoot, 'node_modules'), path.join(outDir, 'node_modules'), 'dir');
  await writeFile(path.join(outDir, 'package.json'), JSON.stringify({ type: 'module' }));
  return {
    kind,
    workflowBundlePath,
    command: (role) => ({
      entry: path.join(outDir, role, 'main.js'),
      execArgv: [...nodeFlags(role), '--expose-gc', '--import', memoryProbe],
    }),
  };
}

async function compile(outDir: string): Promise<void> {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const child = spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir, '--sourceMap', 'false'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`tsc could not compile the product (exit ${code}); run with --runtime tsx to use the sources as they are:\n${output.slice(0, 4000)}`);
}

export interface RoleProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  logFile: string;
  /** Resolves with the exit code (or signal) once the process ended. */
  exited: Promise<string>;
}

/** Roles still running; killed if this process exits before stopping them (a crash must not leave them behind). */
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

export function startRole(runtime: PreparedRuntime, name: RoleName, env: Record<string, string>, logDir: string): Promise<RoleProcess> {
  const { entry, execArgv } = runtime.command(name);
  return startProcess({ name, entry, execArgv, env, logDir });
}

/** Forks `entry` with the memory probe loaded, its output to `<logDir>/<name>.log`. */
export async function startProcess(options: {
  name: string;
  entry: string;
  execArgv: string[];
  env: Record<string, string>;
  logDir: string;
}): Promise<RoleProcess> {
  const { name, entry, execArgv, env, logDir } = options;
  await mkdir(logDir, { recursive: true });
  const logFile = path.join(logDir, `${name}.log`);
  const fd = openSync(logFile, 'w');
  // Logs go straight to a file descriptor: the benchmark never spends CPU relaying the product's logs.
  const child = fork(entry, [], { cwd: repoRoot, env, execArgv, stdio: ['ignore', fd, fd, 'ipc'] });
  closeSync(fd);
  liveChildren.add(child);
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => {
      liveChildren.delete(child);
      resolve(signal ?? `exit ${code}`);
    }),
  );
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  return { name, child, pid: child.pid!, logFile, exited };
}

/** SIGINT, as an operator's Ctrl-C or an orchestrator's stop: the role drains; SIGKILL if it hangs. */
export async function stopRole(role: RoleProcess, graceMs = 20_000): Promise<string> {
  if (role.child.exitCode !== null || role.child.signalCode !== null) return role.exited;
  role.child.kill('SIGINT');
  const timer = setTimeout(() => role.child.kill('SIGKILL'), graceMs);
  try {
    return await role.exited;
  } finally {
    clearTimeout(timer);
  }
}

export async function logTail(role: RoleProcess, lines = 20): Promise<string> {
  const text = await readFile(role.logFile, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
