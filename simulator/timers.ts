/**
 * Every timer the simulator starts (expiries, auto-settles, webhook retries), so reset and close
 * can stop them all. Timers are unref'd: a pending webhook retry never keeps a process alive.
 */
export class Timers {
  readonly #pending = new Set<NodeJS.Timeout>();

  constructor(
    private readonly onError: (error: unknown) => void,
    /** Runs after every task, finished or failed (the simulation commits what it changed). */
    private readonly afterTask: () => void = () => undefined,
  ) {}

  schedule(delayMs: number, task: () => void | Promise<void>): void {
    const handle = setTimeout(
      () => {
        this.#pending.delete(handle);
        try {
          Promise.resolve(task()).catch(this.onError).finally(this.afterTask);
        } catch (error) {
          this.onError(error);
          this.afterTask();
        }
      },
      Math.max(0, delayMs),
    );
    handle.unref();
    this.#pending.add(handle);
  }

  clear(): void {
    for (const handle of this.#pending) clearTimeout(handle);
    this.#pending.clear();
  }
}
