import type { ResourceDef } from '../resource-def.js';
import { applySensitiveDefaults } from './properties.js';
import { assignIds, checkOneOf, checkTags, ref, templateDefaults, TENANTED_MODES } from './common.js';
import { createProcess, deleteProcess } from './processes.js';
import { checkStepReferences, ownProcessSteps } from './project-step-references.js';
import { connections } from './tenants.js';
import { createVariableSet, deleteVariableSet } from './variable-sets.js';
import { checkPersistence, isVersionControlled, preparePersistence, variablesInGit } from './version-control.js';
import { runbooksInGit } from './version-control-runbooks.js';

// A project owns a variable set (`variableset-Projects-N`), a deployment process
// (`deploymentprocess-Projects-N`) and, from birth, a `Default` channel. Deleting it deletes
// what it owns and its tenant connections.
export const projects: ResourceDef = {
  collection: 'projects',
  idPrefix: 'Projects',
  itemType: 'Project',
  scope: 'space',
  slug: true,
  required: ['Name', 'ProjectGroupId', 'LifecycleId'],
  createOnly: ['ClonedFromProjectId'],
  serverManaged: ['VariableSetId', 'DeploymentProcessId', 'AutoDeployReleaseOverrides', 'IsVersionControlled'],
  defaults: () => ({
    Name: '',
    Description: null,
    IsDisabled: false,
    ProjectGroupId: null,
    LifecycleId: null,
    IncludedLibraryVariableSetIds: [],
    DefaultGuidedFailureMode: 'EnvironmentDefault',
    DefaultToSkipIfAlreadyInstalled: false,
    DiscreteChannelRelease: false,
    TenantedDeploymentMode: 'Untenanted',
    AutoCreateRelease: false,
    AutoDeployReleaseOverrides: [],
    ReleaseCreationStrategy: { ChannelId: null, ReleaseCreationPackage: null, ReleaseCreationPackageStepId: null },
    VersioningStrategy: { Template: '#{Octopus.Version.LastMajor}.#{Octopus.Version.LastMinor}.#{Octopus.Version.NextPatch}', DonorPackage: null, DonorPackageStepId: null },
    ProjectConnectivityPolicy: { SkipMachineBehavior: 'None', TargetRoles: [], AllowDeploymentsToNoTargets: false, ExcludeUnhealthyTargets: false },
    Templates: [],
    ReleaseNotesTemplate: null,
    DeploymentChangesTemplate: null,
    ClonedFromProjectId: null,
    ExtensionSettings: [],
    IsVersionControlled: false,
    PersistenceSettings: { Type: 'Database' },
    // 2026 reference fields; the defaults are a new project's (inferred).
    AllowIgnoreChannelRules: false,
    CombineHealthAndSyncStatusInDashboardLiveStatus: false,
    DefaultPowerShellEdition: 'WindowsPowerShell',
    ExecuteDeploymentsOnEventBasedPipeline: false,
    ForcePackageDownload: false,
    IsBadgesEnabled: false,
    Icon: null,
    ProjectTags: [],
    ProjectTemplateDetails: null,
    ProvisioningRunbookId: null,
    DeprovisioningRunbookId: null,
  }),
  references: [
    ref('ProjectGroupId', 'projectgroups'),
    ref('LifecycleId', 'lifecycles'),
    ref('IncludedLibraryVariableSetIds', 'libraryvariablesets'),
    { field: 'ReleaseCreationStrategy.ChannelId', collection: 'channels', ids: (doc) => [(doc.ReleaseCreationStrategy as { ChannelId?: unknown } | null)?.ChannelId] },
    ref('ProvisioningRunbookId', 'runbooks'),
    ref('DeprovisioningRunbookId', 'runbooks'),
  ],
  validate: (doc, ctx) => [
    ...checkOneOf(doc, 'TenantedDeploymentMode', TENANTED_MODES),
    ...checkOneOf(doc, 'DefaultPowerShellEdition', ['WindowsPowerShell', 'Core']),
    ...checkTags(ctx.instance, ctx.spaceId, doc.ProjectTags, 'ProjectTags', 'Project'),
    ...checkOneOf(doc, 'DefaultGuidedFailureMode', ['EnvironmentDefault', 'Off', 'On']),
    ...checkPersistence(doc, ctx),
    // A new project's process is empty: it cannot name a step yet.
    ...checkStepReferences(doc, ctx.previous ? ownProcessSteps(ctx.instance.find('deploymentprocesses', ctx.spaceId, `deploymentprocess-${doc.Id}`)) : []),
  ],
  prepare: (doc, ctx) => {
    doc.VariableSetId = `variableset-${doc.Id}`;
    doc.DeploymentProcessId = `deploymentprocess-${doc.Id}`;
    preparePersistence(doc, ctx);
    assignIds(doc.Templates);
    templateDefaults(doc.Templates);
    applySensitiveDefaults(ctx.instance.store, `${doc.Id}:Templates`, doc.Templates, ctx.previous?.Templates);
  },
  afterCreate: (doc, ctx) => {
    createVariableSet(ctx.instance, doc, ctx.spaceId);
    createProcess(ctx.instance, 'deploymentprocesses', String(doc.DeploymentProcessId), { ProjectId: doc.Id }, ctx.spaceId);
    ctx.instance.create('channels', ctx.spaceId, { Name: 'Default', ProjectId: doc.Id, IsDefault: true });
  },
  beforeDelete: (doc, ctx) => {
    const { instance, spaceId } = ctx;
    for (const runbook of instance.visible('runbooks', spaceId).filter((r) => r.ProjectId === doc.Id)) instance.remove('runbooks', spaceId, runbook.Id);
    for (const release of instance.visible('releases', spaceId).filter((r) => r.ProjectId === doc.Id)) instance.store.remove('releases', release.Id);
    for (const channel of instance.visible('channels', spaceId).filter((c) => c.ProjectId === doc.Id)) instance.store.remove('channels', channel.Id);
    deleteProcess(instance, 'deploymentprocesses', String(doc.DeploymentProcessId));
    deleteVariableSet(instance, String(doc.VariableSetId));
    for (const tenant of instance.visible('tenants', spaceId)) {
      const projectEnvironments = connections(tenant);
      if (doc.Id in projectEnvironments) {
        const rest = { ...projectEnvironments };
        delete rest[doc.Id];
        tenant.ProjectEnvironments = rest;
      }
    }
  },
  links: (doc, self) => {
    const space = `/api/${String(doc.SpaceId)}`;
    return {
      Web: `/app#/${String(doc.SpaceId)}/projects/${String(doc.Slug)}`,
      Channels: `${self}/channels{/id}{?skip,take,partialName}`,
      Releases: `${self}/releases{?skip,take}`,
      // Runbooks stored in Git are read at a git ref (the default branch here, as for the process).
      Runbooks: runbooksInGit(doc) ? `${self}/${defaultRef(doc)}/runbooks{?skip,take,partialName}` : `${self}/runbooks{?skip,take,partialName}`,
      Variables: `${space}/variables/${String(doc.VariableSetId)}`,
      ...(isVersionControlled(doc)
        ? {
            // At the default branch (a real server's links template the git ref).
            DeploymentProcess: `${self}/${defaultRef(doc)}/deploymentprocesses`,
            GitRefVariables: `${self}/${defaultRef(doc)}/variables`,
            // Where the database keeps the sensitive variables once the others are in Git (the
            // link OctopusClients' VariableSetRepository follows when `VariablesAreInGit`).
            ...(variablesInGit(doc) ? { SensitiveVariables: `${self}/variables` } : {}),
            Branches: `${self}/git/branches{/name}{?skip,take,searchByName}`,
          }
        : { DeploymentProcess: `${space}/deploymentprocesses/${String(doc.DeploymentProcessId)}` }),
    };
  },
};

function defaultRef(project: Record<string, unknown>): string {
  const settings = project.PersistenceSettings as { DefaultBranch?: unknown } | null;
  return encodeURIComponent(`refs/heads/${String(settings?.DefaultBranch ?? 'main')}`);
}
