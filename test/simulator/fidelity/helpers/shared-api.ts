// Where the reference material about the real Octopus API lives: `../shared/octopus-api/`
// beside the repository (CI has it at the same relative path). Nothing in there was written by
// this project, which is the point: the simulator is checked against it.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..', '..');
export const sharedApiDir = path.resolve(repoRoot, '..', 'shared', 'octopus-api');
export const fixturesDir = path.join(sharedApiDir, 'fixtures', 'octopus-2018.11.2');

export function readSharedJson<T = unknown>(relativePath: string): T {
  return JSON.parse(readFileSync(path.join(sharedApiDir, relativePath), 'utf8')) as T;
}

/** A recorded response of the 2018.11.2 server (see fixtures/octopus-2018.11.2/ORIGINS.md). */
export function readFixture(name: string): Record<string, unknown> {
  return readSharedJson<Record<string, unknown>>(path.join('fixtures', 'octopus-2018.11.2', `${name}.json`));
}
