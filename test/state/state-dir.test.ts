// The state directory is the machine's memory, not reviewed content: whatever octosync writes
// there first, Git must already ignore it, also in a repository whose own .gitignore does not
// mention it (one made by hand, or a state directory given with --state-dir inside the clone).
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { preparePlan } from '../../src/commands/plan.js';
import { acquireLock } from '../../src/state/lock.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';

let sim: Simulator;
let repo: StateRepo;

beforeEach(async () => {
  sim = await startSimulator({ seed: 'empty' });
  repo = await stateRepo();
  await repo.snapshot(sim);
  // A repository whose .gitignore says nothing about octosync's folders.
  await rm(path.join(repo.dir, '.gitignore'), { force: true });
  await repo.git().add(['-A']);
  await repo.git().commit('no ignore file');
  await repo.writeDestination('staging', { server: sim.url, apiKey: { env: 'DEST_KEY' }, branch: 'source' });
});

afterEach(async () => {
  await sim.close();
  await repo.cleanup();
});

async function untracked(): Promise<string[]> {
  const status = await repo.git().raw(['status', '--porcelain', '--untracked-files=all']);
  return status.split('\n').filter(Boolean);
}

describe('the state directory', () => {
  it('is ignored by Git before a plan writes anything into it (the digest key)', async () => {
    expect(await untracked()).toEqual([]);
    const prepared = await preparePlan({ repo: repo.dir, destination: 'staging', env: { DEST_KEY: sim.apiKey } });
    await prepared.client.close();
    expect(await untracked()).toEqual([]);
  });

  it('is ignored when given elsewhere in the repository, from the first lock', async () => {
    const lock = await acquireLock(path.join(repo.dir, 'state'), 'staging');
    try {
      expect(await untracked()).toEqual([]);
    } finally {
      await lock.release();
    }
  });
});
