/**
 * Workflow histories as operators get them: exported with the Temporal CLI (`temporal workflow show --output
 * json`, the format the UI downloads and the SDK replays), read back, and searched for what must never be in
 * them.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { resolveTemporalCli } from '../../scripts/temporal-cli.js';

const execFileAsync = promisify(execFile);

/** One run of a workflow: the first run when `runId` is given, else the latest. */
export interface RunRef {
  workflowId: string;
  runId?: string;
}

/** The run's history as the CLI's JSON export (text, as it is saved in test/histories). */
export async function exportHistory(run: RunRef): Promise<string> {
  const cli = await resolveTemporalCli();
  const args = ['workflow', 'show', '--workflow-id', run.workflowId, '--address', process.env.TEMPORAL_TEST_ADDRESS!, '--output', 'json'];
  if (run.runId) args.push('--run-id', run.runId);
  const { stdout } = await execFileAsync(cli.path!, args, { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

export function parseHistory(exported: string): ReturnType<typeof historyFromJSON> {
  return historyFromJSON(JSON.parse(exported));
}

/** Every payload in an exported history, decoded to text (the JSON converter's payloads are UTF-8). */
export function payloadTexts(exported: string): string[] {
  return [...exported.matchAll(/"data":\s*"([A-Za-z0-9+/=]+)"/g)].map((m) => Buffer.from(m[1], 'base64').toString('utf8'));
}

/**
 * Waits until the run has nothing under way (no workflow task, no activity): a history exported then ends on
 * a completed workflow task, as a history read back after a crash would, and holds every command it issued.
 */
export async function waitUntilQuiet(client: Client, run: RunRef, timeoutMs = 30_000): Promise<void> {
  const handle = client.workflow.getHandle(run.workflowId, run.runId);
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const { raw, status } = await handle.describe();
    const pending = (raw.pendingActivities ?? []).map((a) => a.activityType?.name ?? '?');
    if (status.name !== 'RUNNING' || (pending.length === 0 && !raw.pendingWorkflowTask)) return;
    last = `${status.name}, workflow task ${raw.pendingWorkflowTask ? 'pending' : 'none'}, activities [${pending.join(', ')}]`;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`workflow ${run.workflowId} did not become quiet: ${last}`);
}
