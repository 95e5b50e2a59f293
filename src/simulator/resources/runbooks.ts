import type { ResourceDef } from '../resource-def.js';
import { checkOneOf, ref, TENANTED_MODES } from './common.js';
import { createProcess, deleteProcess } from './processes.js';
import { refusedInDatabase } from './version-control.js';
import { runbooksInGit } from './version-control-runbooks.js';

// A runbook owns its process `RunbookProcess-Runbooks-N`. Names are unique within the project.
export const runbooks: ResourceDef = {
  collection: 'runbooks',
  idPrefix: 'Runbooks',
  itemType: 'Runbook',
  scope: 'space',
  slug: true,
  uniqueName: false,
  required: ['Name', 'ProjectId'],
  createOnly: ['ProjectId'],
  serverManaged: ['RunbookProcessId', 'PublishedRunbookSnapshotId'],
  defaults: () => ({
    Name: '',
    Description: null,
    ProjectId: null,
    MultiTenancyMode: 'Untenanted',
    EnvironmentScope: 'All',
    Environments: [],
    DefaultGuidedFailureMode: 'EnvironmentDefault',
    ConnectivityPolicy: { SkipMachineBehavior: 'None', TargetRoles: [], AllowDeploymentsToNoTargets: true, ExcludeUnhealthyTargets: false },
    RunRetentionPolicy: { QuantityToKeep: 100, ShouldKeepForever: false, Unit: 'Items', Strategy: 'Default' },
    PublishedRunbookSnapshotId: null,
    // 2026 reference fields (defaults inferred: off, no tags).
    ForcePackageDownload: false,
    FailTargetDiscovery: false,
    CancelQueuedTasks: false,
    CancelRunningTasks: false,
    RunbookTags: [],
  }),
  references: [ref('ProjectId', 'projects'), ref('Environments', 'environments')],
  filters: { projectIds: (doc, value) => value.split(',').some((id) => id.toLowerCase() === String(doc.ProjectId).toLowerCase()) },
  validate: (doc, ctx) => {
    // A project whose runbooks are in Git takes them only through the git-ref routes (Issues#9249).
    if (runbooksInGit(ctx.instance.find('projects', ctx.spaceId, String(doc.ProjectId)))) throw refusedInDatabase();
    const errors = [
      ...checkOneOf(doc, 'MultiTenancyMode', TENANTED_MODES),
      ...checkOneOf(doc, 'EnvironmentScope', ['All', 'Specified', 'FromProjectLifecycles']),
    ];
    const clash = ctx.instance
      .visibleWhere('runbooks', ctx.spaceId, 'ProjectId', doc.ProjectId)
      .find((r) => r.ProjectId === doc.ProjectId && r.Id !== doc.Id && String(r.Name).toLowerCase() === String(doc.Name).toLowerCase());
    if (clash) errors.push(`The name '${String(doc.Name)}' is already in use by another runbook in this project. Please choose a different name.`);
    return errors;
  },
  prepare: (doc) => {
    doc.RunbookProcessId = `RunbookProcess-${doc.Id}`;
    if (doc.RunRetentionPolicy && typeof doc.RunRetentionPolicy === 'object') doc.RunRetentionPolicy = { Strategy: 'Default', ...(doc.RunRetentionPolicy as object) };
  },
  afterCreate: (doc, ctx) =>
    createProcess(ctx.instance, 'runbookProcesses', String(doc.RunbookProcessId), { ProjectId: doc.ProjectId, RunbookId: doc.Id }, ctx.spaceId),
  beforeDelete: (doc, ctx) => deleteProcess(ctx.instance, 'runbookProcesses', String(doc.RunbookProcessId)),
  relatedIds: (doc) => [String(doc.ProjectId)],
  links: (doc) => {
    const project = `/api/${String(doc.SpaceId)}/projects/${String(doc.ProjectId)}`;
    return { Project: project, RunbookProcesses: `${project}/runbookProcesses/${String(doc.RunbookProcessId)}` };
  },
};
