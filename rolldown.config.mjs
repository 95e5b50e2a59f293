// Bundles the command line (src/main.ts) into dist/main.js, over tsc's, and one chunk per
// command under dist/chunks/ (each command is a dynamic import, see src/cli/program.ts). On Node 20
// a command loaded as ~110 modules of ours and ~500 of its dependencies spends about two thirds of
// its start finding, reading and linking files; bundled, it loads a handful. tsc's per-file output
// stays in dist/ beside it, complete and runnable (the bundle is built from the sources, not from
// it, so building again never bundles a bundle). docs/decisions.md (55).
import { rmSync } from 'node:fs';
import { defineConfig } from 'rolldown';

// Chunk names carry a hash of their content: drop the last build's.
rmSync('dist/chunks', { recursive: true, force: true });

export default defineConfig({
  // The thread parsing a plan's files (src/repo/yaml-ahead.ts) starts from a file of its own.
  input: { main: 'src/main.ts', 'yaml-worker': 'src/repo/yaml-worker.ts' },
  platform: 'node',
  // pino starts its workers (and pino-pretty) from files next to its own modules (__dirname).
  external: ['pino', 'pino-pretty', 'thread-stream'],
  output: {
    dir: 'dist',
    format: 'esm',
    entryFileNames: '[name].js',
    // Two levels below the package root, like tsc's dist/<folder>/<file>.js: paths such as the
    // schemas folder ('../../schemas/' from import.meta.url) resolve the same from both.
    chunkFileNames: 'chunks/[name]-[hash].js',
  },
});
