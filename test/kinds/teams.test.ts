import { describe, expect, it } from 'vitest';
import type { Json, JsonObject, KindDocument, LiveSpace } from '../../src/core/document.js';
import { IdResolver, NameResolver, buildRefTable } from '../../src/core/refs.js';
import { existingTeam, scopedUserRoleChanges, scopedUserRolePayloads, teamPayload, teams } from '../../src/kinds/teams/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { loadSchemas } from '../../src/validate/schemas.js';
import { byFile, fixturesIn, idsIn, kindChecks, simulatorsClosedAfterEach } from '../support/kind-checks.js';
import { readLive } from '../support/live.js';
import { defaultProjectFields, simHttp } from '../support/sim-http.js';

const fixture = fixturesIn(new URL('./teams/fixtures/', import.meta.url));
const captured: LiveSpace = {
  teams: fixture<JsonObject[]>('teams-all-simulator.json'),
  scopeduserroles: fixture<JsonObject[]>('scopeduserroles-all-simulator.json'),
  userroles: fixture<JsonObject[]>('userroles-all-simulator.json'),
  environments: fixture<JsonObject[]>('environments-all-simulator.json'),
  projects: fixture<JsonObject[]>('projects-all-simulator.json'),
  projectgroups: fixture<JsonObject[]>('projectgroups-all-simulator.json'),
  tenants: fixture<JsonObject[]>('tenants-all-simulator.json'),
};

const simulator = simulatorsClosedAfterEach();
const { document, readDocuments } = kindChecks(teams, 'teams', { readOrder: 'as-listed' });

describe('teams kind', () => {
  it("writes the space's teams with their user roles by name, never their members, and skips system teams", () => {
    const names = new NameResolver(buildRefTable(captured));
    const docs = teams.toDocuments(captured, names);
    expect(names.problems).toEqual([]);
    expect(docs.map((doc) => [doc.name, doc.file])).toEqual([
      ['Customer Success', 'teams/customer-success.yaml'],
      ['Developers', 'teams/developers.yaml'],
      ['Release Managers', 'teams/release-managers.yaml'],
      ['Space Managers', 'teams/space-managers.yaml'],
    ]);
    expect(docs[1]).toEqual({
      kind: 'teams',
      name: 'Developers',
      file: 'teams/developers.yaml',
      body: {
        Name: 'Developers',
        Description: 'Application developers: deploy to Dev and Test.',
        UserRoles: [
          { UserRole: 'Project contributor', ProjectGroups: ['Services', 'Web'] },
          { UserRole: 'Project deployer', Environments: ['Dev', 'Test'] },
          { UserRole: 'Runbook consumer', Environments: ['Dev', 'Test'] },
        ],
      },
    });
    expect(docs[0]?.body.UserRoles).toEqual([
      { UserRole: 'Project viewer', Projects: ['Customer Portal'] },
      { UserRole: 'Tenant manager', Tenants: ['Acme Corp', 'Globex', 'Initech', 'Umbrella Health'] },
    ]);
    expect(docs.flatMap((doc) => idsIn(doc.body))).toEqual([]);
    const text = JSON.stringify(docs);
    expect(text).not.toMatch(/Users-\d|MemberUserIds|ExternalSecurityGroups/);
  });

  it('skips a system team even when it holds roles in this space', () => {
    const live: LiveSpace = {
      ...captured,
      scopeduserroles: [...(captured.scopeduserroles ?? []), { Id: 'ScopedUserRoles-99', UserRoleId: 'userroles-projectviewer', TeamId: 'teams-everyone', SpaceId: 'Spaces-1', ProjectIds: [], ProjectGroupIds: [], EnvironmentIds: [], TenantIds: [] }],
    };
    expect(live.teams?.some((team) => team.Name === 'Everyone' && team.SpaceId === null)).toBe(true);
    expect(teams.toDocuments(live, new NameResolver(buildRefTable(live))).map((doc) => doc.name)).not.toContain('Everyone');
  });

  it('creates teams and their scoped roles in a fresh server, and a second apply changes nothing', async () => {
    const sim = await simulator();
    await createDependencies(sim);
    const docs = teams.toDocuments(captured, new NameResolver(buildRefTable(captured)));
    expect(await applyDocuments(sim, docs)).toEqual({ problems: [], created: 8, removed: 0 });
    expect(await readDocuments(sim)).toEqual(docs);
    expect(await applyDocuments(sim, docs)).toEqual({ problems: [], created: 0, removed: 0 });
    expect(await readDocuments(sim)).toEqual(docs);
  });

  it("keeps the destination's members and removes roles the document no longer lists", async () => {
    const sim = await simulator();
    await createDependencies(sim);
    const docs = teams.toDocuments(captured, new NameResolver(buildRefTable(captured)));
    await applyDocuments(sim, docs);
    const developers = sim.instance.findByName('teams', 'Spaces-1', 'Developers')!;
    const member = sim.instance.create('users', null, { Username: 'dana', DisplayName: 'Dana' });
    const groups = [{ Id: 'S-1-5-21-1004', DisplayName: 'Developers (AD)', DisplayIdAndName: false }];
    sim.instance.update('teams', 'Spaces-1', developers.Id, { ...developers, MemberUserIds: [member.Id], ExternalSecurityGroups: groups });

    const fewer = structuredClone(docs.find((doc) => doc.name === 'Developers')!);
    fewer.body.Description = 'Deploy to Dev only.';
    fewer.body.UserRoles = [{ UserRole: 'Project deployer', Environments: ['Dev'] }];
    expect(await applyDocuments(sim, [fewer])).toEqual({ problems: [], created: 1, removed: 3 });
    const stored = sim.instance.get('teams', 'Spaces-1', developers.Id);
    expect(stored.MemberUserIds).toEqual([member.Id]);
    expect(stored.ExternalSecurityGroups).toEqual(groups);
    expect((await readDocuments(sim)).find((doc) => doc.name === 'Developers')).toEqual(fewer);
  });

  it('a new team starts without members, whatever the document says', () => {
    // Even a hand-edited document that lists members does not get them sent.
    const doc = document({ Name: 'Ops', MemberUserIds: ['Users-1'], ExternalSecurityGroups: [{ Id: 'S-1-5-21-1004' }], UserRoles: [] });
    expect(teamPayload(doc)).toEqual({ Name: 'Ops', MemberUserIds: [], ExternalSecurityGroups: [] });
    expect(teams.toPayload(doc, new IdResolver(buildRefTable(captured)))).toEqual({ Name: 'Ops', MemberUserIds: [], ExternalSecurityGroups: [] });
    expect(existingTeam(doc, new IdResolver(buildRefTable(captured)))).toBeUndefined();
    // A system team of the same name is never taken for the space's team.
    expect(existingTeam(document({ Name: 'Everyone' }), new IdResolver(buildRefTable(captured)))).toBeUndefined();
  });

  it('names the document and field of a user role or scope the destination lacks', () => {
    const doc = document({ Name: 'Ops', UserRoles: [{ UserRole: 'Chaos engineer' }, { UserRole: 'Project deployer', Environments: ['Moon'], Tenants: ['Acme Corp'] }] });
    const ids = new IdResolver(buildRefTable(captured));
    expect(scopedUserRolePayloads(doc, ids, 'Teams-9')).toEqual([
      { UserRoleId: '', TeamId: 'Teams-9', EnvironmentIds: [], ProjectIds: [], ProjectGroupIds: [], TenantIds: [] },
      { UserRoleId: 'userroles-projectdeployer', TeamId: 'Teams-9', EnvironmentIds: [''], ProjectIds: [], ProjectGroupIds: [], TenantIds: ['Tenants-1'] },
    ]);
    expect(ids.problems).toEqual([
      { where: "team 'Ops' UserRoles.UserRole", message: "refers to user role 'Chaos engineer', which does not exist in the destination" },
      { where: "team 'Ops' user role 'Project deployer' Environments", message: "refers to environment 'Moon', which does not exist in the destination" },
    ]);
  });

  it('names the team and field of an id the source cannot resolve', () => {
    const live: LiveSpace = {
      ...captured,
      scopeduserroles: [{ Id: 'ScopedUserRoles-1', UserRoleId: 'userroles-gone', TeamId: 'Teams-1', SpaceId: 'Spaces-1', ProjectIds: ['Projects-404'], ProjectGroupIds: [], EnvironmentIds: [], TenantIds: [] }],
    };
    const names = new NameResolver(buildRefTable(live));
    teams.toDocuments(live, names);
    expect(names.problems).toEqual([
      { where: "team 'Developers' UserRoleId", message: "refers to userroles 'userroles-gone', which does not exist on the server" },
      { where: "team 'Developers' user role 'userroles-gone' ProjectIds", message: "refers to projects 'Projects-404', which does not exist on the server" },
    ]);
  });

  it('lists the names a document refers to, user roles as names each destination must have', () => {
    const doc = document({ Name: 'Ops', UserRoles: [{ UserRole: 'Project deployer', Environments: ['Production'], ProjectGroups: ['Web/Mobile'], Tenants: ['Acme'] }] });
    expect(teams.references?.(doc)).toEqual([
      { pointer: '/UserRoles/0/UserRole', kind: 'user-roles', name: 'Project deployer' },
      { pointer: '/UserRoles/0/Environments/0', kind: 'environments', name: 'Production' },
      { pointer: '/UserRoles/0/ProjectGroups/0', kind: 'project-groups', name: 'Web/Mobile' },
      { pointer: '/UserRoles/0/Tenants/0', kind: 'tenants', name: 'Acme' },
    ]);
  });

  it('matches existing scoped roles by role and scopes, ignoring order', () => {
    const existing = [
      { Id: 'ScopedUserRoles-1', UserRoleId: 'userroles-projectdeployer', TeamId: 'Teams-1', EnvironmentIds: ['Environments-2', 'Environments-1'], ProjectIds: [], ProjectGroupIds: [], TenantIds: [] },
      { Id: 'ScopedUserRoles-2', UserRoleId: 'userroles-projectviewer', TeamId: 'Teams-1', EnvironmentIds: [], ProjectIds: [], ProjectGroupIds: [], TenantIds: [] },
    ];
    const desired = [
      { UserRoleId: 'userroles-projectdeployer', TeamId: 'Teams-1', EnvironmentIds: ['Environments-1', 'Environments-2'], ProjectIds: [], ProjectGroupIds: [], TenantIds: [] },
      { UserRoleId: 'userroles-projectviewer', TeamId: 'Teams-1', EnvironmentIds: ['Environments-1'], ProjectIds: [], ProjectGroupIds: [], TenantIds: [] },
    ];
    expect(scopedUserRoleChanges(desired, existing)).toEqual({ create: [desired[1]], remove: ['ScopedUserRoles-2'] });
  });

  it('writes the same documents whatever order the server lists teams, roles and scopes in', () => {
    const shuffled: LiveSpace = {
      ...captured,
      teams: [...(captured.teams ?? [])].reverse(),
      scopeduserroles: [...(captured.scopeduserroles ?? [])].reverse().map((role) => ({ ...role, EnvironmentIds: [...(role.EnvironmentIds as Json[])].reverse(), TenantIds: [...(role.TenantIds as Json[])].reverse() })),
    };
    const docs = (live: LiveSpace) => teams.toDocuments(live, new NameResolver(buildRefTable(live)));
    expect(JSON.stringify(byFile(docs(shuffled)))).toBe(JSON.stringify(byFile(docs(captured))));
  });

  it('documents satisfy the schema; members, ids and role definitions do not', () => {
    const schemas = loadSchemas();
    for (const doc of teams.toDocuments(captured, new NameResolver(buildRefTable(captured)))) expect(schemas.validate('teams', doc.body)).toEqual([]);
    expect(schemas.validate('teams', { Name: 'Ops', SomethingNewer: true, UserRoles: [{ UserRole: 'Project viewer', SomethingNewer: ['x'] }] })).toEqual([]);
    expect(schemas.validate('teams', { Name: 'Ops', MemberUserIds: ['Users-1'] })).not.toEqual([]);
    expect(schemas.validate('teams', { Name: 'Ops', ExternalSecurityGroups: [] })).not.toEqual([]);
    expect(schemas.validate('teams', { Name: 'Ops', UserRoles: [{ UserRoleId: 'userroles-projectviewer' }] })).not.toEqual([]);
    expect(schemas.validate('teams', { Name: 'Ops', UserRoles: [{ UserRole: 'Project viewer', EnvironmentIds: ['Environments-1'] }] })).not.toEqual([]);
    expect(schemas.validate('teams', { Name: 'Ops', UserRoles: [{ UserRole: 'Project viewer', Environments: 'Production' }] })).not.toEqual([]);
  });

  it('writes every team of the sample space, with no member, no secret and no id', async () => {
    const sim = await simulator('sample');
    const live = await readLive(sim, teams.reads);
    const names = new NameResolver(buildRefTable(live));
    const docs = teams.toDocuments(live, names);
    expect(names.problems).toEqual([]);
    expect(docs.map((doc) => doc.name).sort()).toEqual((live.teams ?? []).filter((team) => team.SpaceId === 'Spaces-1').map((team) => String(team.Name)).sort());
    expect(docs.length).toBeGreaterThan(1);
    expect(docs.flatMap((doc) => idsIn(doc.body))).toEqual([]);
    const text = JSON.stringify(docs);
    for (const user of live.users ?? (await readLive(sim, ['users'])).users ?? []) expect(text).not.toContain(String(user.Username));
    for (const value of sim.instance.store.secretValues()) expect(text).not.toContain(value);
  });
});

/** Environments, project groups, projects and tenants the captured teams' roles are scoped to. */
async function createDependencies(target: Simulator): Promise<void> {
  const http = simHttp(target);
  for (const environment of captured.environments ?? []) expect((await http.post('/api/Spaces-1/environments', { Name: environment.Name })).status).toBe(201);
  for (const group of captured.projectgroups ?? []) if (group.Name !== 'Default Project Group') expect((await http.post('/api/Spaces-1/projectgroups', { Name: group.Name })).status).toBe(201);
  for (const project of captured.projects ?? []) {
    expect((await http.post('/api/Spaces-1/projects', { Name: project.Name, ...(await defaultProjectFields(http)) })).status).toBe(201);
  }
  for (const tenant of captured.tenants ?? []) expect((await http.post('/api/Spaces-1/tenants', { Name: tenant.Name })).status).toBe(201);
}

/** Applies team documents as apply does: the team, then the scoped role changes against the destination's. */
async function applyDocuments(target: Simulator, docs: KindDocument[]) {
  const http = simHttp(target);
  const ids = new IdResolver(buildRefTable(await readLive(target, teams.reads)));
  let created = 0;
  let removed = 0;
  for (const doc of docs) {
    const existing = existingTeam(doc, ids);
    const payload = teams.toPayload(doc, ids);
    const saved = existing ? await http.put(`/api/Spaces-1/teams/${String(existing.Id)}`, payload) : await http.post('/api/Spaces-1/teams', payload);
    expect(saved.status, saved.text).toBe(existing ? 200 : 201);
    const teamId = String(saved.body.Id);
    const current = ((await readLive(target, ['scopeduserroles'])).scopeduserroles ?? []).filter((role) => role.TeamId === teamId);
    const changes = scopedUserRoleChanges(scopedUserRolePayloads(doc, ids, teamId), current);
    for (const role of changes.create) expect((await http.post('/api/Spaces-1/scopeduserroles', role)).status).toBe(201);
    for (const id of changes.remove) expect((await http.del(`/api/Spaces-1/scopeduserroles/${id}`)).status).toBe(200);
    created += changes.create.length;
    removed += changes.remove.length;
  }
  return { problems: ids.problems, created, removed };
}
