// `npm run test:cluster`: the production shape (`npm run cluster`: PostgreSQL, the Temporal server built from
// its Go module, two workers, two API replicas) tested with real processes killed for real. Kept out of
// `npm test` because it needs PostgreSQL and a server build (.ci/run provides both). Same native-ESM setup
// as jest.config.js; no shared dev server (each file starts its own cluster).
import base from './jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...base,
  testMatch: ['**/test/cluster/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: undefined,
  globalTeardown: undefined,
  // A cluster is five processes and a database: one file at a time on a 2-core machine.
  maxWorkers: 1,
  testTimeout: 600_000,
};
