// A snapshot is complete or it is not committed. A source that answers with well-formed but
// incomplete data (an empty list, a missing item, a page that says it holds more) is refused
// with a message naming the kind, and nothing is written or committed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSnapshot } from '../../src/commands/snapshot.js';
import { createOctopusClient } from '../../src/octopus/index.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { lyingProxy } from '../support/lying-proxy.js';
import type { Lie, LyingProxy } from '../support/lying-proxy.js';
import { simHttp } from '../support/sim-http.js';

let source: Simulator;
let proxy: LyingProxy;
let repo: StateRepo;

beforeAll(async () => {
  source = await startSimulator({ seed: 'sample' });
  proxy = await lyingProxy(source.url);
  repo = await stateRepo();
  await repo.snapshot(source);
}, 60_000);

afterAll(async () => {
  await proxy.close();
  await source.close();
  await repo.cleanup();
});

async function snapshotThroughProxy(options: { allowLargeRemoval?: boolean } = {}) {
  const client = createOctopusClient({ server: proxy.url, apiKey: source.apiKey, retry: { maxAttempts: 1 } });
  try {
    return await runSnapshot({ api: client, server: source.url, repo: repo.dir, ...options });
  } finally {
    await client.close();
  }
}

async function repositoryState(): Promise<{ head: string; status: string }> {
  return { head: (await repo.git().revparse(['source'])).trim(), status: await repo.git().raw(['status', '--porcelain', '--untracked-files=all']) };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are arbitrary JSON
type Body = any;
const withoutFirst = (items: Body[], keep: (item: Body) => boolean) => {
  const index = items.findIndex((item) => !keep(item));
  return items.filter((_, i) => i !== index);
};

describe('a snapshot of a source that lies', () => {
  const cases: [string, () => Lie, RegExp][] = [
    ['[] for machine policies', () => ({ path: /\/machinepolicies\/all$/, rewrite: () => [] }), /machine polic/i],
    ['[] for tag sets', () => ({ path: /\/tagsets\/all$/, rewrite: () => [] }), /tag set/i],
    ['[] for scoped user roles', () => ({ path: /\/scopeduserroles\/all$/, rewrite: () => [] }), /user roles/i],
    ['a tenant\'s common variables answered for another tenant', () => ({ path: /\/commonvariables$/, rewrite: (body: Body) => ({ ...body, TenantId: 'Tenants-999999' }) }), /common tenant variables/i],
    ['a tenant\'s project variables without their values', () => ({ path: /\/projectvariables$/, rewrite: (body: Body) => ({ ...body, Variables: undefined }) }), /project tenant variables/i],
    [
      'one environment missing from the list',
      () => ({ path: /\/environments\/all$/, rewrite: (items: Body[]) => items.filter((e) => e.Name !== 'Production') }),
      /environments/i,
    ],
    [
      "a project's process missing from the space-wide list",
      () => ({ path: /\/deploymentprocesses$/, rewrite: (page: Body) => ({ ...page, Items: page.Items.slice(1), TotalResults: page.TotalResults - 1 }) }),
      /deployment process/i,
    ],
    [
      'a page of no items that says there are some',
      () => ({ path: /\/deploymentprocesses$/, rewrite: (page: Body) => ({ ...page, Items: [] }) }),
      /deploymentprocesses.*(0 of|incomplete)/i,
    ],
    [
      "a project's variable set missing",
      () => ({ path: /\/variables\/all$/, rewrite: (sets: Body[]) => withoutFirst(sets, (set) => !String(set.OwnerId).startsWith('Projects-')) }),
      /variable set/i,
    ],
    [
      'a runbook process that belongs to another runbook',
      () => ({
        path: /\/runbookProcesses$/i,
        rewrite: (page: Body) => ({ ...page, Items: page.Items.map((p: Body, i: number) => (i === 0 ? { ...p, RunbookId: 'Runbooks-999999' } : p)) }),
      }),
      /runbook/i,
    ],
  ];

  it.each(cases)('%s: refused naming the kind, nothing written or committed', async (_, lie, message) => {
    const before = await repositoryState();
    proxy.lies.splice(0, proxy.lies.length, lie());
    proxy.told.length = 0;
    await expect(snapshotThroughProxy()).rejects.toThrow(message);
    expect(proxy.told.length).toBeGreaterThan(0);
    expect(await repositoryState()).toEqual(before);
  });

  it('[] for tenant variables from a server without the scoped API: refused naming the kind, nothing written or committed', async () => {
    const before = await repositoryState();
    proxy.lies.splice(0, proxy.lies.length, { path: /\/tenantvariables\/all$/, rewrite: () => [] });
    source.instance.settings.tenantVariableScoping = false;
    try {
      await expect(snapshotThroughProxy()).rejects.toThrow(/tenant variables/i);
    } finally {
      source.instance.settings.tenantVariableScoping = true;
    }
    expect(await repositoryState()).toEqual(before);
  });

  it('a failed read of any kind means no commit', async () => {
    const before = await repositoryState();
    proxy.lies.length = 0;
    source.knobs.addFault({ method: 'GET', path: '/teams', status: 500 });
    try {
      await expect(snapshotThroughProxy()).rejects.toThrow(/teams/);
    } finally {
      source.knobs.clearFaults();
    }
    expect(await repositoryState()).toEqual(before);
  });

  it('a real removal of most of a kind needs confirmation: refused, then committed with allowLargeRemoval', async () => {
    proxy.lies.length = 0;
    const http = simHttp(source);
    const created: string[] = [];
    for (let n = 1; n <= 6; n += 1) created.push(((await http.post('/api/Spaces-1/environments', { Name: `Temporary ${n}` })).body as Body).Id);
    await snapshotThroughProxy();
    for (const id of created) await http.del(`/api/Spaces-1/environments/${id}`);
    const before = await repositoryState();
    await expect(snapshotThroughProxy()).rejects.toThrow(/6 of 10 environments would be removed.*--allow-large-removal/s);
    expect(await repositoryState()).toEqual(before);
    const result = await snapshotThroughProxy({ allowLargeRemoval: true });
    expect(result.commit).toBeDefined();
    expect(result.changes.removed.filter((file) => file.includes('/environments/temporary-'))).toHaveLength(6);
  });
});
