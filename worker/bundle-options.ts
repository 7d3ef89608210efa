import type { BundleOptions } from '@temporalio/worker';

/**
 * How workflow code is bundled everywhere it is (the worker bundling at start, the image's build, the tests):
 * the workflow modules are preloaded into the worker's reusable V8 context once, not evaluated again for every
 * new run. Every payment is a new run, so this is work saved on every intake's first workflow task.
 *
 * Safe because the workflow modules keep no state at module scope: definitions, constants and pure functions
 * only. The SDK deep-freezes preloaded modules, so a module that tried to keep some would fail in every test.
 */
export function workflowBundleOptions(workflowsPath: string): Required<Pick<BundleOptions, 'workflowsPath' | 'preloadModules'>> {
  return { workflowsPath, preloadModules: [workflowsPath] };
}
