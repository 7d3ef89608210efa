// jest runs our TypeScript as native ESM (ky is ESM-only), so tests start under
// `node --experimental-vm-modules` (see package.json) and @swc/jest strips types only.
// Type checking is `npm run typecheck`, kept out of the test loop for speed.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // `npm run test:cluster` runs these (jest.cluster.config.js): they need PostgreSQL and the server build.
  // `npm run test:faults` runs the fault suite (jest.faults.config.js): it kills its own Temporal server.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/', '<rootDir>/test/faults/'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'es6' },
        sourceMaps: 'inline',
      },
    ],
  },
  // Our sources import siblings as './x.js' (NodeNext); jest resolves them to the .ts files.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // One Temporal dev server for the whole run; every file gets its own task queue.
  globalSetup: '<rootDir>/test/harness/global-setup.js',
  globalTeardown: '<rootDir>/test/harness/global-teardown.js',
  testTimeout: 120_000,
  // Each file runs Temporal workers with native threads; two jest workers fit 2 cores and 24 GB.
  maxWorkers: process.env.JEST_MAX_WORKERS ?? 2,
  verbose: true,
  reporters: ['default', '<rootDir>/test/harness/summary-reporter.js'],
};
