import { defineConfig } from 'vitest/config';

// Benchmarks: not part of `npm test`; they print figures, they assert only correctness.
export default defineConfig({
  test: { include: ['bench/**/*.bench.ts'], testTimeout: 600_000, pool: 'forks' },
});
