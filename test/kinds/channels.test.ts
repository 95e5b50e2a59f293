import { describe, expect, it } from 'vitest';
import type { Json, JsonObject, KindDocument, LiveSpace } from '../../src/core/document.js';
import { IdResolver, NameResolver, buildRefTable } from '../../src/core/refs.js';
import { channelPayloads, channels, existingChannelId } from '../../src/kinds/channels/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { loadSchemas } from '../../src/validate/schemas.js';
import { byFile, fixturesIn, idsIn, kindChecks, simulatorsClosedAfterEach } from '../support/kind-checks.js';
import { readLive } from '../support/live.js';
import { defaultProjectFields, simHttp } from '../support/sim-http.js';
import { itWithReferenceData, recorded2018, recordedProjects22Owner } from '../support/reference-data.js';

const fixture = fixturesIn(new URL('./channels/fixtures/', import.meta.url));
const recordedChannel = recorded2018<JsonObject>('channel');
const testProj2 = { ...recordedProjects22Owner };
const recorded: LiveSpace = { channels: [recordedChannel], projects: [testProj2], lifecycles: [] };
const captured: LiveSpace = {
  channels: fixture<JsonObject[]>('channels-all-simulator.json'),
  projects: fixture<JsonObject[]>('projects-all-simulator.json'),
  lifecycles: fixture<JsonObject[]>('lifecycles-all-simulator.json'),
};
const tagSets = fixture<JsonObject[]>('tagsets-all-simulator.json');

const simulator = simulatorsClosedAfterEach();
const { readDocuments } = kindChecks(channels, 'channels');

describe('channels kind', () => {
  itWithReferenceData('normalizes a recorded real response into one document for its project, without ids', () => {
    const names = new NameResolver(buildRefTable(recorded));
    expect(channels.toDocuments(recorded, names)).toEqual([
      {
        kind: 'channels',
        name: 'TestProj2',
        file: 'projects/testproj2/channels.yaml',
        body: { Project: 'TestProj2', Channels: [{ Name: 'Default', IsDefault: true, Rules: [], TenantTags: [] }] },
      },
    ]);
    expect(names.problems).toEqual([]);
  });

  it("writes all of a project's channels in one document, sorted by name, with lifecycles by name and rules without ids", () => {
    const names = new NameResolver(buildRefTable(captured));
    const docs = channels.toDocuments(captured, names);
    expect(names.problems).toEqual([]);
    expect(docs.map((doc) => doc.file).sort()).toEqual([
      'projects/customer-portal/channels.yaml',
      'projects/inventory-service/channels.yaml',
      'projects/legacy-reports/channels.yaml',
      'projects/payments-api/channels.yaml',
      'projects/web-shop/channels.yaml',
    ]);
    expect(docs.find((doc) => doc.name === 'Web Shop')?.body).toEqual({
      Project: 'Web Shop',
      Channels: [
        {
          Name: 'Default',
          Description: 'Stable releases.',
          IsDefault: true,
          Rules: [{ ActionPackages: [{ DeploymentAction: 'Deploy web site', PackageReference: '' }], Tag: '^$', VersionRange: '[1.0,2.0)' }],
          TenantTags: [],
        },
        { Name: 'Hotfix', Description: 'Urgent fixes straight to production.', IsDefault: false, Lifecycle: 'Hotfix', Rules: [], TenantTags: [] },
        {
          Name: 'Preview',
          Description: 'Pre-release 2.x builds for internal testing.',
          IsDefault: false,
          Rules: [{ ActionPackages: [{ DeploymentAction: 'Deploy web site', PackageReference: '' }], Tag: '^(beta|rc).*$', VersionRange: '[2.0,3.0)' }],
          TenantTags: [],
        },
      ],
    });
    expect(docs.find((doc) => doc.name === 'Customer Portal')?.body.Channels).toEqual([
      { Name: 'Default', IsDefault: true, Rules: [], TenantTags: [] },
      { Name: 'Early Access', Description: 'New features for Gold customers first.', IsDefault: false, Rules: [], TenantTags: ['Tier/Gold'] },
    ]);
    expect(docs.flatMap((doc) => idsIn(doc.body))).toEqual([]);
  });

  it('creates the channels in a fresh server after their projects, lifecycles and tags, and reads back the same documents', async () => {
    const sim = await simulator();
    await createDependencies(sim);
    const docs = channels.toDocuments(captured, new NameResolver(buildRefTable(captured)));
    expect(await applyDocuments(sim, docs)).toEqual([]);
    expect(await readDocuments(sim)).toEqual(byFile(docs));
    // A second apply finds every channel and writes the same thing.
    expect(await applyDocuments(sim, docs)).toEqual([]);
    expect(await readDocuments(sim)).toEqual(byFile(docs));
  });

  it('moves the default to a new channel and removes the old one', async () => {
    const sim = await simulator();
    await createDependencies(sim);
    const doc: KindDocument = {
      kind: 'channels',
      name: 'Legacy Reports',
      file: 'projects/legacy-reports/channels.yaml',
      body: {
        Project: 'Legacy Reports',
        Channels: [
          { Name: 'Hotfix', IsDefault: false, Lifecycle: 'Hotfix', Rules: [], TenantTags: ['Region/EU', 'Tier/Gold'] },
          { Name: 'Main', Description: 'Everything.', IsDefault: true, Rules: [{ VersionRange: '[1.0,)', Tag: '' }], TenantTags: [] },
        ],
      },
    };
    expect(await applyDocuments(sim, [doc])).toEqual([]);
    expect((await readDocuments(sim)).filter((read) => read.name === 'Legacy Reports')).toEqual([doc]);
  });

  it('names the document, channel and field of a reference the destination lacks', () => {
    const doc: KindDocument = {
      kind: 'channels',
      name: 'Web Shop',
      file: 'projects/web-shop/channels.yaml',
      body: { Project: 'Web Shop', Channels: [{ Name: 'Hotfix', IsDefault: true, Lifecycle: 'Emergency', Rules: [], TenantTags: [] }] },
    };
    const ids = new IdResolver(buildRefTable({ projects: [{ Id: 'Projects-9', Name: 'Web Shop' }], lifecycles: [] }));
    expect(channelPayloads(doc, ids)).toEqual([{ Name: 'Hotfix', ProjectId: 'Projects-9', LifecycleId: '', ParentEnvironmentId: null, IsDefault: true, Rules: [], TenantTags: [] }]);
    expect(ids.problems).toEqual([{ where: "channels 'Web Shop' channel 'Hotfix' Lifecycle", message: "refers to lifecycle 'Emergency', which does not exist in the destination" }]);

    const missingProject = new IdResolver(buildRefTable({}));
    expect(channels.toPayload(doc, missingProject).ProjectId).toBe('');
    expect(missingProject.problems[0]).toEqual({ where: "channels 'Web Shop' Project", message: "refers to project 'Web Shop', which does not exist in the destination" });
  });

  it('lists the names a document refers to', () => {
    const doc: KindDocument = {
      kind: 'channels',
      name: 'Web Shop',
      file: 'projects/web-shop/channels.yaml',
      body: { Project: 'Web Shop', Channels: [{ Name: 'Default', IsDefault: true }, { Name: 'Hotfix', Lifecycle: 'Hotfix', TenantTags: ['Tier/Gold'] }] },
    };
    expect(channels.references?.(doc)).toEqual([
      { pointer: '/Project', kind: 'projects', name: 'Web Shop' },
      { pointer: '/Channels/1/Lifecycle', kind: 'lifecycles', name: 'Hotfix' },
      { pointer: '/Channels/1/TenantTags/0', kind: 'tag-sets', name: 'Tier/Gold' },
    ]);
  });

  itWithReferenceData('names the channel and field of an id the source cannot resolve', () => {
    const live: LiveSpace = { ...recorded, channels: [{ ...recordedChannel, LifecycleId: 'Lifecycles-404' }, { ...recordedChannel, Id: 'Channels-99', ProjectId: 'Projects-404' }] };
    const names = new NameResolver(buildRefTable(live));
    channels.toDocuments(live, names);
    expect(names.problems).toEqual([
      { where: "channel 'Default' ProjectId", message: "refers to projects 'Projects-404', which does not exist on the server" },
      { where: "channels 'TestProj2' channel 'Default' LifecycleId", message: "refers to lifecycles 'Lifecycles-404', which does not exist on the server" },
    ]);
  });

  it('writes the same documents whatever order the server lists channels, rules and tags in', () => {
    const shuffled: LiveSpace = {
      ...captured,
      channels: [...(captured.channels ?? [])].reverse().map((channel) => ({ ...channel, TenantTags: [...(channel.TenantTags as Json[])].reverse() })),
      projects: [...(captured.projects ?? [])].reverse(),
    };
    const docs = (live: LiveSpace) => byFile(channels.toDocuments(live, new NameResolver(buildRefTable(live))));
    expect(JSON.stringify(docs(shuffled))).toBe(JSON.stringify(docs(captured)));
  });

  it('documents satisfy the schema; ids, a missing default and unknown top-level fields do not', () => {
    const schemas = loadSchemas();
    for (const doc of channels.toDocuments(captured, new NameResolver(buildRefTable(captured)))) expect(schemas.validate('channels', doc.body)).toEqual([]);
    const channel = { Name: 'Default', IsDefault: true, Rules: [], TenantTags: [] };
    expect(schemas.validate('channels', { Project: 'Web Shop', Channels: [{ ...channel, Rules: [{ VersionRange: '1.0', SomethingNewer: true }] }] })).toEqual([]);
    expect(schemas.validate('channels', { Project: 'Web Shop', Channels: [{ ...channel, LifecycleId: 'Lifecycles-1' }] })).not.toEqual([]);
    expect(schemas.validate('channels', { Project: 'Web Shop', Channels: [{ ...channel, Rules: [{ Id: 'a3f1', VersionRange: '1.0' }] }] })).not.toEqual([]);
    expect(schemas.validate('channels', { Project: 'Web Shop', Channels: [{ ...channel, IsDefault: false }] })).not.toEqual([]);
    expect(schemas.validate('channels', { Project: 'Web Shop', ProjectId: 'Projects-1', Channels: [channel] })).not.toEqual([]);
    expect(schemas.validate('channels', { Project: 'Web Shop', Channels: [{ ...channel, TenantTags: ['Gold'] }] })).not.toEqual([]);
  });

  it('writes the channels of every project of the sample instance, with no secret and no id', async () => {
    const sim = await simulator('sample');
    const live = await readLive(sim, channels.reads);
    const names = new NameResolver(buildRefTable(live));
    const docs = channels.toDocuments(live, names);
    expect(names.problems).toEqual([]);
    expect(docs.map((doc) => doc.name).sort()).toEqual((live.projects ?? []).map((project) => String(project.Name)).sort());
    expect(docs.reduce((count, doc) => count + (doc.body.Channels as Json[]).length, 0)).toBe(live.channels?.length);
    expect(docs.flatMap((doc) => idsIn(doc.body))).toEqual([]);
    const text = JSON.stringify(docs);
    for (const secret of sim.instance.store.secretValues()) expect(text).not.toContain(secret);
  });
});

/** Tag sets, lifecycles and projects (each with its Default channel) the captured channels need. */
async function createDependencies(target: Simulator): Promise<void> {
  const http = simHttp(target);
  for (const tagSet of tagSets) {
    const Tags = (tagSet.Tags as JsonObject[]).map((tag) => ({ Name: tag.Name, Color: tag.Color }));
    expect((await http.post('/api/Spaces-1/tagsets', { Name: tagSet.Name, Tags })).status).toBe(201);
  }
  for (const lifecycle of captured.lifecycles ?? []) if (lifecycle.Name !== 'Default Lifecycle') expect((await http.post('/api/Spaces-1/lifecycles', { Name: lifecycle.Name })).status).toBe(201);
  for (const project of captured.projects ?? []) {
    expect((await http.post('/api/Spaces-1/projects', { Name: project.Name, ...(await defaultProjectFields(http)) })).status).toBe(201);
  }
}

/**
 * Applies channels documents as apply does: each channel is created or updated by name within
 * its project, then the project's channels the document no longer lists are deleted.
 */
async function applyDocuments(target: Simulator, docs: KindDocument[]) {
  const http = simHttp(target);
  const ids = new IdResolver(buildRefTable(await readLive(target, channels.reads)));
  const live = await readLive(target, ['channels']);
  for (const doc of docs) {
    const { ProjectId, Channels } = channels.toPayload(doc, ids) as { ProjectId: string; Channels: JsonObject[] };
    for (const payload of Channels) {
      const id = existingChannelId(doc, ids, String(payload.Name));
      const response = id ? await http.put(`/api/Spaces-1/channels/${id}`, payload) : await http.post('/api/Spaces-1/channels', payload);
      expect(response.status, response.text).toBe(id ? 200 : 201);
    }
    const wanted = new Set(Channels.map((payload) => String(payload.Name).toLowerCase()));
    for (const channel of (live.channels ?? []).filter((c) => c.ProjectId === ProjectId && !wanted.has(String(c.Name).toLowerCase()))) {
      const response = await http.del(`/api/Spaces-1/channels/${String(channel.Id)}`);
      expect(response.status, response.text).toBe(200);
    }
  }
  return ids.problems;
}
