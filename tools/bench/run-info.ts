/** What a result file needs to be compared later: the commit, the versions, and the machine. */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import type { Client } from '@temporalio/client';
import { TEMPORAL_CLI_VERSION } from '../../scripts/temporal-cli.js';

export interface RunInfo {
  git: { sha: string | null; dirty: boolean | null };
  versions: { node: string; temporalSdk: string; temporalServer: string | null; temporalCli: string | null };
  machine: { cpus: number; cpuModel: string; memoryGb: number; platform: string; loadAverageAtStart: number[] };
}

export async function readRunInfo(client: Client, temporalKind: 'dev-server' | 'external'): Promise<RunInfo> {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return null;
    }
  };
  const status = git('status', '--porcelain', '--untracked-files=no');
  const system = await client.workflowService.getSystemInfo({}).catch(() => undefined);
  const sdk = (createRequire(import.meta.url)('@temporalio/worker/package.json') as { version: string }).version;
  const cpus = os.cpus();
  return {
    git: { sha: git('rev-parse', 'HEAD'), dirty: status === null ? null : status.length > 0 },
    versions: {
      node: process.version,
      temporalSdk: sdk,
      temporalServer: system?.serverVersion || null,
      temporalCli: temporalKind === 'dev-server' ? TEMPORAL_CLI_VERSION : null,
    },
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      memoryGb: Math.round(os.totalmem() / 1024 ** 3),
      platform: `${os.platform()} ${os.release()}`,
      loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
    },
  };
}
