/** Stops the run's dev server (and the browser run's codec server); jest runs this after failures too, so no server outlives the run. */
export default async function globalTeardown() {
  const codec = globalThis.__codecServer;
  globalThis.__codecServer = undefined;
  await codec?.close();
  const env = globalThis.__temporalTestEnv;
  globalThis.__temporalTestEnv = undefined;
  await env?.teardown();
}
