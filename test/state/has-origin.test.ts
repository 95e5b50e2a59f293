// Whether a state repository has an origin: asked before every apply and every record written,
// answered again by git whenever the repository's config changed (a remote added or removed).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { gitEnvironment } from '../../src/repo/git.js';
import { hasOrigin } from '../../src/state/remote-lease.js';

let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'octosync-has-origin-'));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

it('sees an origin added or removed after the last answer', async () => {
  const repo = path.join(work, 'repo');
  const git = simpleGit().env(gitEnvironment(process.env));
  await git.raw(['init', '--quiet', repo]);
  const inRepo = simpleGit(repo).env(gitEnvironment(process.env));
  expect(await hasOrigin(repo)).toBe(false);
  expect(await hasOrigin(repo)).toBe(false);
  await inRepo.raw(['remote', 'add', 'origin', path.join(work, 'elsewhere.git')]);
  expect(await hasOrigin(repo)).toBe(true);
  expect(await hasOrigin(repo)).toBe(true);
  await inRepo.raw(['remote', 'remove', 'origin']);
  expect(await hasOrigin(repo)).toBe(false);
  // Another remote is not an origin.
  await inRepo.raw(['remote', 'add', 'upstream', path.join(work, 'elsewhere.git')]);
  expect(await hasOrigin(repo)).toBe(false);
});
