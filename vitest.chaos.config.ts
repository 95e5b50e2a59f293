import { defineConfig } from 'vitest/config';

// The fault run (`npm run chaos`): not part of `npm test`; it prints converged / duplicates / lost.
export default defineConfig({
  test: { include: ['chaos/**/*.chaos.ts'], testTimeout: 1_800_000, hookTimeout: 180_000, pool: 'forks' },
});
