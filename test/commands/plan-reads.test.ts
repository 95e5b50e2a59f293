// A plan reads the destination while it reads and validates the repository. What goes wrong with
// either is still reported as it was when one followed the other: an invalid repository first
// (naming the file and line), whatever the destination's state; a destination that cannot be
// reached only for a valid repository. Over real HTTP and Git.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preparePlan } from '../../src/commands/plan.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';

let source: Simulator;
let repo: StateRepo;
/** A port nothing listens on: a server that was just closed. */
let unreachable: string;

beforeAll(async () => {
  source = await startSimulator({ seed: 'synthetic:12' });
  const gone = await startSimulator({ seed: 'empty' });
  unreachable = gone.url;
  await gone.close();
  repo = await stateRepo();
  await repo.snapshot(source);
  await repo.writeDestination('self', { server: source.url, apiKey: { env: 'SELF_KEY' }, branch: 'source', missingSecrets: 'placeholder' });
  await repo.writeDestination('gone', { server: unreachable, apiKey: { env: 'SELF_KEY' }, branch: 'source', missingSecrets: 'placeholder', spaces: { Default: 'Elsewhere' } });
});

afterAll(async () => {
  await source.close();
  await repo.cleanup();
});

const plan = (destination: string, env: NodeJS.ProcessEnv = { SELF_KEY: source.apiKey }) => preparePlan({ repo: repo.dir, destination, env });
const writes = () => {
  const counts = source.knobs.requestCounts().byMethod;
  return (counts.POST ?? 0) + (counts.PUT ?? 0) + (counts.DELETE ?? 0);
};

describe('a plan reading the destination beside the repository', () => {
  it('of a valid repository: the destination as it is, each collection read once', async () => {
    source.knobs.resetCounts();
    const prepared = await plan('self');
    await prepared.client.close();
    expect(prepared.plan.changes).toEqual([]);
    expect(prepared.plan.problems).toEqual([]);
    const counts = source.knobs.requestCounts();
    // Every collection once (the scoped tenant variables are read per tenant): nothing read twice for having started early.
    const repeated = Object.entries(counts.byRoute).filter(([route, count]) => count > 1 && !route.includes('/:id/'));
    expect(Object.keys(counts.byRoute).length).toBeGreaterThan(20);
    expect(repeated).toEqual([]);
  });

  it('of a valid repository, to a destination that cannot be reached: says so', async () => {
    await expect(plan('gone')).rejects.toThrow(/could not reach|connection refused/);
  });

  describe('of an invalid repository', () => {
    let valid: string;
    beforeAll(async () => {
      valid = (await repo.git().revparse(['HEAD'])).trim();
      await repo.commitFile('spaces/default/environments/broken.yaml', 'Name: Broken\nSortOrder: first\nUseGuidedFailure: false\n', 'a broken environment');
    });
    afterAll(async () => {
      await repo.git().reset(['--hard', valid]);
    });

    it('reachable: the repository is reported, naming the file and line, and nothing is written', async () => {
      source.knobs.resetCounts();
      await expect(plan('self')).rejects.toThrow(/is not valid; nothing was planned:[\s\S]*spaces\/default\/environments\/broken\.yaml:2/);
      expect(writes()).toBe(0);
    });

    it('unreachable: the repository is reported, not the connection', async () => {
      const failed = await plan('gone').then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      expect(failed?.message).toMatch(/is not valid; nothing was planned:[\s\S]*broken\.yaml:2/);
      expect(failed?.message).not.toMatch(/could not reach|connection refused/);
    });

    it('without the API key: the repository is reported, not the key', async () => {
      await expect(plan('self', {})).rejects.toThrow(/is not valid; nothing was planned/);
    });
  });
});
