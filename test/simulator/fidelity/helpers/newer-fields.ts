// Fields a response may carry beyond the 2021.2 swagger definitions, each with where real
// servers are documented to send it. Extra fields are allowed (newer servers add them), but a
// field the simulator invents or misspells would pass type validation unnoticed, so every extra
// field must be listed here.
//
// Sources: OctopusClients = OctopusDeploy/OctopusClients @ 26802a14,
// source/Octopus.Server.Client/Model/<file>.cs (API-NOTES.md [S6]); docs 2026 =
// OctopusDeploy/docs src/pages/docs/api/_generated/<tag>.md (API-NOTES.md [S3]).

const SLUG = 'Slug: OctopusClients IHaveSlugResource on this resource; API-NOTES §2 ("Many resources have Slug")';

/** Fields of a feed's subtype (OctopusClients NuGetFeedResource, DockerFeedResource, ..., BuiltInFeedResource). */
const FEED_SUBTYPE_FIELDS = [
  'FeedUri', 'Username', 'Password', 'DownloadAttempts', 'DownloadRetryBackoffSeconds', 'EnhancedMode', 'ApiVersion', 'RegistryPath',
  'Region', 'AccessKey', 'SecretKey', 'UseMachineCredentials', 'OidcAuthentication',
  'DeleteUnreleasedPackagesAfterDays', 'IsBuiltInRepoSyncEnabled', 'DeletePackagesAssociatedWithReleases',
];

/** Fields of an account's subtype (OctopusClients Model/Accounts/*AccountResource.cs). */
const ACCOUNT_SUBTYPE_FIELDS = [
  'Username', 'Password', 'Token', 'AccessKey', 'SecretKey', 'Region', 'SubscriptionNumber', 'ClientId', 'TenantId', 'AzureEnvironment',
  'ResourceManagementEndpointBaseUri', 'ActiveDirectoryEndpointBaseUri', 'PrivateKeyFile', 'PrivateKeyPassphrase', 'JsonKey', 'Audience',
  'DeploymentSubjectKeys', 'HealthCheckSubjectKeys', 'AccountTestSubjectKeys',
];

/** Fields of a Tentacle endpoint (OctopusClients Endpoints/TentacleEndpointResource.cs, ListeningTentacleEndpointResource.cs). */
const TENTACLE_ENDPOINT_FIELDS = ['Uri', 'Thumbprint', 'ProxyId', 'TentacleVersionDetails', 'CertificateSignatureAlgorithm'];

export const DOCUMENTED_NEWER_FIELDS: Record<string, string> = {
  ...Object.fromEntries(
    [
      'AccountResource', 'ChannelResource', 'DeploymentTargetResource', 'EnvironmentResource', 'FeedResource', 'LifecycleResource',
      'ProjectGroupResource', 'RunbookResource', 'SpaceResource', 'TeamResource', 'TenantResource', 'WorkerPoolResource', 'WorkerResource',
    ].map((definition) => [`${definition}.Slug`, SLUG]),
  ),
  'DeploymentStepResource.Slug': 'OctopusClients DeploymentStepResource.cs; API-NOTES §2.17 (+2026)',
  'DeploymentActionResource.Slug': 'OctopusClients DeploymentActionResource.cs; API-NOTES §2.17; hand-added to the 2020.5 go-octopusdeploy swagger',
  'DeploymentActionResource.GitDependencies': 'OctopusClients DeploymentActionResource.cs',
  'DeploymentActionResource.StepPackageVersion': 'OctopusClients DeploymentActionResource.cs',
  'DeploymentActionResource.Inputs': 'OctopusClients DeploymentActionResource.cs',
  'EnvironmentResource.EnvironmentTags': 'OctopusClients EnvironmentResource.cs; API-NOTES §2.2 (+2026)',
  'SpaceResource.IsPrivate': 'OctopusClients SpaceResource.cs; API-NOTES §2.1 (+2026)',
  'SpaceResource.Icon': 'OctopusClients SpaceResource.cs; API-NOTES §2.1 (+2026)',
  'TenantResource.IsDisabled': 'OctopusClients TenantResource.cs; API-NOTES §2.12',
  'TenantResource.Icon': 'OctopusClients TenantResource.cs; API-NOTES §2.12',
  'ChannelResource.GitReferenceRules': 'OctopusClients ChannelResource.cs; API-NOTES §2.16',
  'ChannelResource.GitResourceRules': 'OctopusClients ChannelResource.cs; API-NOTES §2.16',
  'WorkerPoolResource.WorkerType': 'dynamic worker pools: go-octopusdeploy pkg/workerpools/dynamic_worker_pool.go; API-NOTES §2.3',
  'RunbookRetentionPeriod.Unit': 'OctopusClients RunbookRetentionPolicy.cs; API-NOTES §2.18',
  'ReleaseCreationStrategyResource.ReleaseCreationPackageStepId': 'recorded real response fixtures/octopus-2018.11.2/project.json',
  'VersioningStrategyResource.DonorPackageStepId': 'recorded real response fixtures/octopus-2018.11.2/project.json',
  // 2026 fields (reference-2026/<page>), each compared with its documented type by reference-2026.test.ts.
  'ActionTemplateResource.GitDependencies': 'docs 2026 action-templates.md (compared field by field in reference-2026.test.ts)',
  'ChannelResource.AutomaticEphemeralEnvironmentDeployments': 'docs 2026 channels.md (compared field by field in reference-2026.test.ts)',
  'ChannelResource.CustomFieldDefinitions': 'docs 2026 channels.md (compared field by field in reference-2026.test.ts)',
  'ChannelResource.EphemeralEnvironmentNameTemplate': 'docs 2026 channels.md (compared field by field in reference-2026.test.ts)',
  'ChannelResource.ParentEnvironmentId': 'docs 2026 channels.md (compared field by field in reference-2026.test.ts)',
  'ChannelResource.Type': 'docs 2026 channels.md (compared field by field in reference-2026.test.ts)',
  'ChannelVersionRuleResource.VersionTagRegex': 'docs 2026 channels.md (compared field by field in reference-2026.test.ts)',
  'ChannelVersionRuleResource.VersioningStrategy': 'docs 2026 channels.md (compared field by field in reference-2026.test.ts)',
  'DeploymentStepResource.Type': 'docs 2026 deployment-processes.md (compared field by field in reference-2026.test.ts)',
  'LibraryVariableSetResource.Version': 'docs 2026 library-variable-sets.md (compared field by field in reference-2026.test.ts)',
  'MachinePolicyResource.MachinePackageCacheRetentionPolicy': 'docs 2026 machine-policies.md (compared field by field in reference-2026.test.ts)',
  'MachinePolicyResource.MachineRpcCallRetryPolicy': 'docs 2026 machine-policies.md (compared field by field in reference-2026.test.ts)',
  'MachineUpdatePolicy.KubernetesAgentUpdateBehavior': 'docs 2026 machine-policies.md (compared field by field in reference-2026.test.ts)',
  'PackageReference.StepPackageInputsReferenceId': 'docs 2026 action-templates.md (compared field by field in reference-2026.test.ts)',
  'PackageReference.Version': 'docs 2026 action-templates.md (compared field by field in reference-2026.test.ts)',
  'PhaseResource.IsPriorityPhase': 'docs 2026 lifecycles.md (compared field by field in reference-2026.test.ts)',
  'ProjectResource.AllowIgnoreChannelRules': 'docs 2026 projects.md (compared field by field in reference-2026.test.ts)',
  'ProjectResource.CombineHealthAndSyncStatusInDashboardLiveStatus': 'docs 2026 projects.md (compared field by field in reference-2026.test.ts)',
  'ProjectResource.DefaultPowerShellEdition': 'docs 2026 projects.md (compared field by field in reference-2026.test.ts)',
  'ProjectResource.DeprovisioningRunbookId': 'docs 2026 projects.md (compared field by field in reference-2026.test.ts)',
  'ProjectResource.ExecuteDeploymentsOnEventBasedPipeline': 'docs 2026 projects.md (compared field by field in reference-2026.test.ts)',
  'ProjectResource.ForcePackageDownload': 'docs 2026 projects.md (compared field by field in reference-2026.test.ts)',
  'ProjectResource.Icon': 'docs 2026 projects.md (compared field by field in reference-2026.test.ts)',
  'ProjectResource.IsBadgesEnabled': 'docs 2026 projects.md (compared field by field in reference-2026.test.ts)',
  'ProjectResource.ProjectTags': 'docs 2026 projects.md (compared field by field in reference-2026.test.ts)',
  'ProjectResource.ProjectTemplateDetails': 'docs 2026 projects.md (compared field by field in reference-2026.test.ts)',
  'ProjectResource.ProvisioningRunbookId': 'docs 2026 projects.md (compared field by field in reference-2026.test.ts)',
  'PersistenceSettingsResource.BasePath': 'a version-controlled project: docs 2026 projects.md (POST /projects/{projectId}/git/convert, VersionControlSettings; GitPersistenceSettings of OctopusClients)',
  'PersistenceSettingsResource.ConversionState': 'a version-controlled project: docs 2026 projects.md (POST /projects/{projectId}/git/convert, VersionControlSettings; GitPersistenceSettings of OctopusClients)',
  'PersistenceSettingsResource.Credentials': 'a version-controlled project: docs 2026 projects.md (POST /projects/{projectId}/git/convert, VersionControlSettings; GitPersistenceSettings of OctopusClients)',
  'PersistenceSettingsResource.DefaultBranch': 'a version-controlled project: docs 2026 projects.md (POST /projects/{projectId}/git/convert, VersionControlSettings; GitPersistenceSettings of OctopusClients)',
  'PersistenceSettingsResource.ProtectedBranchNamePatterns': 'a version-controlled project: docs 2026 projects.md (POST /projects/{projectId}/git/convert, VersionControlSettings; GitPersistenceSettings of OctopusClients)',
  'PersistenceSettingsResource.ProtectedDefaultBranch': 'a version-controlled project: docs 2026 projects.md (POST /projects/{projectId}/git/convert, VersionControlSettings; GitPersistenceSettings of OctopusClients)',
  'PersistenceSettingsResource.Url': 'a version-controlled project: docs 2026 projects.md (POST /projects/{projectId}/git/convert, VersionControlSettings; GitPersistenceSettings of OctopusClients)',
  'RetentionPeriod.Strategy': 'docs 2026 lifecycles.md (compared field by field in reference-2026.test.ts)',
  'RunbookResource.CancelQueuedTasks': 'docs 2026 runbooks.md (compared field by field in reference-2026.test.ts)',
  'RunbookResource.CancelRunningTasks': 'docs 2026 runbooks.md (compared field by field in reference-2026.test.ts)',
  'RunbookResource.FailTargetDiscovery': 'docs 2026 runbooks.md (compared field by field in reference-2026.test.ts)',
  'RunbookResource.ForcePackageDownload': 'docs 2026 runbooks.md (compared field by field in reference-2026.test.ts)',
  'RunbookResource.RunbookTags': 'docs 2026 runbooks.md (compared field by field in reference-2026.test.ts)',
  'RunbookRetentionPeriod.Strategy': 'docs 2026 runbooks.md (compared field by field in reference-2026.test.ts)',
  'SpaceResource.ExtensionSettings': 'docs 2026 spaces.md (compared field by field in reference-2026.test.ts)',
  'TagSetResource.IsSystem': 'docs 2026 tag-sets.md (compared field by field in reference-2026.test.ts)',
  'TagSetResource.Scopes': 'docs 2026 tag-sets.md (compared field by field in reference-2026.test.ts)',
  'TagSetResource.Type': 'docs 2026 tag-sets.md (compared field by field in reference-2026.test.ts)',
  'TenantResource.CustomFields': 'docs 2026 tenants.md (compared field by field in reference-2026.test.ts)',
  'TenantVariableResource.ConcurrencyToken': 'docs 2026 tenants.md (compared field by field in reference-2026.test.ts)',
  'VariableScopeValues.EnvironmentParameters': 'docs 2026 variables.md (compared field by field in reference-2026.test.ts)',
  'VariableScopeValues.ProcessTemplateSteps': 'docs 2026 variables.md (compared field by field in reference-2026.test.ts)',
  'VariableScopeValues.TargetTagParameters': 'docs 2026 variables.md (compared field by field in reference-2026.test.ts)',
  'VariableScopeValues.TenantTagParameters': 'docs 2026 variables.md (compared field by field in reference-2026.test.ts)',
  ...Object.fromEntries(FEED_SUBTYPE_FIELDS.map((field) => [`FeedResource.${field}`, 'feed subtype field: OctopusClients *FeedResource.cs; API-NOTES §2.6'])),
  ...Object.fromEntries(ACCOUNT_SUBTYPE_FIELDS.map((field) => [`AccountResource.${field}`, 'account subtype field: OctopusClients Accounts/*.cs; API-NOTES §2.19'])),
  ...Object.fromEntries(TENTACLE_ENDPOINT_FIELDS.map((field) => [`EndpointResource.${field}`, 'endpoint subtype field: OctopusClients Endpoints/*.cs'])),
};

/** `IsStale` on collection envelopes: OctopusClients ResourceCollection.cs; fixtures/collection-machine-tasks-skip0.json. */
export function isDocumentedNewerField(field: string): boolean {
  return field in DOCUMENTED_NEWER_FIELDS || /^\w+ResourceCollection\.IsStale$/.test(field);
}

/**
 * Extra fields the simulator sends that no source shows a real server sending, kept here only
 * because changing them is not this test's call; each is reported. The test asserts they still
 * occur, so fixing one fails it until the entry is removed.
 */
export const KNOWN_UNDOCUMENTED_FIELDS: Record<string, string> = {
  'EventResource.AutoId':
    'Not in the 2021 swagger, OctopusClients EventResource.cs or the 2026 events reference (which has fromAutoId/toAutoId filters but no AutoId field). ' +
    'test/simulator/api.test.ts reads it from responses, so removing it from handlers/events.ts needs that test changed too.',
};
