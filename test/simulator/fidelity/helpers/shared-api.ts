// The reference material about the real Octopus API, read through the one setting that finds it
// (test/support/reference-data.ts). Nothing in there was written by this project, which is the
// point: the simulator is checked against it.
import path from 'node:path';
import { readReferenceJson, referencePath } from '../../../support/reference-data.js';

export const fixturesDir = referencePath('fixtures', 'octopus-2018.11.2');

export function readSharedJson<T = unknown>(relativePath: string): T {
  return readReferenceJson<T>(relativePath);
}

/** A recorded response of the 2018.11.2 server (see fixtures/octopus-2018.11.2/ORIGINS.md). */
export function readFixture(name: string): Record<string, unknown> {
  return readSharedJson<Record<string, unknown>>(path.join('fixtures', 'octopus-2018.11.2', `${name}.json`));
}
