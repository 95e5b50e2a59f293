import type { ResourceDef } from '../resource-def.js';
import { ref } from './common.js';

// Releases are never synced by octosync: the simulator serves them read-mostly (seeded, listed,
// deleted) so tests can prove octosync never writes one.
export const releases: ResourceDef = {
  collection: 'releases',
  idPrefix: 'Releases',
  itemType: 'Release',
  scope: 'space',
  sortBy: 'Id',
  uniqueName: false,
  required: ['Version', 'ProjectId', 'ChannelId'],
  defaults: () => ({
    Version: '',
    ProjectId: null,
    ChannelId: null,
    ReleaseNotes: null,
    Assembled: null,
    IgnoreChannelRules: false,
    SelectedPackages: [],
    BuildInformation: [],
    LibraryVariableSetSnapshotIds: [],
    ProjectDeploymentProcessSnapshotId: null,
    ProjectVariableSetSnapshotId: null,
  }),
  references: [ref('ProjectId', 'projects'), ref('ChannelId', 'channels')],
  filters: { projectId: (doc, value) => String(doc.ProjectId).toLowerCase() === value.toLowerCase() },
  prepare: (doc, ctx) => {
    doc.Assembled = doc.Assembled ?? ctx.instance.store.now().toISOString();
  },
  relatedIds: (doc) => [String(doc.ProjectId)],
};
