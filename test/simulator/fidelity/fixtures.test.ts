// The recorded responses of a real Octopus Server 2018.11.2 (../shared/octopus-api/fixtures/
// octopus-2018.11.2/, see ORIGINS.md) can be written through the simulator's API and read back
// equal, apart from what the server manages: Id, SpaceId, Links, LastModifiedOn/By, Slug,
// Version and owned document ids. Ids the fixtures refer to are remapped to documents created
// in the simulator first. Fields the simulator adds (newer servers have more) are fine; every
// recorded field must come back with its recorded value.
//
// Where the 2018 shape differs from a modern server, the difference is handled explicitly below
// with the reason (never silently): a renamed field is renamed, a pre-Spaces shape is not copied.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator } from '../../../src/simulator/index.js';
import type { Simulator } from '../../../src/simulator/index.js';
import { SimHttp } from './helpers/http.js';
import type { Json } from './helpers/http.js';
import { fixturesDir, readFixture } from './helpers/shared-api.js';
import { describeWithReferenceData } from '../../support/reference-data.js';

const SERVER_MANAGED = ['Id', 'SpaceId', 'LastModifiedOn', 'LastModifiedBy', 'Slug', 'Version'];

/** Replaces every string equal to a recorded id (values and object keys, at any depth) by the simulator's id. */
function remap(value: unknown, ids: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') return ids.get(value) ?? value;
  if (Array.isArray(value)) return value.map((item) => remap(item, ids));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [ids.get(key) ?? key, remap(child, ids)]));
}

/** Drops `Links` at every depth (actions carry their own) and the other server-managed fields at the top. */
function withoutServerFields(value: unknown, top = true): unknown {
  if (Array.isArray(value)) return value.map((item) => withoutServerFields(item, false));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'Links' && !(top && SERVER_MANAGED.includes(key)))
      .map(([key, child]) => [key, withoutServerFields(child, false)]),
  );
}

/** What a fixture must read back as: its recorded fields, ids remapped, server-managed fields left out. */
function recorded(fixture: Json, ids: ReadonlyMap<string, string> = new Map()): Json {
  return withoutServerFields(remap(fixture, ids)) as Json;
}

/** The request body that writes a fixture: recorded fields with ids remapped (server-managed ones are ignored by the server anyway). */
function bodyOf(fixture: Json, ids: ReadonlyMap<string, string> = new Map()): Json {
  return remap(withoutServerFields(fixture), ids) as Json;
}

/** Fixtures each test below consumes, and those deliberately not round-tripped (with why). */
const ROUND_TRIPPED = [
  'environment', 'lifecycle', 'projectgroup', 'machinepolicy', 'tenant', 'project', 'channel', 'libraryvariableset',
  'variableset-library', 'variableset-project-scoped', 'variableset-project-sensitive', 'deploymentprocess', 'feed-builtin',
];
const NOT_ROUND_TRIPPED: Record<string, string> = {
  // Pre-Spaces (2018) teams carried UserRoleIds, ProjectIds, EnvironmentIds, TenantIds, TenantTags
  // and ProjectGroupIds themselves; since Spaces (2019.1) roles live in scoped user roles
  // (API-NOTES §2.14: "don't copy that shape"). Only the identity of the built-in team is
  // checked below; its members and role flags are instance- and era-specific.
  'team-pre-spaces': 'pre-Spaces team shape',
};

describeWithReferenceData('recorded Octopus 2018.11.2 responses round-trip through the simulator', () => {
  let sim: Simulator;
  let http: SimHttp;
  const s = '/api/Spaces-1';
  /** Recorded id → simulator id. The built-ins (ProjectGroups-1, Lifecycles-1, ...) keep their well-known ids. */
  const ids = new Map<string, string>();
  let environment: Json;
  let project: Json;
  let otherProject: Json;
  let libraryVariableSet: Json;

  beforeAll(async () => {
    // A fresh server: its well-known ids are part of what is compared.
    sim = await startSimulator({ idOffset: 0 });
    http = new SimHttp(sim);
    // The documents the fixtures refer to, created from the fixtures where there is one.
    const environmentFixture = readFixture('environment');
    environment = await http.post(`${s}/environments`, bodyOf(environmentFixture));
    ids.set(String(environmentFixture.Id), String(environment.Id));

    const projectFixture = readFixture('project');
    project = await http.post(`${s}/projects`, bodyOf(projectFixture));
    for (const owned of ['', 'variableset-', 'deploymentprocess-']) ids.set(`${owned}${String(projectFixture.Id)}`, `${owned}${String(project.Id)}`);

    // Projects-22 owns the recorded channel, process and scoped variable set; no project fixture
    // of it was recorded, so it is created with a name of its own. The recorded tenant is
    // connected to it, so it allowed tenanted deployments (a server refuses tenants otherwise).
    otherProject = await http.post(`${s}/projects`, { Name: 'TestProj2', ProjectGroupId: 'ProjectGroups-1', LifecycleId: 'Lifecycles-1', TenantedDeploymentMode: 'TenantedOrUntenanted' });
    for (const owned of ['', 'variableset-', 'deploymentprocess-']) ids.set(`${owned}Projects-22`, `${owned}${String(otherProject.Id)}`);

    const setFixture = readFixture('libraryvariableset');
    libraryVariableSet = await http.post(`${s}/libraryvariablesets`, bodyOf(setFixture));
    for (const owned of ['', 'variableset-']) ids.set(`${owned}${String(setFixture.Id)}`, `${owned}${String(libraryVariableSet.Id)}`);
  });

  afterAll(async () => {
    await sim?.close();
  });

  it('covers every recorded fixture, or says why not', () => {
    const files = readdirSync(fixturesDir).filter((file) => file.endsWith('.json')).map((file) => file.replace(/\.json$/, ''));
    expect([...ROUND_TRIPPED, ...Object.keys(NOT_ROUND_TRIPPED)].sort()).toEqual(files.sort());
  });

  it('environment: created from the recording, reads back as recorded', async () => {
    const fixture = readFixture('environment');
    expect(await http.get(`${s}/environments/${String(environment.Id)}`)).toMatchObject(recorded(fixture, ids));
  });

  it('project: created from the recording, reads back as recorded (owned document ids follow the new id)', async () => {
    const fixture = readFixture('project');
    const read = await http.get(`${s}/projects/${String(project.Id)}`);
    expect(read).toMatchObject(recorded(fixture, ids));
    expect(read).toMatchObject({ VariableSetId: `variableset-${String(project.Id)}`, DeploymentProcessId: `deploymentprocess-${String(project.Id)}` });
  });

  it('library variable set: created from the recording, reads back as recorded', async () => {
    const fixture = readFixture('libraryvariableset');
    expect(await http.get(`${s}/libraryvariablesets/${String(libraryVariableSet.Id)}`)).toMatchObject(recorded(fixture, ids));
  });

  it('tenant: created from the recording with its project connection remapped, reads back as recorded', async () => {
    const fixture = readFixture('tenant');
    const tenant = await http.post(`${s}/tenants`, bodyOf(fixture, ids));
    expect(await http.get(`${s}/tenants/${String(tenant.Id)}`)).toMatchObject(recorded(fixture, ids));
  });

  // The recorded lifecycle, project group and machine policy are the built-ins of a space
  // (`Lifecycles-1` "Default Lifecycle", ...). A space has them from birth and names are unique,
  // so the recording is written over the built-in with the same id, then read back.
  it.each([
    ['lifecycle', 'lifecycles'],
    ['projectgroup', 'projectgroups'],
  ])('%s: written over the built-in with the recorded id, reads back as recorded', async (name, collection) => {
    const fixture = readFixture(name);
    const url = `${s}/${collection}/${String(fixture.Id)}`;
    await http.put(url, bodyOf(fixture, ids));
    expect(await http.get(url)).toMatchObject(recorded(fixture, ids));
  });

  it('machine policy: written over the built-in (script policies under their 2021 names), reads back as recorded', async () => {
    const fixture = readFixture('machinepolicy');
    // 2018 named the health check scripts TentacleEndpointHealthCheckPolicy and
    // SshEndpointHealthCheckPolicy; the 2021 swagger's MachineHealthCheckPolicy calls them
    // PowerShellHealthCheckPolicy and BashHealthCheckPolicy (same MachineScriptPolicy shape).
    const { TentacleEndpointHealthCheckPolicy, SshEndpointHealthCheckPolicy, ...health } = fixture.MachineHealthCheckPolicy as Json;
    const modern = { ...fixture, MachineHealthCheckPolicy: { ...health, PowerShellHealthCheckPolicy: TentacleEndpointHealthCheckPolicy, BashHealthCheckPolicy: SshEndpointHealthCheckPolicy } };
    const url = `${s}/machinepolicies/${String(fixture.Id)}`;
    await http.put(url, bodyOf(modern, ids));
    expect(await http.get(url)).toMatchObject(recorded(modern, ids));
  });

  it("channel: a project's Default channel reads back as the recorded one, and the recording written over it too", async () => {
    const fixture = readFixture('channel');
    // Channels-21 is the Default channel Projects-22 got when it was created.
    const channels = await http.get<{ Items: Json[] }>(`${s}/projects/${String(otherProject.Id)}/channels`);
    expect(channels.Items).toHaveLength(1);
    const channel = channels.Items[0] as Json;
    expect(channel).toMatchObject(recorded(fixture, ids));
    ids.set(String(fixture.Id), String(channel.Id));
    await http.put(`${s}/channels/${String(channel.Id)}`, bodyOf(fixture, ids));
    expect(await http.get(`${s}/channels/${String(channel.Id)}`)).toMatchObject(recorded(fixture, ids));
  });

  // Variable sets and processes are owned documents: written with PUT (the body needs the
  // current Version; the recorded one belongs to the recorded server), then read back.
  it.each([
    ['variableset-library', 'variables'],
    ['variableset-project-sensitive', 'variables'],
    ['variableset-project-scoped', 'variables'],
    ['deploymentprocess', 'deploymentprocesses'],
  ])('%s: written over the owner\'s document, reads back as recorded (variable, step and action Ids kept)', async (name, collection) => {
    const fixture = readFixture(name);
    const url = `${s}/${collection}/${ids.get(String(fixture.Id)) ?? '?'}`;
    const current = await http.get(url);
    await http.put(url, { ...bodyOf(fixture, ids), Id: current.Id, Version: current.Version });
    const read = await http.get(url);
    expect(read).toMatchObject(recorded(fixture, ids));
  });

  it('sensitive variables read back with a null Value, as recorded, and keep their secret on a re-save', async () => {
    const fixture = readFixture('variableset-project-sensitive');
    const url = `${s}/variables/${String(project.VariableSetId)}`;
    const variables = bodyOf(fixture, ids).Variables as Json[];
    const withSecret = variables.map((v) => (v.Name === 'Var5-Sensi' ? { ...v, Value: 'recorded-secret' } : v));
    const current = await http.get(url);
    await http.put(url, { ...current, Variables: withSecret });
    const read = await http.get(url);
    expect(read).toMatchObject(recorded(fixture, ids));
    // The recording's own PUT (Value null, same Id) keeps the secret (API-NOTES §2.9).
    await http.put(url, { ...read, Variables: variables });
    expect(sim.instance.store.secretValues()).toContain('recorded-secret');
  });

  it('feed-builtin: the built-in feed has the recorded id, name and acquisition locations (the 2018 NuGet typing is not copied)', async () => {
    const fixture = readFixture('feed-builtin');
    // In 2018 the built-in feed was a NuGet-typed feed (FeedType "NuGet", FeedUri "octopus://",
    // EnhancedMode, DownloadAttempts, ...); the 2021 swagger's FeedType has "BuiltIn" and current
    // OctopusClients types it BuiltInFeedResource (API-NOTES §2.6). FeedType can only be set on
    // create and built-in feeds cannot be created, so only the era-independent fields are compared.
    const feed = await http.get(`${s}/feeds/${String(fixture.Id)}`);
    expect(feed).toMatchObject({ Id: fixture.Id, Name: fixture.Name, PackageAcquisitionLocationOptions: fixture.PackageAcquisitionLocationOptions });
    expect(feed.FeedType).toBe('BuiltIn');
  });

  it('team-pre-spaces: the built-in team has the recorded id and name (its pre-Spaces role fields are not copied)', async () => {
    const fixture = readFixture('team-pre-spaces');
    expect(await http.get(`/api/teams/${String(fixture.Id)}`)).toMatchObject({ Id: fixture.Id, Name: fixture.Name, ExternalSecurityGroups: fixture.ExternalSecurityGroups });
  });
});

// The recorded lifecycle, project group, machine policy and built-in feed are the built-ins of
// the recorded server's space, apparently never edited. A new simulated space must bring the
// same, on every field whose shape has not changed since 2018.
describeWithReferenceData("a new space's built-in documents are the recorded ones", () => {
  let sim: Simulator;
  let http: SimHttp;

  beforeAll(async () => {
    // A fresh server: its well-known ids are part of what is compared.
    sim = await startSimulator({ idOffset: 0 });
    http = new SimHttp(sim);
  });

  afterAll(async () => {
    await sim?.close();
  });

  it.each([
    ['lifecycle', 'lifecycles'],
    ['projectgroup', 'projectgroups'],
  ])('%s', async (name, collection) => {
    const fixture = readFixture(name);
    expect(await http.get(`/api/Spaces-1/${collection}/${String(fixture.Id)}`)).toMatchObject(recorded(fixture));
  });

  it('machinepolicy (without its health check scripts, which changed with their 2021 renaming)', async () => {
    const fixture = readFixture('machinepolicy');
    const { TentacleEndpointHealthCheckPolicy: _powershell, SshEndpointHealthCheckPolicy: _bash, ...health } = fixture.MachineHealthCheckPolicy as Json;
    expect(await http.get(`/api/Spaces-1/machinepolicies/${String(fixture.Id)}`)).toMatchObject(recorded({ ...fixture, MachineHealthCheckPolicy: health }));
  });
});
