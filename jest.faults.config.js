// `npm run test:faults`: the fault suite (issue 10, item 8). Real processes on loopback — a Temporal dev server
// on a SQLite file and a payment worker, both children this suite kills with SIGKILL — so it runs without the
// shared dev server of `npm test` and one file at a time. Kept out of `npm test` (jest.config.js ignores it).
import base from './jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...base,
  testMatch: ['**/test/faults/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: undefined,
  globalTeardown: undefined,
  maxWorkers: 1,
  testTimeout: 240_000,
};
