/** Turns fetch's bare "fetch failed" into a sentence that says what could not be reached and why. */
export function describeUnreachable(what: string, url: string, err: unknown): string {
  const error = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (error.name === 'TimeoutError') return `${what} at ${url} did not answer in time`;
  const reason = error.cause?.code ?? error.cause?.message ?? error.message ?? String(err);
  return `cannot reach ${what} at ${url} (${reason})`;
}
