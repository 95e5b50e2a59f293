// What a snapshot and a no-op plan ask the server, by route: the server check, then each
// collection once. Nothing is asked twice: what the check read (the version, the spaces) is
// what the command uses, and collections the data does not need are not asked at all (the
// community library, the features configuration, the dynamic worker types, user roles, deployment
// targets), but are when it does. The commands run in-process as the CLI runs
// them, against simulators over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import type { CliIo } from '../../src/cli/io.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { postCreated, simHttp } from '../support/sim-http.js';
import type { SimHttp } from '../support/sim-http.js';
import type { JsonObject } from '../../src/core/document.js';

let source: Simulator;
let repo: StateRepo;

beforeAll(async () => {
  source = await startSimulator({ seed: 'synthetic:10', tenantVariableScoping: false });
  repo = await stateRepo();
});

afterAll(async () => {
  await source.close();
  await repo.cleanup();
});

/** Runs `octosync <args>` in-process; returns the requests `server` (default the source) received, by route. */
async function requestsOf(args: string[], server: Simulator = source, env: Record<string, string> = { SOURCE_KEY: source.apiKey }): Promise<Record<string, number>> {
  const io: CliIo = { out: () => undefined, err: () => undefined, status: () => undefined, isTerminal: false, env, untilStopped: async () => undefined };
  server.knobs.resetCounts();
  await buildProgram(io).parseAsync(['node', 'octosync', ...args]);
  return Object.fromEntries(Object.entries(server.knobs.requestCounts().byRoute).filter(([, count]) => count > 0));
}

const total = (byRoute: Record<string, number>) => Object.values(byRoute).reduce((sum, count) => sum + count, 0);

/** The routes of the collections read only when the data needs them. */
const ON_DEMAND = {
  library: 'GET /api/communityactiontemplates',
  features: 'GET /api/featuresconfiguration',
  workerTypes: 'GET /api/:spaceId/workerpools/dynamicworkertypes',
  userRoles: 'GET /api/userroles/all',
  machines: 'GET /api/:spaceId/machines/all',
} as const;
const onDemandAsked = (byRoute: Record<string, number>) => Object.values(ON_DEMAND).filter((route) => byRoute[route] !== undefined).sort();

const repeated = (byRoute: Record<string, number>) => Object.entries(byRoute).filter(([, count]) => count > 1);

describe('requests of a read-only command', () => {
  let snapshot: Record<string, number>;
  beforeAll(async () => {
    snapshot = await requestsOf(['snapshot', '--source', source.url, '--api-key-env', 'SOURCE_KEY', '--repo', repo.dir]);
    await repo.writeDestination('self', { server: source.url, apiKey: { env: 'SOURCE_KEY' }, branch: 'source', missingSecrets: 'placeholder' });
  });

  it('a snapshot asks for each route once: the version and the spaces only in the server check', () => {
    expect(repeated(snapshot)).toEqual([]);
    expect(snapshot['GET /api']).toBe(1);
    expect(snapshot['GET /api/spaces/all']).toBe(1);
    // The space list needs the key: it is the key check, so nothing asks who the key belongs to.
    expect(snapshot['GET /api/users/me']).toBeUndefined();
    expect(Object.keys(snapshot).length).toBeGreaterThan(20);
  });

  it('a snapshot of a space that needs none of the on-demand collections asks for none of them: 26 requests', () => {
    expect(onDemandAsked(snapshot)).toEqual([]);
    // The server check's 2 and 24 collections (Git credentials are documents of their own: always read).
    expect(snapshot['GET /api/:spaceId/git-credentials']).toBe(1);
    expect(total(snapshot)).toBe(26);
  });

  it('a no-op plan asks for each route once, and for the same routes as the snapshot', async () => {
    const plan = await requestsOf(['plan', '--repo', repo.dir, '--destination', 'self', '--detailed-exitcode']);
    expect(process.exitCode ?? 0).toBe(0);
    expect(repeated(plan)).toEqual([]);
    expect(Object.keys(plan).sort()).toEqual(Object.keys(snapshot).sort());
    expect(total(plan)).toBe(26);
  });
});

describe('collections read when the data needs them', () => {
  interface Case {
    what: string;
    flavour?: 'cloud';
    /** Adds what needs the collection to the source's default space. */
    add?(http: SimHttp): Promise<void>;
    /** On-demand routes the snapshot of the source asks. */
    snapshot: string[];
    /** On-demand routes a plan of that snapshot asks an empty self-hosted destination. */
    plan: string[];
  }
  const space = '/api/Spaces-1';
  const cases: Case[] = [
    {
      what: 'a step template installed from the community library',
      add: async (http) => {
        const library = ((await http.get('/api/communityactiontemplates')).body as { Items: JsonObject[] }).Items;
        await postCreated(http, `/api/communityactiontemplates/${String(library[0]?.Id)}/installation/Spaces-1`, {});
      },
      // The destination lacks it: whether it can install it, and from which entry.
      snapshot: [ON_DEMAND.library],
      plan: [ON_DEMAND.library, ON_DEMAND.features],
    },
    {
      what: 'a dynamic worker pool (Octopus Cloud)',
      flavour: 'cloud',
      // The pool says the source is Cloud; a destination without one is asked whether it can hold it.
      snapshot: [],
      plan: [ON_DEMAND.workerTypes],
    },
    {
      what: 'a team given a user role in the space',
      add: async (http) => {
        const team = (await postCreated(http, `${space}/teams`, { Name: 'Reviewers' })) as JsonObject;
        const role = ((await http.get('/api/userroles/all')).body as JsonObject[])[0];
        await postCreated(http, `${space}/scopeduserroles`, { TeamId: team.Id, UserRoleId: role?.Id, EnvironmentIds: [], ProjectIds: [], ProjectGroupIds: [], TenantIds: [] });
      },
      snapshot: [ON_DEMAND.userRoles],
      plan: [ON_DEMAND.userRoles],
    },
    {
      what: 'a variable scoped to a deployment target',
      add: async (http) => {
        const environment = ((await http.get(`${space}/environments/all`)).body as JsonObject[])[0];
        const machine = (await postCreated(http, `${space}/machines`, { Name: 'web-01', Endpoint: { CommunicationStyle: 'None' }, EnvironmentIds: [environment?.Id], Roles: ['web'], TenantIds: [], TenantTags: [] })) as JsonObject;
        const project = ((await http.get(`${space}/projects/all`)).body as JsonObject[])[0];
        const path = `${space}/variables/${String(project?.VariableSetId)}`;
        const set = (await http.get(path)).body as JsonObject;
        const variables = [...(set.Variables as JsonObject[]), { Name: 'Web.Node', Value: 'one', Type: 'String', IsSensitive: false, Scope: { Machine: [machine.Id] } }];
        const saved = await http.put(path, { ...set, Variables: variables });
        expect(saved.status, saved.text).toBe(200);
      },
      snapshot: [ON_DEMAND.machines],
      plan: [ON_DEMAND.machines],
    },
  ];

  it.each(cases)('$what: asked by the snapshot and by a plan that needs it, and no other', async (entry) => {
    const data = await startSimulator({ seed: 'synthetic:10', tenantVariableScoping: false, ...(entry.flavour ? { flavour: entry.flavour } : {}) });
    const empty = await startSimulator({ seed: 'empty', tenantVariableScoping: false });
    const state = await stateRepo();
    try {
      await entry.add?.(simHttp(data));
      const env = { SOURCE_KEY: data.apiKey, DEST_KEY: empty.apiKey };
      const snapshot = await requestsOf(['snapshot', '--source', data.url, '--api-key-env', 'SOURCE_KEY', '--repo', state.dir], data, env);
      expect(onDemandAsked(snapshot)).toEqual([...entry.snapshot].sort());
      expect(repeated(snapshot)).toEqual([]);
      await state.writeDestination('empty', { server: empty.url, apiKey: { env: 'DEST_KEY' }, branch: 'source', missingSecrets: 'placeholder', scopePolicy: 'drop' });
      const plan = await requestsOf(['plan', '--repo', state.dir, '--destination', 'empty'], empty, env);
      expect(onDemandAsked(plan)).toEqual([...entry.plan].sort());
      expect(repeated(plan)).toEqual([]);
    } finally {
      process.exitCode = undefined;
      await Promise.all([data.close(), empty.close(), state.cleanup()]);
    }
  });
});
