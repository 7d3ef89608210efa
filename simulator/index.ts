export { createSimulator } from './simulator.js';
export type { CreateSimulatorOptions, ListeningSimulator, Simulator } from './simulator.js';
export { DEFAULT_SETTINGS, SimulatorSettingsSchema } from './settings.js';
export type { SimulatorOptions, SimulatorSettings } from './settings.js';
export { FaultSchema } from './faults.js';
export type { ActiveFault, Fault } from './faults.js';
export type { DeliveryAttempt } from './webhooks.js';
