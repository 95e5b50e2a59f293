// The simulator's generic Octopus behaviour, checked over real HTTP.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { simHttp } from '../support/sim-http.js';
import type { SimHttp } from '../support/sim-http.js';

let sim: Simulator;
let http: SimHttp;

beforeEach(async () => {
  sim = await startSimulator({ seed: 'empty', idOffset: 0 });
  http = simHttp(sim);
});

afterEach(async () => {
  await sim.close();
});

async function createEnvironments(names: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const Name of names) {
    const response = await http.post('/api/Spaces-1/environments', { Name });
    expect(response.status).toBe(201);
    ids.push(response.body.Id);
  }
  return ids;
}

function versionAtLeast(version: string, minimum: string): boolean {
  const a = version.split('.').map(Number);
  const b = minimum.split('.').map(Number);
  for (let i = 0; i < 3; i += 1) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

describe('root and authentication', () => {
  it('serves the root document without a key, with a semver Version of at least 2022.3.5512', async () => {
    const root = await simHttp(sim, null).get('/api');
    expect(root.status).toBe(200);
    expect(root.body.Version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(versionAtLeast(root.body.Version, '2022.3.5512')).toBe(true);
    expect(root.body.ApiVersion).toBe('3.0.0');
    expect(root.body.InstallationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(root.body.Links.Environments).toBe('/api/Spaces-1/environments{/id}{?name,skip,ids,take,partialName}');
  });

  it.each([
    ['no key', null],
    ['a wrong key', 'API-WRONG'],
  ])('answers 401 with the error envelope for %s', async (_what, key) => {
    const response = await simHttp(sim, key).get('/api/Spaces-1/environments');
    expect(response.status).toBe(401);
    expect(response.body.ErrorMessage).toMatch(/API key/);
    expect(response.body.Errors).toEqual([]);
  });

  it('accepts the key as an ApiKey query parameter and as a bearer token', async () => {
    expect((await simHttp(sim, null).get(`/api/Spaces-1/environments?ApiKey=${sim.apiKey}`)).status).toBe(200);
    const bearer = await simHttp(sim, null).send('GET', '/api/Spaces-1/environments', undefined, { Authorization: `Bearer ${sim.apiKey}` });
    expect(bearer.status).toBe(200);
  });

  it('tells who the key belongs to', async () => {
    const me = await http.get('/api/users/me');
    expect(me.body).toMatchObject({ Id: 'Users-1', Username: 'admin' });
  });
});

describe('routes', () => {
  it('serves a space-scoped collection in the three route forms', async () => {
    const [id] = await createEnvironments(['Dev']);
    for (const path of ['/api/Spaces-1/environments', '/api/spaces/Spaces-1/environments', '/api/environments']) {
      const response = await http.get(path);
      expect(response.status, path).toBe(200);
      expect(response.body.Items.map((e: { Id: string }) => e.Id), path).toEqual([id]);
    }
    expect((await http.get(`/api/spaces/default/environments/${id}`)).body.Name).toBe('Dev');
  });

  it('matches routes and ids case-insensitively', async () => {
    const [id] = await createEnvironments(['Dev']);
    expect((await http.get(`/api/spaces-1/Environments/${id!.toLowerCase()}`)).body.Id).toBe(id);
  });

  it('serves a space home and 404s an unknown space', async () => {
    const home = await http.get('/api/Spaces-1');
    expect(home.body.Links.Projects).toContain('/api/Spaces-1/projects');
    const missing = await http.get('/api/Spaces-99/environments');
    expect(missing.status).toBe(404);
    expect(missing.body.ErrorMessage).toBe("The resource 'Spaces-99' was not found.");
  });

  it('answers 404 with the server message for a missing document, 405 for a wrong method', async () => {
    const missing = await http.get('/api/Spaces-1/environments/Environments-999');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ ErrorMessage: "The resource 'Environments-999' was not found.", Errors: [] });
    const [id] = await createEnvironments(['Dev']);
    expect((await http.post(`/api/Spaces-1/environments/${id}`, {})).status).toBe(405);
  });

  it('rejects a body that is not JSON', async () => {
    const response = await http.send('POST', '/api/Spaces-1/environments', undefined, { 'Content-Type': 'application/json' });
    expect(response.status).toBe(400);
    const raw = await fetch(`${sim.url}/api/Spaces-1/environments`, {
      method: 'POST',
      headers: { 'X-Octopus-ApiKey': sim.apiKey },
      body: '{"Name": ',
    });
    expect(raw.status).toBe(400);
  });
});

describe('documents', () => {
  it('creates with server-managed fields and bumps LastModifiedOn on save', async () => {
    const created = await http.post('/api/Spaces-1/environments', { Name: 'Staging Area', Id: 'Environments-77', SpaceId: 'Spaces-9' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      Id: expect.stringMatching(/^Environments-\d+$/),
      SpaceId: 'Spaces-1',
      Slug: 'staging-area',
      LastModifiedBy: 'admin',
      UseGuidedFailure: false,
      Links: { Self: `/api/Spaces-1/environments/${created.body.Id}` },
    });
    expect(created.body.Id).not.toBe('Environments-77');
    const updated = await http.put(`/api/Spaces-1/environments/${created.body.Id}`, { ...created.body, Description: 'x' });
    expect(updated.body.Description).toBe('x');
    expect(updated.body.Id).toBe(created.body.Id);
  });

  it('rejects a duplicate name, case-insensitively, with the error envelope', async () => {
    await createEnvironments(['Production']);
    const duplicate = await http.post('/api/Spaces-1/environments', { Name: 'PRODUCTION' });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.ErrorMessage).toBe('There was a problem with your request.');
    expect(duplicate.body.Errors).toEqual([expect.stringContaining("'PRODUCTION' is already in use")]);
  });

  it('rejects missing required fields and references to missing ids', async () => {
    expect((await http.post('/api/Spaces-1/environments', {})).body.Errors).toEqual(['The Name field is required.']);
    const project = await http.post('/api/Spaces-1/projects', { Name: 'Web', ProjectGroupId: 'ProjectGroups-1', LifecycleId: 'Lifecycles-42' });
    expect(project.status).toBe(400);
    expect(project.body.Errors).toEqual([expect.stringContaining("'Lifecycles-42' does not exist")]);
  });

  it('refuses environment tags that no tag set defines (2026: tag sets scoped to environments)', async () => {
    expect((await http.post('/api/Spaces-1/environments', { Name: 'Tagged', EnvironmentTags: ['Region/EU'] })).status).toBe(400);
    expect((await http.post('/api/Spaces-1/tagsets', { Name: 'Region', Scopes: ['Environment'], Tags: [{ Name: 'EU', Color: '#3156B3' }] })).status).toBe(201);
    const tagged = await http.post('/api/Spaces-1/environments', { Name: 'Tagged', EnvironmentTags: ['region/eu'] });
    expect(tagged.status, tagged.text).toBe(201);
    expect(tagged.body.EnvironmentTags).toEqual(['region/eu']);
  });

  it('deletes, then 404s', async () => {
    const [id] = await createEnvironments(['Dev']);
    expect((await http.del(`/api/Spaces-1/environments/${id}`)).status).toBe(200);
    expect((await http.get(`/api/Spaces-1/environments/${id}`)).status).toBe(404);
  });

  it('keeps a Version that increments on every save of a step template', async () => {
    const created = await http.post('/api/Spaces-1/actiontemplates', { Name: 'Notify', ActionType: 'Octopus.Script', Properties: { 'Octopus.Action.Script.ScriptBody': 'echo hi' } });
    expect(created.body.Version).toBe(0);
    const once = await http.put(`/api/Spaces-1/actiontemplates/${created.body.Id}`, created.body);
    const twice = await http.put(`/api/Spaces-1/actiontemplates/${created.body.Id}`, once.body);
    expect([once.body.Version, twice.body.Version]).toEqual([1, 2]);
  });
});

describe('collections', () => {
  it('pages with the Octopus envelope and a default take of 30', async () => {
    await createEnvironments(Array.from({ length: 35 }, (_, i) => `Env ${String(i).padStart(2, '0')}`));
    const first = await http.get('/api/Spaces-1/environments');
    expect(first.body).toMatchObject({ ItemType: 'Environment', TotalResults: 35, ItemsPerPage: 30, NumberOfPages: 2, LastPageNumber: 1 });
    expect(first.body.Items).toHaveLength(30);
    expect(first.body.Links['Page.Next']).toBe('/api/Spaces-1/environments?skip=30&take=30');
    const second = await http.get('/api/Spaces-1/environments?skip=30&take=30');
    expect(second.body.Items.map((e: { Name: string }) => e.Name)).toEqual(['Env 30', 'Env 31', 'Env 32', 'Env 33', 'Env 34']);
    expect(second.body.Links['Page.Next']).toBeUndefined();
    const all = await http.get('/api/Spaces-1/environments?take=2147483647');
    expect(all.body.Items).toHaveLength(35);
  });

  it('filters by ids and partialName, and serves /all as a bare array', async () => {
    const [dev, , prod] = await createEnvironments(['Dev', 'Test', 'Production']);
    const byIds = await http.get(`/api/Spaces-1/environments?ids=${dev},${prod}`);
    expect(byIds.body.Items.map((e: { Name: string }) => e.Name)).toEqual(['Dev', 'Production']);
    const partial = await http.get('/api/Spaces-1/environments?partialName=ES');
    expect(partial.body.Items.map((e: { Name: string }) => e.Name)).toEqual(['Test']);
    const all = await http.get('/api/Spaces-1/environments/all');
    expect(Array.isArray(all.body)).toBe(true);
    expect(all.body).toHaveLength(3);
  });

  it('sorts environments by SortOrder and reorders them with /sortorder', async () => {
    const [a, b, c] = await createEnvironments(['Zeta', 'Alpha', 'Mid']);
    expect((await http.get('/api/Spaces-1/environments/all')).body.map((e: { Name: string }) => e.Name)).toEqual(['Zeta', 'Alpha', 'Mid']);
    expect((await http.put('/api/Spaces-1/environments/sortorder', [c, a, b])).status).toBe(200);
    expect((await http.get('/api/Spaces-1/environments/all')).body.map((e: { Name: string }) => e.Name)).toEqual(['Mid', 'Zeta', 'Alpha']);
  });

  it('sorts lifecycles by name', async () => {
    for (const Name of ['b-cycle', 'A-cycle']) await http.post('/api/Spaces-1/lifecycles', { Name });
    expect((await http.get('/api/Spaces-1/lifecycles/all')).body.map((l: { Name: string }) => l.Name)).toEqual(['A-cycle', 'b-cycle', 'Default Lifecycle']);
  });
});

describe('owned documents', () => {
  it('gives a new project its variable set, deployment process and Default channel, and finds it by slug', async () => {
    const project = await http.post('/api/Spaces-1/projects', { Name: 'Web Shop', ProjectGroupId: 'ProjectGroups-1', LifecycleId: 'Lifecycles-1' });
    expect(project.status).toBe(201);
    const id = project.body.Id as string;
    expect(project.body).toMatchObject({ Slug: 'web-shop', VariableSetId: `variableset-${id}`, DeploymentProcessId: `deploymentprocess-${id}` });
    const channels = await http.get(`/api/Spaces-1/projects/${id}/channels`);
    expect(channels.body.Items).toEqual([expect.objectContaining({ Name: 'Default', IsDefault: true, ProjectId: id })]);
    expect((await http.get('/api/Spaces-1/projects/web-shop')).body.Id).toBe(id);
  });

  it('gives a runbook its process and deletes what a project owns with it', async () => {
    const project = (await http.post('/api/Spaces-1/projects', { Name: 'Ops', ProjectGroupId: 'ProjectGroups-1', LifecycleId: 'Lifecycles-1' })).body;
    const runbook = await http.post(`/api/Spaces-1/projects/${project.Id}/runbooks`, { Name: 'Restart' });
    expect(runbook.status).toBe(201);
    expect(runbook.body.RunbookProcessId).toBe(`RunbookProcess-${runbook.body.Id}`);
    expect((await http.del(`/api/Spaces-1/projects/${project.Id}`)).status).toBe(200);
    expect((await http.get(`/api/Spaces-1/runbooks/${runbook.body.Id}`)).status).toBe(404);
    expect((await http.get('/api/Spaces-1/channels/all')).body).toEqual([]);
  });
});

describe('sensitive values', () => {
  const secret = 'feed-password-4711';

  it('never returns a feed password, keeps it when HasValue is sent, replaces and clears it', async () => {
    const created = await http.post('/api/Spaces-1/feeds', {
      Name: 'Private NuGet',
      FeedType: 'NuGet',
      FeedUri: 'https://nuget.example.com/v3/index.json',
      Username: 'robot',
      Password: { HasValue: true, NewValue: secret },
    });
    expect(created.status).toBe(201);
    expect(created.text).not.toContain(secret);
    expect(created.body.Password).toEqual({ HasValue: true, NewValue: null, Hint: null });
    const path = `/api/Spaces-1/feeds/${created.body.Id}`;
    const kept = await http.put(path, { ...created.body, FeedUri: 'https://nuget.example.com/v2' });
    expect(kept.body.Password.HasValue).toBe(true);
    expect(sim.instance.store.readSecret(`${created.body.Id}:Password`)).toBe(secret);
    await http.put(path, { ...kept.body, Password: { HasValue: true, NewValue: 'rotated-0815' } });
    expect(sim.instance.store.readSecret(`${created.body.Id}:Password`)).toBe('rotated-0815');
    const cleared = await http.put(path, { ...kept.body, Password: { HasValue: false } });
    expect(cleared.body.Password.HasValue).toBe(false);
    const everything = await http.get('/api/Spaces-1/feeds/all');
    expect(everything.text).not.toContain(secret);
    expect(everything.text).not.toContain('rotated-0815');
  });
});

describe('sensitive template defaults', () => {
  it('keeps a sensitive parameter default of a step template and of a library variable set as a secret', async () => {
    const secretDefault = { HasValue: true, NewValue: 'template-default-secret-42' };
    const template = await http.post('/api/Spaces-1/actiontemplates', {
      Name: 'Call API',
      ActionType: 'Octopus.Script',
      Parameters: [{ Name: 'Token', DisplaySettings: { 'Octopus.ControlType': 'Sensitive' }, DefaultValue: secretDefault }],
    });
    expect(template.status).toBe(201);
    expect(template.body.Parameters[0].DefaultValue).toEqual({ HasValue: true, NewValue: null, Hint: null });
    const set = await http.post('/api/Spaces-1/libraryvariablesets', {
      Name: 'Tenant Settings',
      Templates: [{ Name: 'ApiKey', DisplaySettings: { 'Octopus.ControlType': 'Sensitive' }, DefaultValue: secretDefault }],
    });
    expect(set.body.Templates[0].DefaultValue.HasValue).toBe(true);
    const kept = await http.put(`/api/Spaces-1/actiontemplates/${template.body.Id}`, template.body);
    expect(kept.body.Parameters[0].DefaultValue.HasValue).toBe(true);
    const everything = [await http.get('/api/Spaces-1/actiontemplates/all'), await http.get('/api/Spaces-1/libraryvariablesets/all')];
    for (const response of everything) expect(response.text).not.toContain(secretDefault.NewValue);
    expect(sim.instance.store.secretValues()).toContain(secretDefault.NewValue);
  });
});

describe('projects own their channel and runbook names', () => {
  it('gives channels slugs unique within their project', async () => {
    const create = (Name: string) => http.post('/api/Spaces-1/projects', { Name, ProjectGroupId: 'ProjectGroups-1', LifecycleId: 'Lifecycles-1' });
    const [a, b] = [(await create('A')).body, (await create('B')).body];
    const slugs = (await http.get('/api/Spaces-1/channels/all')).body.map((c: { ProjectId: string; Slug: string }) => [c.ProjectId, c.Slug]);
    expect(slugs).toEqual([
      [a.Id, 'default'],
      [b.Id, 'default'],
    ]);
  });

  it('refuses to connect a tenant to an untenanted project', async () => {
    const project = (await http.post('/api/Spaces-1/projects', { Name: 'Solo', ProjectGroupId: 'ProjectGroups-1', LifecycleId: 'Lifecycles-1' })).body;
    const dev = (await http.post('/api/Spaces-1/environments', { Name: 'Dev' })).body;
    const tenant = await http.post('/api/Spaces-1/tenants', { Name: 'Acme', ProjectEnvironments: { [project.Id]: [dev.Id] } });
    expect(tenant.status).toBe(400);
    expect(tenant.body.Errors).toEqual(["ProjectEnvironments: the project 'Solo' is not tenanted, so tenants cannot be connected to it."]);
  });
});

describe('validation of tenant tags', () => {
  it('accepts tags that exist and rejects others', async () => {
    const tagSet = await http.post('/api/Spaces-1/tagsets', { Name: 'Tier', Tags: [{ Name: 'Gold', Color: '#FFD700' }] });
    expect(tagSet.body.Tags[0]).toMatchObject({ CanonicalTagName: 'Tier/Gold', Id: `${tagSet.body.Id}-1` });
    expect((await http.post('/api/Spaces-1/tenants', { Name: 'Acme', TenantTags: ['Tier/Gold'] })).status).toBe(201);
    const bad = await http.post('/api/Spaces-1/tenants', { Name: 'Globex', TenantTags: ['Tier/Platinum'] });
    expect(bad.status).toBe(400);
    expect(bad.body.Errors).toEqual(["TenantTags: the tag 'Tier/Platinum' does not exist."]);
  });
});

describe('spaces and teams', () => {
  it('creates a space with its own defaults, isolated from the default space', async () => {
    const space = await http.post('/api/spaces', { Name: 'Regulated', SpaceManagersTeamMembers: ['Users-1'] });
    expect(space.status).toBe(201);
    const id = space.body.Id as string;
    const lifecycles = await http.get(`/api/${id}/lifecycles/all`);
    expect(lifecycles.body.map((l: { Name: string }) => l.Name)).toEqual(['Default Lifecycle']);
    expect(lifecycles.body[0].Id).not.toBe('Lifecycles-1');
    await http.post(`/api/${id}/environments`, { Name: 'Only There' });
    expect((await http.get('/api/Spaces-1/environments/all')).body).toEqual([]);
    expect((await http.del(`/api/spaces/${id}`)).status).toBe(400);
    await http.put(`/api/spaces/${id}`, { ...space.body, TaskQueueStopped: true });
    expect((await http.del(`/api/spaces/${id}`)).status).toBe(200);
    expect((await http.get(`/api/${id}/environments`)).status).toBe(404);
  });

  it('lists system teams with a space’s own, and scopes user roles to a team', async () => {
    const teams = await http.get('/api/Spaces-1/teams/all');
    expect(teams.body.map((t: { Id: string }) => t.Id)).toEqual(
      expect.arrayContaining(['teams-everyone', 'teams-administrators', 'teams-spacemanagers-Spaces-1']),
    );
    const team = await http.post('/api/Spaces-1/teams', { Name: 'Developers' });
    const role = await http.post('/api/Spaces-1/scopeduserroles', { TeamId: team.body.Id, UserRoleId: 'userroles-projectdeployer' });
    expect(role.status).toBe(201);
    const roles = await http.get(`/api/Spaces-1/teams/${team.body.Id}/scopeduserroles`);
    expect(roles.body.Items).toEqual([expect.objectContaining({ UserRoleId: 'userroles-projectdeployer', SpaceId: 'Spaces-1' })]);
    const serverWide = await http.get('/api/teams?includeSystem=false');
    expect(serverWide.body.Items.map((t: { Name: string }) => t.Name)).toEqual(['Developers', 'Space Managers']);
  });
});

describe('events', () => {
  it('logs Created, Modified and Deleted newest first, filterable by fromAutoId and regarding', async () => {
    const before = (await http.get('/api/Spaces-1/events?take=1')).body.Items[0].AutoId as number;
    const [id] = await createEnvironments(['Dev']);
    const env = (await http.get(`/api/Spaces-1/environments/${id}`)).body;
    await http.put(`/api/Spaces-1/environments/${id}`, { ...env, Description: 'changed' });
    await http.del(`/api/Spaces-1/environments/${id}`);
    const events = await http.get(`/api/Spaces-1/events?fromAutoId=${before + 1}`);
    expect(events.body.Items.map((e: { Category: string }) => e.Category)).toEqual(['Deleted', 'Modified', 'Created']);
    expect(events.body.Items.every((e: { RelatedDocumentIds: string[] }) => e.RelatedDocumentIds.includes(id!))).toBe(true);
    const regarding = await http.get(`/api/Spaces-1/events?regarding=${id}&eventCategories=Modified`);
    expect(regarding.body.Items).toHaveLength(1);
  });
});

describe('knobs', () => {
  it('counts requests by method and route pattern', async () => {
    sim.knobs.resetCounts();
    await createEnvironments(['Dev', 'Test']);
    await http.get('/api/Spaces-1/environments/all');
    const counts = sim.knobs.requestCounts();
    expect(counts.total).toBe(3);
    expect(counts.byMethod).toEqual({ POST: 2, GET: 1 });
    expect(counts.byRoute).toEqual({ 'POST /api/:spaceId/environments': 2, 'GET /api/:spaceId/environments/all': 1 });
  });

  it('injects a 503 a given number of times, a 429 with Retry-After, and dropped connections', async () => {
    sim.knobs.addFault({ method: 'GET', path: '/environments', status: 503, times: 2 });
    expect((await http.get('/api/Spaces-1/environments')).status).toBe(503);
    expect((await http.get('/api/Spaces-1/environments')).status).toBe(503);
    expect((await http.get('/api/Spaces-1/environments')).status).toBe(200);
    sim.knobs.addFault({ path: /lifecycles$/, status: 429, retryAfterSeconds: 7, times: 1 });
    const limited = await http.get('/api/Spaces-1/lifecycles');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    sim.knobs.addFault({ path: '/projectgroups', drop: true, times: 1 });
    await expect(http.get('/api/Spaces-1/projectgroups')).rejects.toThrow();
    expect((await http.get('/api/Spaces-1/projectgroups')).status).toBe(200);
  });

  it('can apply a write and then drop the connection, as a crash after commit would', async () => {
    sim.knobs.addFault({ method: 'POST', path: '/environments', dropAfterHandling: true, times: 1 });
    await expect(http.post('/api/Spaces-1/environments', { Name: 'Applied' })).rejects.toThrow();
    expect((await http.get('/api/Spaces-1/environments/all')).body.map((e: { Name: string }) => e.Name)).toEqual(['Applied']);
  });

  it('applies a fault rate with the injected randomness', async () => {
    await sim.close();
    const draws = [0.1, 0.9, 0.1, 0.9];
    sim = await startSimulator({ random: () => draws.shift() ?? 0.9, idOffset: 0 });
    http = simHttp(sim);
    sim.knobs.addFault({ method: 'POST', status: 503, rate: 0.2 });
    const statuses = [];
    for (const Name of ['A', 'B', 'C', 'D']) statuses.push((await http.post('/api/Spaces-1/environments', { Name })).status);
    expect(statuses).toEqual([503, 201, 503, 201]);
  });

  it('adds latency to every request', async () => {
    sim.knobs.latencyMs = 60;
    const started = performance.now();
    await http.get('/api/Spaces-1/environments');
    expect(performance.now() - started).toBeGreaterThanOrEqual(60);
  });

  it('does the work of a request as it arrives and answers once the latency has passed', async () => {
    sim.knobs.latencyMs = 400;
    const started = performance.now();
    let answeredAt: number | undefined;
    const posting = http.post('/api/Spaces-1/environments', { Name: 'Early' }).then((response) => {
      answeredAt = performance.now();
      return response;
    });
    let seenAt: number | undefined;
    while (seenAt === undefined && performance.now() - started < 300) {
      if (sim.instance.findByName('environments', 'Spaces-1', 'Early')) seenAt = performance.now();
      else await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect((await posting).status).toBe(201);
    // Created while the answer was still on its way, and answered no sooner than the latency.
    expect(seenAt).toBeDefined();
    expect(answeredAt).toBeDefined();
    expect(seenAt as number).toBeLessThan(answeredAt as number);
    expect((answeredAt as number) - started).toBeGreaterThanOrEqual(400);
  });
});
