// A plan of a large space holds each document once where it can: a destination document equal to
// the repository's shares its body, and the repository's documents an overlay does not change are
// not copied. A synthetic source planned against itself (a no-op plan), over real HTTP and Git.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preparePlan } from '../../src/commands/plan.js';
import { collectGarbage } from '../../src/commands/plan-memory.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';

let source: Simulator;
let repo: StateRepo;

beforeAll(async () => {
  source = await startSimulator({ seed: 'synthetic:12' });
  repo = await stateRepo();
  await repo.snapshot(source);
  await repo.writeDestination('self', { server: source.url, apiKey: { env: 'SELF_KEY' }, branch: 'source', missingSecrets: 'placeholder' });
});

afterAll(async () => {
  await source.close();
  await repo.cleanup();
});

describe('a no-op plan', () => {
  it('holds a destination document equal to the repository once: both name the same body', async () => {
    const prepared = await preparePlan({ repo: repo.dir, destination: 'self', env: { SELF_KEY: source.apiKey } });
    await prepared.client.close();
    expect(prepared.plan.changes).toEqual([]);
    const [space] = prepared.spaces;
    const desired = new Map(space?.desired.map((doc) => [`${doc.kind}/${doc.name}`, doc.body]));
    expect(space?.liveDocuments.length).toBeGreaterThan(50);
    const copies = space?.liveDocuments.filter((doc) => desired.get(`${doc.kind}/${doc.name}`) !== doc.body).map((doc) => `${doc.kind}/${doc.name}`);
    expect(copies).toEqual([]);
  });

  it('plans the same when it collects garbage once the destination is read (as the plan command does)', async () => {
    const plans = [];
    for (const collect of [false, true]) {
      const prepared = await preparePlan({ repo: repo.dir, destination: 'self', env: { SELF_KEY: source.apiKey }, collectGarbage: collect });
      await prepared.client.close();
      plans.push(prepared.plan);
    }
    expect(plans[0]?.changes).toEqual([]);
    expect(plans[1]).toEqual(plans[0]);
  });

  it('keeps its own body for a destination document that differs, and plans the change', async () => {
    const headers = { 'X-Octopus-ApiKey': source.apiKey, 'Content-Type': 'application/json' };
    const environments = (await (await fetch(`${source.url}/api/Spaces-1/environments/all`, { headers })).json()) as { Id: string; Name: string; Description?: string }[];
    const environment = environments[0];
    if (!environment) throw new Error('the synthetic seed has no environment');
    const response = await fetch(`${source.url}/api/Spaces-1/environments/${environment.Id}`, { method: 'PUT', headers, body: JSON.stringify({ ...environment, Description: 'changed by hand' }) });
    expect(response.ok).toBe(true);

    const prepared = await preparePlan({ repo: repo.dir, destination: 'self', env: { SELF_KEY: source.apiKey } });
    await prepared.client.close();
    expect(prepared.plan.changes.map((change) => `${change.kind}/${change.name}`)).toEqual([`environments/${environment.Name}`]);
    const [space] = prepared.spaces;
    const live = space?.liveDocuments.find((doc) => doc.kind === 'environments' && doc.name === environment.Name);
    const desired = space?.desired.find((doc) => doc.kind === 'environments' && doc.name === environment.Name);
    expect(live?.body.Description).toBe('changed by hand');
    expect(live?.body).not.toBe(desired?.body);
  });
});

describe('collectGarbage', () => {
  it('collects what nothing holds any more, without a gc global', async () => {
    let held: object[] | undefined = Array.from({ length: 100_000 }, (_, index) => ({ index }));
    const ref = new WeakRef(held);
    held = undefined;
    // A WeakRef keeps its target alive until the job that made it ends.
    await new Promise((resolve) => setTimeout(resolve, 0));
    collectGarbage();
    expect(ref.deref()).toBeUndefined();
    expect('gc' in globalThis).toBe(false);
  });
});
