import { badRequest } from '../http-error.js';
import type { Instance } from '../instance.js';
import type { ResourceDef } from '../resource-def.js';
import type { Doc } from '../store.js';

// A new space comes with what a fresh Octopus space has: the Default Lifecycle, the Default
// Project Group, the Default Machine Policy, the Default Worker Pool, the built-in package and
// release feeds, and a Space Managers team. In the default space these get the well-known ids
// of a fresh server (`Lifecycles-1`, `feeds-builtin`, ...).
export const spaces: ResourceDef = {
  collection: 'spaces',
  idPrefix: 'Spaces',
  itemType: 'Space',
  scope: 'system',
  slug: true,
  required: ['Name'],
  defaults: () => ({
    Name: '',
    Description: null,
    IsDefault: false,
    IsPrivate: false,
    TaskQueueStopped: false,
    SpaceManagersTeams: [],
    SpaceManagersTeamMembers: [],
    ExtensionSettings: [],
    Icon: null,
  }),
  references: [ref('SpaceManagersTeamMembers', 'users')],
  validate: (doc, ctx) => {
    const others = ctx.instance.visible('spaces', null).filter((s) => s.Id !== doc.Id);
    if (doc.IsDefault === true && others.some((s) => s.IsDefault === true) && ctx.previous?.IsDefault !== true) {
      return ['IsDefault: another space is already the default space.'];
    }
    return [];
  },
  prepare: (doc) => {
    const managers = `teams-spacemanagers-${doc.Id}`;
    const teams = Array.isArray(doc.SpaceManagersTeams) ? (doc.SpaceManagersTeams as string[]) : [];
    doc.SpaceManagersTeams = teams.includes(managers) ? teams : [managers, ...teams];
  },
  afterCreate: (doc, ctx) => initializeSpace(ctx.instance, doc),
  beforeDelete: (doc, ctx) => {
    // Octopus refuses to delete a space whose task queue still runs.
    if (doc.TaskQueueStopped !== true) throw badRequest('The task queue of this space must be stopped before the space can be deleted.');
    if (doc.IsDefault === true) throw badRequest('The default space cannot be deleted.');
    for (const collection of ctx.instance.defs.keys()) {
      for (const owned of ctx.instance.store.list(collection, doc.Id)) ctx.instance.store.remove(collection, owned.Id);
    }
  },
  links: (doc) => ({ SpaceHome: `/api/${doc.Id}`, Web: `/app#/${doc.Id}` }),
};

function ref(field: string, collection: string) {
  return { field, collection, ids: (doc: Doc) => (Array.isArray(doc[field]) ? (doc[field] as unknown[]) : []) };
}

const DEFAULT_MACHINE_POLICY_DESCRIPTION =
  "This policy is automatically applied to machines that are created when no policy is specified.  Any other machine policies will inherit this policy's custom health check scripts unless they specify their own.";

function initializeSpace(instance: Instance, space: Doc): void {
  const spaceId = space.Id;
  const isFirst = instance.store.list('spaces').length === 1;
  // In the first space of a fresh server the built-ins take the ids it gives them; with an id
  // offset they are counted like everything else. Built-in feeds and teams have the same ids on
  // every server.
  const wellKnownIds = isFirst && instance.store.idOffset === 0;
  const id = (wellKnown: string) => (wellKnownIds ? { id: wellKnown } : {});
  // Names, descriptions and settings as a real server's built-ins were recorded
  // (../shared/octopus-api/fixtures/octopus-2018.11.2/{machinepolicy,lifecycle,projectgroup,feed-builtin}.json).
  instance.create('machinepolicies', spaceId, { Name: 'Default Machine Policy', Description: DEFAULT_MACHINE_POLICY_DESCRIPTION, IsDefault: true }, id('MachinePolicies-1'));
  const cloud = instance.settings.flavour === 'cloud';
  instance.create('workerpools', spaceId, { Name: 'Default Worker Pool', IsDefault: !cloud, WorkerPoolType: 'StaticWorkerPool' }, id('WorkerPools-1'));
  if (cloud) {
    // Octopus Cloud spaces come with dynamic worker pools ("Hosted Windows", "Hosted Ubuntu": the
    // names octoterra treats as built in); steps without a pool run on the default one (inferred).
    instance.create('workerpools', spaceId, { Name: 'Hosted Windows', IsDefault: true, WorkerPoolType: 'DynamicWorkerPool', WorkerType: 'WindowsDefault' });
    instance.create('workerpools', spaceId, { Name: 'Hosted Ubuntu', WorkerPoolType: 'DynamicWorkerPool', WorkerType: 'UbuntuDefault' });
  }
  instance.create('lifecycles', spaceId, { Name: 'Default Lifecycle' }, id('Lifecycles-1'));
  instance.create('projectgroups', spaceId, { Name: 'Default Project Group' }, id('ProjectGroups-1'));
  createBuiltInFeed(instance, spaceId, { Name: 'Octopus Server (built-in)', FeedType: 'BuiltIn' }, isFirst ? 'feeds-builtin' : undefined);
  createBuiltInFeed(instance, spaceId, { Name: 'Octopus Server Releases (built-in)', FeedType: 'OctopusProject' }, isFirst ? 'feeds-builtin-releases' : undefined);
  instance.create(
    'teams',
    spaceId,
    { Name: 'Space Managers', Description: 'Members of this team can manage this space.', MemberUserIds: space.SpaceManagersTeamMembers ?? [] },
    { id: `teams-spacemanagers-${spaceId}` },
  );
}

function createBuiltInFeed(instance: Instance, spaceId: string, body: Record<string, unknown>, id?: string): void {
  // Built-in feeds cannot be created through the API; the space brings them.
  const feed: Doc = {
    ...instance.def('feeds').defaults(),
    ...body,
    Id: id ?? instance.store.allocateId('Feeds'),
    SpaceId: spaceId,
    Slug: String(body.Name).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, ''),
  };
  // Acquired by the server only, as recorded (feed-builtin.json: `"PackageAcquisitionLocationOptions": ["Server"]`).
  if (body.FeedType === 'BuiltIn') Object.assign(feed, { PackageAcquisitionLocationOptions: ['Server'], DeleteUnreleasedPackagesAfterDays: 30, DownloadAttempts: 5, DownloadRetryBackoffSeconds: 10, IsBuiltInRepoSyncEnabled: false });
  instance.saveOwned('feeds', feed, 'Created');
}
