/** The floor workflows' only activity: does nothing, so what is measured is Temporal's share alone. */
export function createFloorActivities() {
  return {
    async noop(): Promise<void> {},
  };
}

export type FloorActivities = ReturnType<typeof createFloorActivities>;
