// How an installed `octosync` starts, for the benchmarks to start the CLI the same way: the built
// bin/octosync.js, with the Node options of its first line (`#!/usr/bin/env -S node <options>`),
// which the shell passes when `octosync` is run (decision 75).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = path.join(fileURLToPath(new URL('..', import.meta.url)), 'bin', 'octosync.js');

/** The Node options bin/octosync.js's first line gives. */
export const NODE_OPTIONS: readonly string[] = nodeOptionsOf(readFileSync(BIN, 'utf8').split('\n', 1)[0] ?? '');

function nodeOptionsOf(shebang: string): string[] {
  const match = /^#!\/usr\/bin\/env\s+(?:-S\s+)?node((?:\s+\S+)*)\s*$/.exec(shebang);
  if (!match) throw new Error(`${BIN} does not start with '#!/usr/bin/env node' (it starts with '${shebang}')`);
  return (match[1] ?? '').split(/\s+/).filter((option) => option !== '');
}
