// Whether a state repository has an origin: asked before every apply and every record written,
// answered again by git whenever the repository's config changed (a remote added or removed).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hasOrigin } from '../../src/state/remote-lease.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';

let state: StateRepo;

beforeAll(async () => {
  state = await stateRepo();
});

afterAll(() => state.cleanup());

it('sees an origin added or removed after the last answer', async () => {
  const repo = state.dir;
  const inRepo = state.git();
  const elsewhere = `${repo}-elsewhere.git`;
  expect(await hasOrigin(repo)).toBe(false);
  expect(await hasOrigin(repo)).toBe(false);
  await inRepo.raw(['remote', 'add', 'origin', elsewhere]);
  expect(await hasOrigin(repo)).toBe(true);
  expect(await hasOrigin(repo)).toBe(true);
  await inRepo.raw(['remote', 'remove', 'origin']);
  expect(await hasOrigin(repo)).toBe(false);
  // Another remote is not an origin.
  await inRepo.raw(['remote', 'add', 'upstream', elsewhere]);
  expect(await hasOrigin(repo)).toBe(false);
});
