/** Stops the run's dev server; jest runs this after failures too, so no server outlives the run. */
export default async function globalTeardown() {
  const env = globalThis.__temporalTestEnv;
  globalThis.__temporalTestEnv = undefined;
  await env?.teardown();
}
