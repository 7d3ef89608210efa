/**
 * CPU time of the benchmarked processes, from /proc (Linux): on a machine where every piece shares the same
 * cores, it shows where the time went and how close the run came to using all of them.
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100; // Linux's USER_HZ everywhere in practice
    }
  }
  return ticksPerSecond;
}

/** User + system CPU seconds the process has used so far (all its threads), or null when unreadable. */
export async function readCpuSeconds(pid: number): Promise<number | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!stat) return null;
  // Fields after "(comm)": state is field 3, so utime (14) and stime (15) are at offsets 11 and 12.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [utime, stime] = [Number(fields[11]), Number(fields[12])];
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / clockTicks() : null;
}

/**
 * Busy CPU seconds of the whole machine so far (every core, every process): what this run did not use of it
 * was used by something else, which a reader needs to know before trusting the figures.
 */
export async function readMachineBusySeconds(): Promise<number | null> {
  const stat = await readFile('/proc/stat', 'utf8').catch(() => undefined);
  const line = stat?.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return null;
  // cpu user nice system idle iowait irq softirq steal …: everything but idle and iowait is busy.
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + (steal || 0)) / clockTicks();
}
