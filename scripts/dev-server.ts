/**
 * The embedded Temporal dev server (`temporal server start-dev`), started through @temporalio/testing so the
 * SDK's own process management (and, without a local binary, its download) is used. Shared by the jest
 * global setup and `npm start`.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { PAYMENT_SEARCH_ATTRIBUTES } from '../workflows/search-attributes.js';
import { resolveTemporalCli } from './temporal-cli.js';

export interface DevServerOptions {
  /** Fixed port, or a free one when omitted. */
  port?: number;
  /** Serve the Web UI on this port (off when omitted). */
  uiPort?: number;
  /** SQLite file, so a restart keeps workflows; in memory when omitted. */
  dbFilename?: string;
  namespace?: string;
  /** The UI decodes payloads through this codec server endpoint (codec/server.ts). */
  uiCodecEndpoint?: string;
  log?: (line: string) => void;
}

/**
 * sdk-core gives the server 5 s to answer before it gives up; a loaded 2-core machine (CI building,
 * tests starting) occasionally needs longer, so a start that timed out is tried again.
 */
const START_ATTEMPTS = 3;

/** At most this many reads of new transfer tasks a second (server default 20); the reader reads only when told of new tasks. */
const TRANSFER_QUEUE_READS_PER_SECOND = 1000;

export async function startDevServer(options: DevServerOptions = {}): Promise<TestWorkflowEnvironment> {
  const cli = await resolveTemporalCli({ log: options.log });
  let lastError: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    try {
      return await TestWorkflowEnvironment.createLocal({
        server: {
          executable: cli.executable,
          ip: '127.0.0.1',
          port: options.port,
          namespace: options.namespace ?? 'default',
          dbFilename: options.dbFilename,
          ui: options.uiPort !== undefined,
          uiPort: options.uiPort,
          searchAttributes: [...PAYMENT_SEARCH_ATTRIBUTES],
          log: { format: 'pretty', level: 'warn' },
          // Visibility must see a new search attribute value at once for list-after-write reads.
          // Eager activity execution hands an activity scheduled by a workflow task straight back to the worker
          // that completed the task, saving a matching round trip; the server keeps it off unless asked.
          // The dev server has one history shard, whose transfer queue (every workflow and activity task passes
          // through it on its way to matching) reads new tasks at most 20 times a second by default: past that
          // rate each task waits up to 50 ms for the next read (docs/temporal-notes.md §6.7).
          // One partition per task queue: with the default four and a worker's few pollers, a task now and then
          // sat about 2 s in a partition nobody was polling (docs/temporal-notes.md §6.8).
          extraArgs: [
            '--dynamic-config-value',
            'system.forceSearchAttributesCacheRefreshOnRead=true',
            '--dynamic-config-value',
            'system.enableActivityEagerExecution=true',
            '--dynamic-config-value',
            `history.transferProcessorMaxPollRPS=${TRANSFER_QUEUE_READS_PER_SECOND}`,
            '--dynamic-config-value',
            'matching.numTaskqueueReadPartitions=1',
            '--dynamic-config-value',
            'matching.numTaskqueueWritePartitions=1',
            ...(options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []),
          ],
        },
      });
    } catch (err) {
      lastError = err;
      const message = err instanceof Error ? err.message : String(err);
      if (!/did not start within/i.test(message) || attempt === START_ATTEMPTS) break;
      options.log?.(`temporal dev server: slow start (attempt ${attempt}), trying again`);
    }
  }
  throw lastError;
}
