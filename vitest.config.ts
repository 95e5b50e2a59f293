import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Finds the Octopus reference data (../shared/octopus-api or OCTOSYNC_REFERENCE_DATA) or says why tests skip.
    globalSetup: ['test/support/reference-data-setup.ts'],
    // End-to-end tests start simulators and Git repositories; CI has 2 cores.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
