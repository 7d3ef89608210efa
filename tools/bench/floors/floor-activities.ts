/** The floor workflows' only activity: does nothing, so what is measured is Temporal's share alone. */
export function createFloorActivities() {
  return {
    // eslint-disable-next-line @typescript-eslint/require-await -- an activity is a function returning a promise
    async noop(): Promise<void> {},
  };
}

export type FloorActivities = ReturnType<typeof createFloorActivities>;
