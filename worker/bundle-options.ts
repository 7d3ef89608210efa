import type { BundleOptions } from '@temporalio/worker';

/**
 * How workflow code is bundled everywhere it is (the worker bundling at start, the image's build, the tests):
 * the workflow modules are preloaded into the worker's reusable V8 context once, not evaluated again for every
 * new run. Every payment is a new run, so this is work saved on every intake's first workflow task.
 *
 * Safe because the workflow modules keep no state at module scope: definitions, constants and pure functions
 * only, since every run shares them. The SDK deep-freezes their exports, which catches an exported object being
 * changed but not a module-scope `let` or Map; the lint rules for workflows/ refuse both (eslint.config.js).
 */
export function workflowBundleOptions(workflowsPath: string): Required<Pick<BundleOptions, 'workflowsPath' | 'preloadModules'>> {
  return { workflowsPath, preloadModules: [workflowsPath] };
}
