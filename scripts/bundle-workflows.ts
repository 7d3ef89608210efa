/**
 * Bundles the payment workflows once, ahead of time, into one file the worker loads with
 * `WORKFLOW_BUNDLE_PATH` (the Docker image does this at build time, so a worker starts without webpack).
 *
 *   node dist/scripts/bundle-workflows.js [out-file]      after `npm run build`: bundles dist/workflows
 *   tsx scripts/bundle-workflows.ts [out-file]           from the sources
 *
 * The default output is dist/workflow-bundle.js.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { workflowBundleOptions } from '../worker/bundle-options.js';

const compiled = !import.meta.url.endsWith('.ts');
/** dist/ when running compiled, the repository root under tsx. */
const root = fileURLToPath(new URL('..', import.meta.url));

export const DEFAULT_WORKFLOWS_PATH = path.join(root, 'workflows', compiled ? 'index.js' : 'index.ts');
export const DEFAULT_BUNDLE_PATH = compiled ? path.join(root, 'workflow-bundle.js') : path.join(root, 'dist', 'workflow-bundle.js');

export interface BundleResult {
  outFile: string;
  bytes: number;
}

export async function bundleWorkflows(
  options: { workflowsPath?: string; outFile?: string } = {},
): Promise<BundleResult> {
  const outFile = path.resolve(options.outFile ?? DEFAULT_BUNDLE_PATH);
  const { code } = await bundleWorkflowCode({
    ...workflowBundleOptions(options.workflowsPath ?? DEFAULT_WORKFLOWS_PATH),
    logger: new DefaultLogger('WARN'),
  });
  await mkdir(path.dirname(outFile), { recursive: true });
  await writeFile(outFile, code);
  return { outFile, bytes: Buffer.byteLength(code) };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  bundleWorkflows({ outFile: process.argv[2] }).then(
    ({ outFile, bytes }) => console.log(`workflow bundle: ${outFile} (${Math.round(bytes / 1024)} KiB)`),
    (err: unknown) => {
      console.error('bundling the workflows failed:', err);
      process.exit(1);
    },
  );
}
