// How an installed `octosync` starts: the built bin/octosync.js, with the Node options of its
// first line (`#!/usr/bin/env -S node <options>`), which the shell passes when `octosync` is run
// (decision 75). The benchmarks start the CLI the same way; the Docker image's test checks that its
// entry point passes the same options.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = path.join(fileURLToPath(new URL('../..', import.meta.url)), 'bin', 'octosync.js');

/** The Node options bin/octosync.js's first line gives. */
export const NODE_OPTIONS: readonly string[] = nodeOptionsOf(readFileSync(BIN, 'utf8').split('\n', 1)[0] ?? '');

function nodeOptionsOf(shebang: string): string[] {
  // Options after `node` reach it only through `env -S`: without it, env looks for a program named
  // `node <options>`.
  const match = /^#!\/usr\/bin\/env (?:node|-S node((?: \S+)+))$/.exec(shebang);
  if (!match) throw new Error(`${BIN} does not start with '#!/usr/bin/env node' or '#!/usr/bin/env -S node <options>' (it starts with '${shebang}')`);
  return (match[1] ?? '').split(' ').filter((option) => option !== '');
}
