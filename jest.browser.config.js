// `npm run test:browser`: the Temporal Web UI checked in Debian's Chromium through playwright-core.
// Kept out of `npm test` so that one needs nothing but `npm install`; this one also needs /usr/bin/chromium
// (`apt-get install chromium`; .ci/run installs it). Same native-ESM setup as jest.config.js.
import base from './jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...base,
  // `.browser.ts`, not `.test.ts`, so `npm test` never picks these files up.
  testMatch: ['**/test/browser/**/*.browser.ts'],
  // One dev server with the UI enabled (global-setup.js starts it without).
  globalSetup: '<rootDir>/test/harness/browser-global-setup.js',
  globalTeardown: '<rootDir>/test/harness/global-teardown.js',
  maxWorkers: 1,
};
