/**
 * The benchmark's floor workflows: the least Temporal work each product figure could cost, bundled on their own
 * (never part of the product's bundle) and run by a floor worker on a task queue of its own, with the product
 * worker's options. Deterministic workflow code only.
 */
import { condition, defineSignal, defineUpdate, proxyActivities, proxyLocalActivities, setHandler, sleep } from '@temporalio/workflow';
import type { FloorActivities } from './floor-activities.js';

export const floorCreateUpdate = defineUpdate<void>('floorCreate');
export const floorPingSignal = defineSignal('floorPing');
export const floorPaidSignal = defineSignal('floorPaid');
export const floorFinishSignal = defineSignal('floorFinish');

const local = proxyLocalActivities<FloorActivities>({ startToCloseTimeout: '10 seconds' });
const remote = proxyActivities<FloorActivities>({ startToCloseTimeout: '10 seconds' });

/** F-UWS0 / F-UWS-LA: started by Update-with-Start; the update returns after nothing, or one no-op local activity. */
export async function uwsFloorWorkflow(withLocalActivity: boolean): Promise<void> {
  let created = false;
  setHandler(floorCreateUpdate, async () => {
    if (withLocalActivity) await local.noop();
    created = true;
  });
  await condition(() => created);
}

/** F-SIG / F-SIG-APPLIED: an idle workflow that takes pings until told to finish; returns how many it applied. */
export async function idleFloorWorkflow(): Promise<number> {
  let pings = 0;
  let finished = false;
  setHandler(floorPingSignal, () => void pings++);
  setHandler(floorFinishSignal, () => void (finished = true));
  await condition(() => finished);
  return pings;
}

/** F-LIFE: Update-with-Start + local activity (the create), a signal (paid), one activity (the notification), done. */
export async function lifeFloorWorkflow(): Promise<void> {
  let created = false;
  let paid = false;
  setHandler(floorCreateUpdate, async () => {
    await local.noop();
    created = true;
  });
  setHandler(floorPaidSignal, () => void (paid = true));
  await condition(() => created && paid);
  await remote.noop();
}

/** F-TIMERS: one timer firing at `fireAtMs` (every workflow of a run gets the same second), then done. */
export async function timerFloorWorkflow(fireAtMs: number): Promise<void> {
  await sleep(Math.max(fireAtMs - Date.now(), 1));
}
