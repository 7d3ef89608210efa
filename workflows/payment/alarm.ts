import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';

/**
 * One durable timer per deadline. A phase sets the alarm to its deadline on every pass; the same deadline
 * keeps the timer that is already running, so a wake-up (a signal, an update) does not cancel and re-arm it.
 * Only a deadline that moves costs a new timer.
 */
export class Alarm {
  private at: number | null = null;
  private scope: CancellationScope | null = null;

  constructor(private readonly onRing: () => void) {}

  /** Arms the alarm for `at` (ms since epoch), or disarms it with null. */
  set(at: number | null): void {
    if (at === this.at) return;
    this.clear();
    if (at === null) return;
    this.at = at;
    const scope = new CancellationScope();
    this.scope = scope;
    scope.run(() => sleep(Math.max(at - Date.now(), 1))).then(
      () => {
        if (this.scope === scope) this.scope = null;
        this.onRing();
      },
      (err: unknown) => {
        if (!isCancellation(err)) throw err;
      },
    );
  }

  clear(): void {
    this.scope?.cancel();
    this.scope = null;
    this.at = null;
  }
}
