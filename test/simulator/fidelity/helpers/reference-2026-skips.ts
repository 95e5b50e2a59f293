// What the reference fidelity test (../reference-2026.test.ts) deliberately does not compare,
// each with why. Operations: octosync neither calls them nor needs the simulator to serve them.
// Fields: where the generated examples show something a server does not send.

const NOT_USED = 'not used by octosync (it never calls it) and not served by the simulator';
const GIT_REF = 'a Config-as-Code route ({gitRef}): version-controlled projects are out of what octosync syncs';
const GIT_RUNBOOKS = 'runbooks stored in Git: compared in version-control-runbooks-2026.test.ts (they need a project whose runbooks are in Git, a git ref and a slug)';
const GIT_CREDENTIALS = 'git credentials are not synced by this simulator version (Config-as-Code support is separate work)';
const LOGO = 'logos are images, never synced';
const RUNS = 'runs, previews, snapshots and release templates belong to deployments, which are never synced';
const INFRASTRUCTURE = 'deployment targets and workers are never synced; the simulator serves only what references to them need';
const V_ROUTES = 'a versioned variant of a route octosync reads in its unversioned form (compared on that form)';

export const SKIPPED: Record<string, string> = {
  // Environments.
  'GET /api/{spaceId}/environments/all/v1': V_ROUTES,
  'GET /api/{spaceId}/environments/v1': V_ROUTES,
  'GET /api/{spaceId}/environments/{id}/v2': V_ROUTES,
  'GET /api/{spaceId}/environments/summary': NOT_USED,
  'GET /api/{spaceId}/environments/summary/v2': NOT_USED,
  'GET /api/{spaceId}/environments/{environmentId}/metadata': NOT_USED,
  'GET /api/{spaceId}/environments/{environmentId}/singlyScopedVariableDetails': NOT_USED,
  'GET /api/{spaceId}/environments/{id}/machines': INFRASTRUCTURE,
  'GET /api/{spaceId}/projects/{projectId}/environments': NOT_USED,
  // Worker pools and machine policies.
  'GET /api/{spaceId}/workerpools/summary': NOT_USED,
  'GET /api/{spaceId}/workerpools/supportedtypes': NOT_USED,
  'GET /api/{spaceId}/workerpools/{id}/workers': INFRASTRUCTURE,
  'GET /api/{spaceId}/machinepolicies/template': NOT_USED,
  'GET /api/{spaceId}/machinepolicies/{id}/machines': INFRASTRUCTURE,
  'GET /api/{spaceId}/machinepolicies/{id}/workers': INFRASTRUCTURE,
  'DELETE /api/{spaceId}/machinepolicies/{id}/v1': V_ROUTES,
  // Certificates.
  'GET /api/certificates/certificate-global': NOT_USED,
  'POST /api/{spaceId}/certificates/generate': NOT_USED,
  'GET /api/{spaceId}/certificates/v2': V_ROUTES,
  'POST /api/{spaceId}/certificates/{id}/archive/v1': NOT_USED,
  'POST /api/{spaceId}/certificates/{id}/unarchive/v1': NOT_USED,
  'GET /api/{spaceId}/certificates/{id}/export': 'exports the certificate data, a secret octosync never reads',
  'POST /api/{spaceId}/certificates/{id}/replace': NOT_USED,
  'GET /api/{spaceId}/certificates/{id}/usages': NOT_USED,
  'GET /api/configuration/certificates': 'server certificates, not a space resource',
  'GET /api/configuration/certificates/{id}': 'server certificates, not a space resource',
  'GET /api/configuration/certificates/{id}/public-cer': 'server certificates, not a space resource',
  // Feeds.
  'GET /api/{spaceId}/feeds/stats': NOT_USED,
  'GET /api/{spaceId}/feeds/{id}/packages/search': 'packages are never synced',
  'GET /api/{spaceId}/feeds/{id}/packages/versions': 'packages are never synced',
  // Lifecycles.
  'GET /api/{spaceId}/lifecycles/previews': NOT_USED,
  'GET /api/{spaceId}/lifecycles/{id}/preview': NOT_USED,
  'GET /api/{spaceId}/lifecycles/{id}/projects': NOT_USED,
  'DELETE /api/{spaceId}/lifecycles/{id}': 'its documented response is a task; octosync deletes lifecycles only with prune and reads no body',
  // Library variable sets.
  'GET /api/{spaceId}/libraryvariablesets/all/v1': V_ROUTES,
  'POST /api/{spaceId}/libraryvariablesets/all/v1': V_ROUTES,
  'POST /api/spaces/{spaceIdentifier}/libraryvariablesets/all/v1': V_ROUTES,
  'GET /api/{spaceId}/libraryvariablesets/{id}/usages': NOT_USED,
  // Step templates.
  'DELETE /api/{spaceId}/actionTemplates/{id}/v1': V_ROUTES,
  'GET /api/{spaceId}/actiontemplates/categories': NOT_USED,
  'GET /api/{spaceId}/actiontemplates/search': NOT_USED,
  'POST /api/{spaceId}/actiontemplates/{id}/actionsUpdate': 'updates the steps using a template: a change to processes octosync makes itself',
  'POST /api/{spaceId}/actiontemplates/{id}/actionsUpdate/bulk': 'updates the steps using a template: a change to processes octosync makes itself',
  'GET /api/{spaceId}/actiontemplates/{id}/logo': LOGO,
  'POST /api/{spaceId}/actiontemplates/{id}/logo': LOGO,
  'PUT /api/{spaceId}/actiontemplates/{id}/logo': LOGO,
  'PUT /api/spaces/{spaceIdentifier}/actiontemplates/{id}/logo': LOGO,
  'GET /api/{spaceId}/actiontemplates/{id}/usage': NOT_USED,
  'GET /api/{spaceId}/actiontemplates/{id}/v1': V_ROUTES,
  'GET /api/{spaceId}/actiontemplates/{id}/versions': NOT_USED,
  'GET /api/{spaceId}/actiontemplates/{id}/versions/{version}': NOT_USED,
  'GET /api/{spaceId}/actiontemplates/{typeOrId}/versions/{version}/logo': LOGO,
  'GET /api/communityactiontemplates/{id}/logo': LOGO,
  // Project groups, teams.
  'GET /api/{spaceId}/projectgroups/{id}/projects': NOT_USED,
  // Tenants.
  'GET /api/{spaceId}/tenants/status': NOT_USED,
  'GET /api/{spaceId}/tenants/tag-test': NOT_USED,
  'GET /api/{spaceId}/tenants/{id}/logo': LOGO,
  // Projects.
  'GET /api/{spaceId}/projects/{id}/logo': LOGO,
  'POST /api/{spaceId}/projects/{projectId}/git/connectivity-test': GIT_REF,
  'POST /api/{spaceId}/projects/{projectId}/git/convert': 'converting a project to Config-as-Code: octosync never converts a project',
  'POST /api/{spaceId}/projects/{projectId}/git/migrate-runbooks': GIT_RUNBOOKS,
  'GET /api/{spaceId}/projects/{projectId}/git/migrate-runbooks': GIT_RUNBOOKS,
  'POST /api/{spaceId}/projects/{projectId}/git/validate': GIT_REF,
  'GET /api/{spaceId}/projects/{projectId}/git/migrate-variables': GIT_REF,
  'POST /api/{spaceId}/projects/{projectId}/git/migrate-variables': GIT_REF,
  'GET /api/{spaceId}/projects/{projectId}/git/refs': GIT_REF,
  'GET /api/{spaceId}/projects/{projectId}/metadata': NOT_USED,
  'GET /api/{spaceId}/projects/{projectId}/summary': NOT_USED,
  'GET /api/{spaceId}/projects/{projectId}/summary/v1': NOT_USED,
  'GET /api/{spaceId}/projects/{projectId}/{gitRef}/summary': GIT_REF,
  'GET /api/{spaceId}/projects/{projectId}/{gitRef}/summary/v1': GIT_REF,
  // Channels.
  'GET /api/{spaceId}/channels/rule-test': NOT_USED,
  'POST /api/{spaceId}/channels/rule-test': NOT_USED,
  'POST /api/spaces/{spaceIdentifier}/channels/rule-test': NOT_USED,
  'GET /api/{spaceId}/channels/rule-test/v1': NOT_USED,
  'POST /api/{spaceId}/channels/rule-test/v1': NOT_USED,
  'POST /api/spaces/{spaceIdentifier}/channels/rule-test/v1': NOT_USED,
  'GET /api/{spaceId}/projects/{projectId}/channels/{channelId}/git-reference-rule-validation/v1': GIT_REF,
  'GET /api/{spaceId}/projects/{projectId}/channels/{channelId}/git-resource-rule-validation/v1': GIT_REF,
  'DELETE /api/{spaceId}/projects/{projectId}/channels/{id}/v2': V_ROUTES,
  // Variables.
  'GET /api/{spaceId}/projects/{projectId}/{gitRef}/variables': GIT_REF,
  'PUT /api/{spaceId}/projects/{projectId}/{gitRef}/variables': GIT_REF,
  'GET /api/{spaceId}/variables/names': NOT_USED,
  'GET /api/{spaceId}/variables/preview': NOT_USED,
  // Deployment processes.
  'GET /api/{spaceId}/deploymentprocesses/{deploymentProcessId}/template': RUNS,
  'GET /api/{spaceId}/projects/{projectId}/deploymentprocesses/resolved': NOT_USED,
  'GET /api/{spaceId}/projects/{projectId}/deploymentprocesses/template': RUNS,
  'POST /api/{spaceId}/projects/{projectId}/deploymentprocesses/validate': NOT_USED,
  'GET /api/{spaceId}/projects/{projectId}/{gitRef}/deploymentprocesses': GIT_REF,
  'PUT /api/{spaceId}/projects/{projectId}/{gitRef}/deploymentprocesses': GIT_REF,
  'GET /api/{spaceId}/projects/{projectId}/{gitRef}/deploymentprocesses/resolved': GIT_REF,
  'GET /api/{spaceId}/projects/{projectId}/{gitRef}/deploymentprocesses/template': GIT_REF,
  'POST /api/{spaceId}/projects/{projectId}/{gitRef}/deploymentprocesses/validate': GIT_REF,
  // Runbooks and their processes.
  'GET /api/{spaceId}/projects/{projectId}/runbooks/all/v2': V_ROUTES,
  'POST /api/{spaceId}/projects/{projectId}/runbooks/v2': V_ROUTES,
  'GET /api/{spaceId}/projects/{projectId}/runbooks/{id}/environments': NOT_USED,
  'GET /api/{spaceId}/projects/{projectId}/runbooks/{id}/environments/v2': NOT_USED,
  'GET /api/{spaceId}/projects/{projectId}/runbooks/{id}/runbookRunTemplate': RUNS,
  'GET /api/{spaceId}/projects/{projectId}/runbooks/{id}/runbookRuns/preview/{environment}': RUNS,
  'GET /api/{spaceId}/projects/{projectId}/runbooks/{id}/runbookRuns/preview/{environment}/{tenant}': RUNS,
  'POST /api/{spaceId}/projects/{projectId}/runbooks/{runbookId}/runbookRuns/previews': RUNS,
  'GET /api/{spaceId}/projects/{projectId}/runbooks/{runbookId}/runbookSnapshotTemplate': RUNS,
  'GET /api/{spaceId}/projects/{projectId}/{gitRef}/runbooks': GIT_RUNBOOKS,
  'POST /api/{spaceId}/projects/{projectId}/{gitRef}/runbooks/v2': GIT_RUNBOOKS,
  'GET /api/{spaceId}/projects/{projectId}/{gitRef}/runbooks/{id}': GIT_RUNBOOKS,
  'PUT /api/{spaceId}/projects/{projectId}/{gitRef}/runbooks/{id}': GIT_RUNBOOKS,
  'GET /api/{spaceId}/projects/{projectId}/{gitRef}/runbooks/{id}/environments': GIT_REF,
  'GET /api/{spaceId}/projects/{projectId}/{gitRef}/runbooks/{id}/environments/v2': GIT_REF,
  'GET /api/{spaceId}/projects/{projectId}/{gitRef}/runbooks/{id}/runbookRunTemplate': GIT_REF,
  'GET /api/{spaceId}/projects/{projectId}/{gitRef}/runbooks/{id}/runbookRuns/preview/{environment}': GIT_REF,
  'GET /api/{spaceId}/projects/{projectId}/{gitRef}/runbooks/{id}/runbookRuns/preview/{environment}/{tenant}': GIT_REF,
  'POST /api/{spaceId}/projects/{projectId}/{gitRef}/runbooks/{runbookId}/runbookRuns/previews': GIT_REF,
  'GET /api/{spaceId}/projects/{projectId}/{gitref}/runbooks/{runbookId}/runbookSnapshotTemplate': GIT_REF,
  'GET /api/{spaceId}/runbooks/{id}/environments': NOT_USED,
  'GET /api/{spaceId}/runbooks/{id}/runbookRunTemplate': RUNS,
  'GET /api/{spaceId}/runbooks/{id}/runbookRuns/preview/{environment}': RUNS,
  'GET /api/{spaceId}/runbooks/{id}/runbookRuns/preview/{environment}/{tenant}': RUNS,
  'GET /api/{spaceId}/runbooks/{runbookId}/runbookSnapshotTemplate': RUNS,
  'GET /api/{spaceId}/projects/{projectId}/runbookProcesses/{id}/runbookSnapshotTemplate': RUNS,
  'GET /api/{spaceId}/projects/{projectId}/{gitRef}/runbookProcesses/{id}': GIT_RUNBOOKS,
  'PUT /api/{spaceId}/projects/{projectId}/{gitRef}/runbookProcesses/{id}': GIT_RUNBOOKS,
  'GET /api/{spaceId}/runbookProcesses/{id}/runbookSnapshotTemplate': RUNS,
  // Spaces and git credentials (documented on the spaces page).
  'GET /api/{spaceId}/git-credentials': GIT_CREDENTIALS,
  'POST /api/{spaceId}/git-credentials': GIT_CREDENTIALS,
  'GET /api/{spaceId}/git-credentials/v1': GIT_CREDENTIALS,
  'POST /api/{spaceId}/git-credentials/v1': GIT_CREDENTIALS,
  'GET /api/{spaceId}/git-credentials/v2': GIT_CREDENTIALS,
  'POST /api/{spaceId}/git-credentials/v2': GIT_CREDENTIALS,
  'GET /api/{spaceId}/git-credentials/{id}': GIT_CREDENTIALS,
  'PUT /api/{spaceId}/git-credentials/{id}': GIT_CREDENTIALS,
  'DELETE /api/{spaceId}/git-credentials/{id}': GIT_CREDENTIALS,
  'GET /api/{spaceId}/git-credentials/{id}/usage': GIT_CREDENTIALS,
  'GET /api/{spaceId}/git-credentials/{id}/usage/v1': GIT_CREDENTIALS,
  'GET /api/{spaceId}/git-credentials/{id}/v1': GIT_CREDENTIALS,
  'PUT /api/{spaceId}/git-credentials/{id}/v1': GIT_CREDENTIALS,
  'DELETE /api/{spaceId}/git-credentials/{id}/v1': GIT_CREDENTIALS,
  'GET /api/{spaceId}/git-credentials/{id}/v2': GIT_CREDENTIALS,
  'PUT /api/{spaceId}/git-credentials/{id}/v2': GIT_CREDENTIALS,
  'POST /api/spaces/v1': V_ROUTES,
  'GET /api/spaces/{id}/logo': LOGO,
  'GET /api/{spaceId}/spaces/{id}/search': NOT_USED,
  'DELETE /api/spaces/{id}/v1': V_ROUTES,
  'GET /api/users/{id}/spaces': NOT_USED,
  // User roles are read to name them; never written.
  'POST /api/userroles': 'user roles are never synced (teams refer to them by name)',
  'PUT /api/userroles/{id}': 'user roles are never synced (teams refer to them by name)',
  // Server configuration.
  'PUT /api/featuresconfiguration': 'octosync only reads whether the community library is enabled; the simulator sets it through its knobs',
  'POST /api/deprecations/toggle/v1': V_ROUTES,
};

const ENVELOPE =
  "the generator renders a collection as a Resource (Id, LastModifiedOn/By); a recorded real collection " +
  '(fixtures/collection-machine-tasks-skip0.json) has none of them';
const SCOPE =
  'Scope is a ScopeSpecification, a dictionary keyed by scope kind: the generator lists every kind, a server sends only the kinds a value is scoped to ' +
  '(each scope kind the simulator accepts is checked by test/simulator/variables.test.ts)';

const ROOT =
  'the recorded real root document (fixtures/root-api-2019.7.12.json) has Application, Version, ApiVersion, InstallationId and Links only; ' +
  'the generator adds what every Resource has';
const SPACE_ROOT = "the 2021 swagger's SpaceRootResource is Id and Links only; the generator adds what every Resource has";
const RULE_LINKS = 'a version rule is not addressable on its own (no route serves one), so its Links are empty (inferred)';

/** Fields not compared on one operation (with what is under them), each with why. */
export const SKIPPED_FIELDS: Record<string, Record<string, string>> = {
  'GET /api/': { Id: ROOT, LastModifiedOn: ROOT, LastModifiedBy: ROOT },
  'GET /api/{spaceId}': { LastModifiedOn: SPACE_ROOT, LastModifiedBy: SPACE_ROOT },
  ...Object.fromEntries(
    [
      'POST /api/{spaceId}/channels', 'GET /api/{spaceId}/channels/all', 'PUT /api/{spaceId}/channels/{id}', 'GET /api/{spaceId}/projects/{projectId}/channels',
      'POST /api/{spaceId}/projects/{projectId}/channels', 'GET /api/{spaceId}/projects/{projectId}/channels/{id}', 'PUT /api/{spaceId}/projects/{projectId}/channels/{id}',
      'GET /api/{spaceId}/channels', 'GET /api/{spaceId}/channels/{id}',
    ].map((route) => [route, { 'Rules[].Links': RULE_LINKS, 'Items[].Rules[].Links': RULE_LINKS, '[].Rules[].Links': RULE_LINKS }]),
  ),
  ...Object.fromEntries(
    ['GET /api/{spaceId}/projects/{projectId}/variables', 'PUT /api/{spaceId}/projects/{projectId}/variables', 'GET /api/{spaceId}/variables/{id}', 'PUT /api/{spaceId}/variables/{id}', 'GET /api/{spaceId}/variables/all'].map(
      (route) => [route, Object.fromEntries(['Variables[].Scope', '[].Variables[].Scope'].map((path) => [path, SCOPE]))],
    ),
  ),
};

/** Whether a field is the envelope of a collection (a top-level Id/LastModified* beside `Items`): ENVELOPE says why it is not compared. */
export function isEnvelopeField(example: unknown, path: string): boolean {
  if (example === null || typeof example !== 'object' || Array.isArray(example) || !('Items' in example)) return false;
  return ['Id', 'LastModifiedOn', 'LastModifiedBy'].includes(path);
}

export const ENVELOPE_REASON = ENVELOPE;

/**
 * Fields the simulator sends, but only as null on the routes compared here, by field name (or
 * full path), with why they are never set: a null does not show the type, so each is said.
 */
export const ONLY_NULL: Record<string, string> = {
  LastSnapshotId: 'set when a release or runbook snapshot is made of the process; octosync never creates releases or snapshots',
  PublishedRunbookSnapshotId: 'set when a runbook snapshot is published; snapshots are never synced',
  ClonedFromProjectId: 'set on a project made by cloning another; octosync never clones (its documents leave it out)',
  ClonedFromTenantId: 'set on a tenant made by cloning another; octosync never clones (its documents leave it out)',
  Archived: 'set when a certificate is archived; octosync syncs current certificates only',
  ReplacedBy: 'set when a certificate is replaced; octosync syncs current certificates only',
  Hint: 'a SensitiveValue hint; the simulator never shows one (secrets are never returned)',
  NewValue: 'a SensitiveValue as read: its NewValue is always null (secrets are never returned)',
  HelpSidebarSupportLink: 'server configuration the simulator does not set',
  HelpSidebarSupportLinkLabel: 'server configuration the simulator does not set',
  RetentionPolicyId: 'project group retention policies are not served by the simulator (not synced by octosync)',
  HealthCheckCron: 'only set with HealthCheckType OnlyConnectivity/cron schedules, not used by the populated policy',
  EphemeralEnvironmentNameTemplate: 'set on ephemeral environment channels only (one is compared on POST /projects/{projectId}/channels)',
  ParentEnvironmentId: 'set on ephemeral environment channels only (one is compared on POST /projects/{projectId}/channels)',
  LifecycleId: 'null on a channel that uses its project lifecycle',
  CommunityActionTemplateId: 'set on installed community step templates (compared on the community installation routes)',
  StepPackageInputsReferenceId: 'set on package references of step-package steps, which the populated templates do not have',
  HelpText: 'optional on a variable template; the templates a tenant view copies were written without one',
  TentacleRetentionPolicy: "null on a phase that keeps its lifecycle's policy",
  PackageUnit: 'null while the package cache retention Strategy is Default',
  QuantityOfPackagesToKeep: 'null while the package cache retention Strategy is Default',
  QuantityOfVersionsToKeep: 'null while the package cache retention Strategy is Default',
  VersionUnit: 'null while the package cache retention Strategy is Default',
  TentacleUpdateAccountId: 'set when Tentacles are updated with an account; the populated policy does not',
  Icon: 'optional: a resource created without one (POST) shows null; one set by a later PUT is compared there',
  'Packages[].Version': 'optional: a package reference created without a pinned version (POST) shows null; one set by a later PUT is compared there',
  ProvisioningRunbookId: 'a new project has none (POST); set by a later PUT, compared there',
  DeprovisioningRunbookId: 'a new project has none (POST); set by a later PUT, compared there',
  'ReleaseCreationStrategy.ChannelId': 'a new project has none (POST); set by a later PUT, compared there',
  'ReleaseCreationStrategy.ReleaseCreationPackage': 'a new project has none (POST); set by a later PUT, compared there',
  'VersioningStrategy.DonorPackage': 'a new project versions from a template (POST); set by a later PUT, compared there',
  'LastModifiedOn': 'shown on resources nested in another (version rules) or never modified (server configuration): no modification time of their own',
  'LastModifiedBy': 'shown on resources nested in another (version rules) or never modified (server configuration): no user of their own',
  Prompt: 'null on variables that are not prompted (a prompted one is compared on the project variables route)',
  ProjectTemplateDetails: 'set on projects made from a Platform Hub project template, which the simulator does not serve',
  VersionTagRegex: 'set by Git-based version rules (Config-as-Code), not synced',
  VersioningStrategy: 'set by Git-based version rules (Config-as-Code), not synced',
};
