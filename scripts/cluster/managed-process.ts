/**
 * One child process of `npm run cluster` (PostgreSQL, the Temporal server, a worker, an API replica), with
 * its output appended to a log file of its own, a graceful stop that turns into SIGKILL when it hangs, a
 * kill -9 for fault tests, and a start again with the same command.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
  cwd?: string;
  logFile: string;
  /** Run as this user (PostgreSQL refuses to run as root). */
  uid?: number;
  gid?: number;
  /** The signal that asks it to finish its work and exit (PostgreSQL: SIGINT, a fast shutdown). */
  stopSignal?: NodeJS.Signals;
}

/** Children still running; killed if this process exits without stopping them, so none is left behind. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export class ManagedProcess {
  private child: ChildProcess | undefined;
  private exitedPromise: Promise<string> = Promise.resolve('not started');
  /** Called when the process ends without stop() or kill() asking it to. */
  onUnexpectedExit: ((how: string) => void) | undefined;
  private expectingExit = false;

  constructor(readonly spec: ProcessSpec) {}

  get name(): string {
    return this.spec.name;
  }

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with how the current run ended (`exit 0`, `SIGKILL`…). */
  get exited(): Promise<string> {
    return this.exitedPromise;
  }

  async start(): Promise<void> {
    if (this.running) throw new Error(`${this.name} is already running`);
    const { spec } = this;
    await mkdir(path.dirname(spec.logFile), { recursive: true });
    const fd = openSync(spec.logFile, 'a');
    // Its own process group: a Ctrl-C in the terminal reaches only `npm run cluster`, which stops the
    // children one after another instead of all at once.
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', fd, fd],
      detached: true,
      uid: spec.uid,
      gid: spec.gid,
    });
    closeSync(fd);
    this.child = child;
    this.expectingExit = false;
    live.add(child);
    this.exitedPromise = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        live.delete(child);
        const how = signal ?? `exit ${code}`;
        if (!this.expectingExit) this.onUnexpectedExit?.(how);
        resolve(how);
      }),
    );
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (err) => reject(new Error(`${this.name}: could not start ${spec.command}: ${err.message}`)));
    });
  }

  /** Asks it to stop (its stop signal); SIGKILL after `graceMs`. */
  async stop(graceMs = 30_000): Promise<string> {
    if (!this.running) return this.exitedPromise;
    this.expectingExit = true;
    this.child!.kill(this.spec.stopSignal ?? 'SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    try {
      return await this.exitedPromise;
    } finally {
      clearTimeout(timer);
    }
  }

  /** kill -9: no drain, no cleanup, as a crash or an OOM kill. */
  async kill(): Promise<string> {
    if (!this.running) return this.exitedPromise;
    this.expectingExit = true;
    this.child!.kill('SIGKILL');
    return this.exitedPromise;
  }

  async logTail(lines = 30): Promise<string> {
    const text = await readFile(this.spec.logFile, 'utf8').catch(() => '');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  }
}

/** Polls `check` until it holds; fails at once (with the end of its log) if `process` ends meanwhile. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  options: { timeoutMs: number; process?: ManagedProcess; intervalMs?: number },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError = '';
  for (;;) {
    if (options.process && !options.process.running) {
      throw new Error(`${options.process.name} ended (${await options.process.exited}) while waiting for ${what}:\n${await options.process.logTail()}`);
    }
    const ok = await check().catch((err: unknown) => {
      lastError = err instanceof Error ? err.message : String(err);
      return false;
    });
    if (ok) return;
    if (Date.now() > deadline) {
      const tail = options.process ? `\n${await options.process.logTail()}` : '';
      throw new Error(`gave up waiting for ${what} after ${Math.round(options.timeoutMs / 1000)} s${lastError ? ` (last: ${lastError})` : ''}${tail}`);
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 250));
  }
}
