// The writers of projects, channels, tenants and teams copy the sample instance into an empty one
// over real HTTP: a re-read gives the same documents, a second write touches no sub-item, and
// changes to channels, tenant variables and team roles write only what changed.
import { describe, expect, it } from 'vitest';
import type { JsonObject, KindDocument } from '../../src/core/document.js';
import { secretSlots, setAtPointer } from '../../src/core/secrets.js';
import { projectWriter } from '../../src/kinds/projects/index.js';
import { kindNamed } from '../../src/kinds/registry.js';
import type { Kind } from '../../src/kinds/types.js';
import { WriteError } from '../../src/kinds/writing.js';
import { spacePath } from '../../src/octopus/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { writesByRoute } from '../support/destinations.js';
import { byKindAndFile, documentNamed } from '../support/kind-checks.js';
import { sampleAndEmptyPerTest, writeContext } from '../support/write-harness.js';
import type { Harness } from '../support/write-harness.js';
import { entriesOf } from '../../src/kinds/tenants/variables.js';

const SPACE = 'Spaces-1';
const kind = (name: string) => kindNamed(name) as Kind;
/** The kinds under test. */
const MINE = ['projects', 'channels', 'tenants', 'teams'].map(kind);
/** What they refer to. */
const SUPPORT = ['environments', 'tag-sets', 'lifecycles', 'project-groups', 'script-modules', 'library-variable-sets', 'git-credentials'].map(kind);

const sampleAndEmpty = sampleAndEmptyPerTest();

function replace(docs: readonly KindDocument[], changed: KindDocument): KindDocument[] {
  return docs.map((doc) => (doc.kind === changed.kind && doc.name === changed.name ? changed : doc));
}

/** The value the "overlay" gives a secret slot. */
const secretOf = (doc: KindDocument, pointer: string) => `secret:${doc.name}${pointer}`;

/** Every secret slot of a document filled in as apply does from the destination's overlay. */
function withSecrets(doc: KindDocument): KindDocument {
  let body = doc.body;
  for (const slot of secretSlots(doc.body)) {
    if (!slot.hasValue) continue;
    body = setAtPointer(body, slot.pointer, slot.form === 'sensitive-value' ? { HasValue: true, NewValue: secretOf(doc, slot.pointer) } : secretOf(doc, slot.pointer));
  }
  return { ...doc, body };
}

function writesTo(sim: Simulator, collection: string): Record<string, number> {
  return Object.fromEntries(Object.entries(writesByRoute(sim)).filter(([route]) => route.split('/').includes(collection)));
}

interface Copied {
  source: Simulator;
  destination: Simulator;
  to: Harness;
  /** The destination's documents of the kinds under test. */
  wanted: KindDocument[];
}

/** The sample copied into an empty destination (Web Shop releasing from its Hotfix channel). */
async function copySample(): Promise<Copied> {
  const { source, destination, from, to } = await sampleAndEmpty();
  // Library variable sets only for their tenant templates: their variables name accounts and
  // worker pools, which are beside the point here.
  const support = (await from.documents(SUPPORT)).map((doc) => (doc.kind === 'library-variable-sets' ? { ...doc, body: { ...doc.body, Variables: [] } } : doc));
  const sampled = await from.documents(MINE);
  const webShop = documentNamed(sampled, 'projects', 'Web Shop');
  const wanted = replace(sampled, { ...webShop, body: { ...webShop.body, ReleaseCreationStrategy: { Channel: 'Hotfix' } } });
  await to.write([...support, ...wanted].map(withSecrets));
  // What apply does once every kind is written: the references to a project's own channels.
  for (const doc of wanted.filter((d) => d.kind === 'projects')) await projectWriter.finish(doc, await writeContext(to));
  return { source, destination, to, wanted };
}

describe('project, channel, tenant and team writers', () => {
  it('copy the sample into an empty destination; a second write changes no sub-item', async () => {
    const { destination, to, wanted } = await copySample();
    try {
      expect(byKindAndFile(await to.documents(MINE))).toEqual(byKindAndFile(wanted));
      // The tenants' secrets came from the "overlay".
      const secrets = destination.instance.store.secretValues();
      const expected = wanted.filter((doc) => doc.kind === 'tenants').flatMap((doc) => secretSlots(doc.body).map((slot) => secretOf(doc, slot.pointer)));
      expect(expected.length).toBeGreaterThan(4);
      expect(secrets).toEqual(expect.arrayContaining(expected));

      // Apply supplies a secret only when the destination has none or the overlay's value
      // changed: a second write of the same documents has markers only.
      destination.knobs.resetCounts();
      await to.write(wanted);
      for (const doc of wanted.filter((d) => d.kind === 'projects')) await projectWriter.finish(doc, await writeContext(to));
      // The harness updates every document (it does not diff): projects are PUT, nothing else is.
      const projectCount = wanted.filter((doc) => doc.kind === 'projects').length;
      expect(writesByRoute(destination)).toEqual({ 'PUT /api/:spaceId/projects/:id': projectCount });
      expect(byKindAndFile(await to.documents(MINE))).toEqual(byKindAndFile(wanted));
      expect(destination.instance.store.secretValues().sort()).toEqual([...secrets].sort());
    } finally {
      await to.close();
    }
  });

  it('sets a project release-creation channel once it exists, and only once', async () => {
    const { destination, to, wanted } = await copySample();
    try {
      const project = (await to.live()).projects?.find((p) => p.Name === 'Web Shop');
      const hotfix = (await to.live()).channels?.find((c) => c.ProjectId === project?.Id && c.Name === 'Hotfix');
      expect(project?.ReleaseCreationStrategy).toMatchObject({ ChannelId: hotfix?.Id });
      destination.knobs.resetCounts();
      await projectWriter.finish(documentNamed(wanted, 'projects', 'Web Shop'), await writeContext(to));
      expect(writesByRoute(destination)).toEqual({});

      // A channel that does not exist even at the end is an error, and nothing is written.
      const broken = documentNamed(wanted, 'projects', 'Payments API');
      const doc = { ...broken, body: { ...broken.body, ReleaseCreationStrategy: { Channel: 'Nightly' } } };
      await expect(projectWriter.finish(doc, await writeContext(to))).rejects.toThrow(/channel 'Nightly'/);
      expect(writesByRoute(destination)).toEqual({});
    } finally {
      await to.close();
    }
  });

  it('renames and removes channels, moves the default and renames it, writing only those channels', async () => {
    const { destination, to, wanted } = await copySample();
    try {
      const channels = (name: string) => documentNamed(wanted, 'channels', name);
      const edit = (name: string, change: (list: JsonObject[]) => JsonObject[]): KindDocument => {
        const doc = channels(name);
        return { ...doc, body: { ...doc.body, Channels: change(doc.body.Channels as JsonObject[]) } };
      };
      // Web Shop: Preview becomes Beta, Hotfix becomes the default.
      const webShop = edit('Web Shop', (list) =>
        list
          .map((c): JsonObject => (c.Name === 'Preview' ? { ...c, Name: 'Beta' } : c))
          .map((c): JsonObject => ({ ...c, IsDefault: c.Name === 'Hotfix' }))
          .sort((a, b) => String(a.Name).localeCompare(String(b.Name))),
      );
      // Payments API: Hotfix is removed, Default renamed Stable (still the default).
      const payments = edit('Payments API', (list) => list.filter((c) => c.Name !== 'Hotfix').map((c) => (c.Name === 'Default' ? { ...c, Name: 'Stable', Description: 'Stable builds.' } : c)));
      // Customer Portal: Early Access becomes the default and the old default goes.
      const portal = edit('Customer Portal', (list) => list.filter((c) => c.Name !== 'Default').map((c) => ({ ...c, IsDefault: true })));

      destination.knobs.resetCounts();
      await to.write([webShop, payments, portal]);
      const live = await to.live();
      expect(writesByRoute(destination)).toEqual({
        // Beta is new; Hotfix (Web Shop) takes the default flag; Stable is the renamed default;
        // Early Access takes the default flag.
        'POST /api/:spaceId/channels': 1,
        'PUT /api/:spaceId/channels/:id': 3,
        // Preview (Web Shop), Hotfix (Payments API), Default (Customer Portal).
        'DELETE /api/:spaceId/channels/:id': 3,
      });
      const after = await to.documents([kind('channels')]);
      for (const doc of [webShop, payments, portal]) expect(documentNamed(after, 'channels', doc.name)).toEqual(doc);
      for (const project of live.projects ?? []) {
        expect((live.channels ?? []).filter((c) => c.ProjectId === project.Id && c.IsDefault === true)).toHaveLength(1);
      }

      destination.knobs.resetCounts();
      await to.write([webShop, payments, portal]);
      expect(writesByRoute(destination)).toEqual({});
    } finally {
      await to.close();
    }
  });

  it('creates the channels of a new project over its automatic default channel', async () => {
    const { destination, to, wanted } = await copySample();
    try {
      const webShop = documentNamed(wanted, 'projects', 'Web Shop');
      const project: KindDocument = { ...webShop, name: 'Web Shop 2', body: { ...webShop.body, Name: 'Web Shop 2', ReleaseCreationStrategy: { Channel: 'Stable' } } };
      const channelsDoc: KindDocument = {
        ...documentNamed(wanted, 'channels', 'Web Shop'),
        name: 'Web Shop 2',
        body: {
          Project: 'Web Shop 2',
          Channels: [
            { Name: 'Hotfix', Lifecycle: 'Hotfix', IsDefault: false, Rules: [], TenantTags: [] },
            { Name: 'Stable', Description: 'Stable releases.', IsDefault: true, Rules: [], TenantTags: [] },
          ],
        },
      };
      destination.knobs.resetCounts();
      await projectWriter.create(project, await writeContext(to));
      await kind('channels').writer?.create(channelsDoc, await writeContext(to));
      await projectWriter.finish(project, await writeContext(to));
      expect(writesByRoute(destination)).toEqual({
        'POST /api/:spaceId/projects': 1,
        // The automatic Default channel renamed Stable, and Hotfix.
        'PUT /api/:spaceId/channels/:id': 1,
        'POST /api/:spaceId/channels': 1,
        // The release-creation channel, once it exists.
        'PUT /api/:spaceId/projects/:id': 1,
      });
      const after = await to.documents([kind('projects'), kind('channels')]);
      expect(documentNamed(after, 'channels', 'Web Shop 2').body).toEqual(channelsDoc.body);
      expect(documentNamed(after, 'projects', 'Web Shop 2').body).toEqual(project.body);
    } finally {
      await to.close();
    }
  });

  it('updates tenant variables alone, keeping secrets the overlay does not supply', async () => {
    const { destination, to, wanted } = await copySample();
    try {
      const secrets = destination.instance.store.secretValues().sort();
      const acme = documentNamed(wanted, 'tenants', 'Acme Corp');
      const variables = structuredClone(acme.body.Variables) as { Projects: Record<string, JsonObject> };
      const portal = variables.Projects['Customer Portal'] as JsonObject;
      // Production gets a value of its own; the other environments keep theirs.
      const others = entriesOf(portal['Portal.MaxUsers']).map((entry) => ({ ...entry, Environments: (entry.Environments ?? []).filter((e) => e !== 'Production') }));
      portal['Portal.MaxUsers'] = [...others.filter((entry) => entry.Environments.length > 0), { Value: '75', Environments: ['Production'] }] as JsonObject[];
      const changed: KindDocument = { ...acme, body: { ...acme.body, Variables: variables as unknown as JsonObject } };

      destination.knobs.resetCounts();
      await to.write([changed]); // secrets as markers: the destination keeps its values
      expect(writesByRoute(destination)).toEqual({ 'PUT /api/:spaceId/tenants/:id/projectvariables': 1 }); // only the kind of values that changed
      expect(documentNamed(await to.documents([kind('tenants')]), 'tenants', 'Acme Corp')).toEqual(changed);
      expect(destination.instance.store.secretValues().sort()).toEqual(secrets);

      // A secret whose overlay value changed: apply supplies it, and the variables are written.
      const slot = secretSlots(changed.body).find((candidate) => candidate.path.endsWith('Portal.LicenseKey[Production].Value'));
      expect(slot).toBeDefined();
      const rotated = { ...changed, body: setAtPointer(changed.body, slot?.pointer ?? '', { HasValue: true, NewValue: 'rotated-license' }) };
      destination.knobs.resetCounts();
      await to.write([rotated]);
      expect(writesByRoute(destination)).toEqual({ 'PUT /api/:spaceId/tenants/:id/projectvariables': 1 }); // only the kind of values that changed
      expect(destination.instance.store.secretValues()).toContain('rotated-license');
      expect(destination.instance.store.secretValues()).not.toContain(secretOf(acme, slot?.pointer ?? ''));
      expect(documentNamed(await to.documents([kind('tenants')]), 'tenants', 'Acme Corp')).toEqual(changed);

      // The tenant's own fields alone: no variables write.
      const described: KindDocument = { ...changed, body: { ...changed.body, Description: 'Our first and best customer.' } };
      destination.knobs.resetCounts();
      await to.write([described]);
      expect(writesByRoute(destination)).toEqual({ 'PUT /api/:spaceId/tenants/:id': 1 });
      expect(documentNamed(await to.documents([kind('tenants')]), 'tenants', 'Acme Corp')).toEqual(described);
    } finally {
      await to.close();
    }
  });

  it('keeps the members of a team in the destination and updates a scoped role in place', async () => {
    const { destination, to, wanted } = await copySample();
    try {
      const live = await to.live();
      const developers = (live.teams ?? []).find((team) => team.Name === 'Developers') as JsonObject;
      const adminId = String((await to.client.get<JsonObject>('/api/users/me')).Id);
      await to.client.put(spacePath(SPACE, 'teams', String(developers.Id)), { ...developers, MemberUserIds: [adminId] });

      const doc = documentNamed(wanted, 'teams', 'Developers');
      const roles = (doc.body.UserRoles as JsonObject[]).map((role) => (role.UserRole === 'Project deployer' ? { ...role, Environments: ['Dev'] } : role));
      const changed: KindDocument = { ...doc, body: { ...doc.body, Description: 'Developers of every application.', UserRoles: roles } };
      destination.knobs.resetCounts();
      await to.write([changed]);
      expect(writesByRoute(destination)).toEqual({ 'PUT /api/:spaceId/teams/:id': 1, 'PUT /api/:spaceId/scopeduserroles/:id': 1 });
      expect(documentNamed(await to.documents([kind('teams')]), 'teams', 'Developers')).toEqual(changed);
      const team = await to.client.get<JsonObject>(spacePath(SPACE, 'teams', String(developers.Id)));
      expect(team.MemberUserIds).toEqual([adminId]);

      // A role given up and another taken: one DELETE, one POST.
      const swapped: KindDocument = { ...changed, body: { ...changed.body, UserRoles: [...roles.filter((role) => role.UserRole !== 'Runbook consumer'), { UserRole: 'Tenant viewer' }] } };
      destination.knobs.resetCounts();
      await to.write([swapped]);
      expect(writesByRoute(destination)).toEqual({ 'POST /api/:spaceId/scopeduserroles': 1, 'DELETE /api/:spaceId/scopeduserroles/:id': 1 });
      const roleOrder = (d: KindDocument) => (d.body.UserRoles as JsonObject[]).map((role) => String(role.UserRole)).sort();
      const reread = documentNamed(await to.documents([kind('teams')]), 'teams', 'Developers');
      expect(roleOrder(reread)).toEqual(roleOrder(swapped));
    } finally {
      await to.close();
    }
  });

  it('fails on unresolved names before writing anything', async () => {
    const { destination, to, wanted } = await copySample();
    try {
      const project = documentNamed(wanted, 'projects', 'Web Shop');
      const channelsDoc = documentNamed(wanted, 'channels', 'Web Shop');
      const tenant = documentNamed(wanted, 'tenants', 'Acme Corp');
      const team = documentNamed(wanted, 'teams', 'Developers');
      const variables = structuredClone(tenant.body.Variables) as { LibraryVariableSets: Record<string, Record<string, unknown>> };
      variables.LibraryVariableSets['Common Settings'] = { ...variables.LibraryVariableSets['Common Settings'], 'Customer.Nickname': 'ACME' };
      const broken: [string, KindDocument, RegExp][] = [
        ['a new project in a missing group', { ...project, name: 'Web Shop 2', body: { ...project.body, Name: 'Web Shop 2', ProjectGroup: 'Nowhere' } }, /project group 'Nowhere'/],
        ['a project update with a missing lifecycle', { ...project, body: { ...project.body, Lifecycle: 'Nope' } }, /lifecycle 'Nope'/],
        [
          'a channel with a missing lifecycle',
          { ...channelsDoc, body: { ...channelsDoc.body, Channels: [...(channelsDoc.body.Channels as JsonObject[]), { Name: 'Zeta', IsDefault: false, Lifecycle: 'Nope', Rules: [], TenantTags: [] }] } },
          /lifecycle 'Nope'/,
        ],
        ['a new tenant with a value for a missing template', { ...tenant, name: 'Acme 2', body: { ...tenant.body, Name: 'Acme 2', Variables: variables as unknown as JsonObject } }, /template 'Customer.Nickname'/],
        ['a new tenant with a secret no one supplies', { ...tenant, name: 'Acme 3', body: { ...tenant.body, Name: 'Acme 3' } }, /secret the destination does not hold/],
        ['a tenant connected to a missing environment', { ...tenant, body: { ...tenant.body, ProjectEnvironments: { 'Customer Portal': ['Mars'] } } }, /environment 'Mars'/],
        ['a new team with a missing user role', { ...team, name: 'Ops', body: { ...team.body, Name: 'Ops', UserRoles: [{ UserRole: 'Chief of everything' }] } }, /user role 'Chief of everything'/],
        ['a team role scoped to a missing tenant', { ...team, body: { ...team.body, UserRoles: [{ UserRole: 'Tenant viewer', Tenants: ['Nobody'] }] } }, /tenant 'Nobody'/],
      ];
      for (const [what, doc, message] of broken) {
        destination.knobs.resetCounts();
        const failure = to.write([doc]);
        await expect(failure, what).rejects.toBeInstanceOf(WriteError);
        await expect(failure, what).rejects.toThrow(message);
        expect(writesByRoute(destination), what).toEqual({});
      }
      expect(writesTo(destination, 'tenants')).toEqual({});
    } finally {
      await to.close();
    }
  });

  it('removes projects, their channels, tenants and teams', async () => {
    const { to, wanted } = await copySample();
    try {
      const remove = async (doc: KindDocument) => kind(doc.kind).writer?.remove(doc, await writeContext(to));
      await remove(documentNamed(wanted, 'teams', 'Customer Success'));
      await remove(documentNamed(wanted, 'tenants', 'Initech'));
      await remove(documentNamed(wanted, 'channels', 'Web Shop'));
      await remove(documentNamed(wanted, 'projects', 'Payments API'));
      // The channels of a project that is gone: nothing to do.
      await remove(documentNamed(wanted, 'channels', 'Payments API'));
      const after = await to.documents(MINE);
      expect(after.find((doc) => doc.kind === 'teams' && doc.name === 'Customer Success')).toBeUndefined();
      expect(after.find((doc) => doc.kind === 'tenants' && doc.name === 'Initech')).toBeUndefined();
      expect(after.filter((doc) => doc.name === 'Payments API')).toEqual([]);
      const webShop = documentNamed(after, 'channels', 'Web Shop');
      expect((webShop.body.Channels as JsonObject[]).map((c) => c.Name)).toEqual(['Default']);
    } finally {
      await to.close();
    }
  });
});
