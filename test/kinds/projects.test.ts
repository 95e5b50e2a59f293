import { describe, expect, it } from 'vitest';
import type { JsonObject, LiveSpace } from '../../src/core/document.js';
import { IdResolver, NameResolver, buildRefTable } from '../../src/core/refs.js';
import { deferredProjectReferences, projectFolders, projectPayload, projects } from '../../src/kinds/projects/index.js';
import { loadSchemas } from '../../src/validate/schemas.js';
import { byFile, fixturesIn, idsIn, kindChecks, simulatorsClosedAfterEach } from '../support/kind-checks.js';
import { readLive } from '../support/live.js';
import { defaultProjectFields, simHttp } from '../support/sim-http.js';
import { itWithReferenceData, realWorld, recorded2018, recordedProjects22Owner } from '../support/reference-data.js';

const fixture = fixturesIn(new URL('./projects/fixtures/', import.meta.url));
const testProj1 = recorded2018<JsonObject>('project');
// The owner of the recorded process (Projects-22) was not recorded itself: TestProj1's recorded
// settings under its identity stand in for it.
const testProj2: JsonObject = { ...testProj1, ...recordedProjects22Owner };
const financePortal = realWorld<JsonObject>('02-dtw2018-project-financeportal-clone.json');
const process22 = recorded2018<JsonObject>('deploymentprocess');
const recorded: LiveSpace = {
  projects: [testProj1, testProj2, financePortal],
  projectgroups: [recorded2018<JsonObject>('projectgroup')],
  lifecycles: [recorded2018<JsonObject>('lifecycle')],
  libraryvariablesets: [recorded2018<JsonObject>('libraryvariableset')],
};
const captured: LiveSpace = {
  projects: fixture<JsonObject[]>('projects-all-simulator.json'),
  projectgroups: fixture<JsonObject[]>('projectgroups-all-simulator.json'),
  lifecycles: fixture<JsonObject[]>('lifecycles-all-simulator.json'),
  libraryvariablesets: fixture<JsonObject[]>('libraryvariablesets-all-simulator.json'),
};
const versionTemplate = '#{Octopus.Version.LastMajor}.#{Octopus.Version.LastMinor}.#{Octopus.Version.NextPatch}';
const recordedDefaults = {
  AutoCreateRelease: false,
  DefaultGuidedFailureMode: 'EnvironmentDefault',
  DefaultToSkipIfAlreadyInstalled: false,
  DiscreteChannelRelease: false,
  IsDisabled: false,
  Lifecycle: 'Default Lifecycle',
  ProjectConnectivityPolicy: { AllowDeploymentsToNoTargets: false, SkipMachineBehavior: 'None', TargetRoles: [] },
  ProjectGroup: 'Default Project Group',
  Templates: [],
  VersioningStrategy: { Template: versionTemplate },
};

const simulator = simulatorsClosedAfterEach();
const { document, applyDocuments, readDocuments } = kindChecks(projects, 'projects', { documentFile: 'projects/x/project.yaml' });

describe('projects kind', () => {
  itWithReferenceData('normalizes recorded real responses into documents without ids, owned documents or server fields', () => {
    const names = new NameResolver(buildRefTable(recorded));
    const docs = projects.toDocuments(recorded, names);
    expect(names.problems).toEqual([]);
    expect(docs).toEqual([
      {
        kind: 'projects',
        name: 'TestProj1',
        file: 'projects/testproj1/project.yaml',
        body: { Name: 'TestProj1', Description: '', ...recordedDefaults, IncludedLibraryVariableSets: [], TenantedDeploymentMode: 'Untenanted' },
      },
      {
        kind: 'projects',
        name: 'TestProj2',
        file: 'projects/testproj2/project.yaml',
        body: { Name: 'TestProj2', Description: '', ...recordedDefaults, IncludedLibraryVariableSets: [], TenantedDeploymentMode: 'TenantedOrUntenanted' },
      },
      {
        // Cloned from another project: the clone source is history and is not written.
        kind: 'projects',
        name: 'FinancePortal',
        file: 'projects/financeportal/project.yaml',
        body: { Name: 'FinancePortal', Description: '', ...recordedDefaults, IncludedLibraryVariableSets: ['ConnStr'], TenantedDeploymentMode: 'Untenanted' },
      },
    ]);
    expect(docs.flatMap((doc) => idsIn(doc.body))).toEqual([]);
  });

  it('writes settings of a richer project by name: groups, lifecycles, included sets in precedence order, templates without ids', () => {
    const names = new NameResolver(buildRefTable(captured));
    const docs = projects.toDocuments(captured, names);
    expect(names.problems).toEqual([]);
    const portal = docs.find((doc) => doc.name === 'Customer Portal');
    expect(portal?.file).toBe('projects/customer-portal/project.yaml');
    expect(portal?.body).toMatchObject({
      ProjectGroup: 'Web',
      Lifecycle: 'Dev to Production',
      IncludedLibraryVariableSets: ['Common Settings', 'Notification Settings'],
      Templates: [
        { Name: 'Portal.Subdomain', Label: 'Subdomain', DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } },
        { Name: 'Portal.LicenseKey', Label: 'License key', DisplaySettings: { 'Octopus.ControlType': 'Sensitive' } },
        { Name: 'Portal.MaxUsers', Label: 'Maximum users', DefaultValue: '50' },
      ],
    });
    // Included sets keep the server's order (precedence), even when it is not alphabetical.
    expect(docs.find((doc) => doc.name === 'Web Shop')?.body.IncludedLibraryVariableSets).toEqual(['Common Settings', 'Notification Settings', 'Logging Helpers']);
    expect(docs.flatMap((doc) => idsIn(doc.body))).toEqual([]);
    for (const doc of docs) expect(Object.keys(doc.body)).not.toEqual(expect.arrayContaining(['VariableSetId']));
  });

  itWithReferenceData('creates the recorded projects in a fresh server and reads back the same documents', async () => {
    const sim = await simulator();
    const docs = projects.toDocuments(recorded, new NameResolver(buildRefTable(recorded)));
    expect((await simHttp(sim).post('/api/Spaces-1/libraryvariablesets', { Name: 'ConnStr' })).status).toBe(201);
    expect(await applyDocuments(sim, docs)).toEqual([]);
    expect(await readDocuments(sim)).toEqual(byFile(docs));
  });

  it('creates the captured projects after what they refer to, and updating them again changes nothing', async () => {
    const sim = await simulator();
    const docs = projects.toDocuments(captured, new NameResolver(buildRefTable(captured)));
    const http = simHttp(sim);
    for (const group of captured.projectgroups ?? []) if (group.Name !== 'Default Project Group') expect((await http.post('/api/Spaces-1/projectgroups', { Name: group.Name })).status).toBe(201);
    for (const lifecycle of captured.lifecycles ?? []) if (lifecycle.Name !== 'Default Lifecycle') expect((await http.post('/api/Spaces-1/lifecycles', { Name: lifecycle.Name })).status).toBe(201);
    for (const set of captured.libraryvariablesets ?? []) {
      const Templates = (set.Templates as JsonObject[]).map((template) => ({ ...template, Id: undefined }));
      expect((await http.post('/api/Spaces-1/libraryvariablesets', { Name: set.Name, ContentType: set.ContentType, Templates })).status).toBe(201);
    }
    expect(await applyDocuments(sim, docs)).toEqual([]);
    expect(await readDocuments(sim)).toEqual(byFile(docs));
    // Tenant variable values are keyed by template ids: an update keeps the destination's.
    const templateIds = async () => ((await readLive(sim!, ['projects'])).projects ?? []).flatMap((project) => (project.Templates as JsonObject[]).map((template) => template.Id));
    const before = await templateIds();
    expect(before.length).toBeGreaterThan(0);
    expect(await applyDocuments(sim, docs)).toEqual([]);
    expect(await templateIds()).toEqual(before);
    expect(await readDocuments(sim)).toEqual(byFile(docs));
  });

  it("resolves the release creation channel and the step packages within the project, deferring them until its channels and process have them", async () => {
    const sim = await simulator();
    const http = simHttp(sim);
    const doc = document({
      Name: 'Web Shop',
      ProjectGroup: 'Default Project Group',
      Lifecycle: 'Default Lifecycle',
      AutoCreateRelease: true,
      ReleaseCreationStrategy: { Channel: 'Hotfix', ReleaseCreationPackage: { DeploymentAction: 'Deploy web site', PackageReference: '' } },
      VersioningStrategy: { DonorPackage: { DeploymentAction: 'Deploy web site', PackageReference: '' } },
    });
    let ids = new IdResolver(buildRefTable(await readLive(sim, projects.reads)));
    expect(deferredProjectReferences(doc, ids)).toEqual(['ReleaseCreationStrategy.Channel', 'VersioningStrategy.DonorPackage', 'ReleaseCreationStrategy.ReleaseCreationPackage']);
    const payload = projects.toPayload(doc, ids);
    // A new project's process is empty: a server refuses a project naming one of its steps.
    expect(payload).toMatchObject({ AutoCreateRelease: false, ReleaseCreationStrategy: { ChannelId: null, ReleaseCreationPackage: null }, VersioningStrategy: { DonorPackage: null } });
    expect(ids.problems).toEqual([]);
    const created = await http.post('/api/Spaces-1/projects', payload);
    expect(created.status, created.text).toBe(201);
    const refused = await http.post('/api/Spaces-1/projects', { ...payload, Name: 'Refused', VersioningStrategy: { Template: null, DonorPackage: doc.body.VersioningStrategy && (doc.body.VersioningStrategy as JsonObject).DonorPackage }, ...(await defaultProjectFields(http)) });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("the step 'Deploy web site' is not in the project's deployment process");
    expect((await http.post('/api/Spaces-1/channels', { Name: 'Hotfix', ProjectId: created.body.Id })).status).toBe(201);
    const process = (await http.get(`/api/Spaces-1/deploymentprocesses/${created.body.DeploymentProcessId}`)).body;
    const step = { Name: 'Deploy web site', Actions: [{ Name: 'Deploy web site', ActionType: 'Octopus.TentaclePackage', Packages: [{ Name: '', PackageId: 'WebShop', FeedId: 'feeds-builtin' }] }] };
    expect((await http.put(`/api/Spaces-1/deploymentprocesses/${process.Id}`, { ...process, Steps: [step] })).status).toBe(200);

    ids = new IdResolver(buildRefTable(await readLive(sim, projects.reads)));
    expect(deferredProjectReferences(doc, ids)).toEqual([]);
    const updated = await http.put(`/api/Spaces-1/projects/${created.body.Id}`, projects.toPayload(doc, ids));
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body.ReleaseCreationStrategy.ChannelId).toMatch(/^Channels-\d+$/);
    expect(updated.body.AutoCreateRelease).toBe(true);
    expect(ids.problems).toEqual([]);
    const [read] = (await readDocuments(sim)).filter((candidate) => candidate.name === 'Web Shop');
    expect(read?.body).toMatchObject({ ReleaseCreationStrategy: doc.body.ReleaseCreationStrategy, VersioningStrategy: doc.body.VersioningStrategy });
  });

  itWithReferenceData('turns obsolete step-id package references into step names through the deployment process', () => {
    const live: LiveSpace = {
      ...recorded,
      projects: [
        {
          ...testProj2,
          VersioningStrategy: { Template: null, DonorPackage: null, DonorPackageStepId: '557370d3-ef08-47ac-a251-84f5a4552450' },
          ReleaseCreationStrategy: { ChannelId: null, ReleaseCreationPackage: null, ReleaseCreationPackageStepId: '00000000-0000-0000-0000-000000000000' },
        },
      ],
      deploymentprocesses: [process22],
    };
    const names = new NameResolver(buildRefTable(live));
    const [doc] = projects.toDocuments(live, names);
    expect(doc?.body.VersioningStrategy).toEqual({ DonorPackage: { DeploymentAction: 'Hello world again', PackageReference: '' } });
    expect(doc?.body.ReleaseCreationStrategy).toBeUndefined();
    expect(names.problems).toEqual([
      {
        where: "project 'TestProj2' ReleaseCreationStrategy.ReleaseCreationPackageStepId",
        message: "refers to step '00000000-0000-0000-0000-000000000000', which is not in the project's deployment process; the reference is dropped",
      },
    ]);
  });

  itWithReferenceData('writes a version-controlled project with its Git connection (the credential by name, no conversion state), without its Git-stored settings', () => {
    const persistence = {
      Type: 'VersionControlled',
      Url: 'https://git.example/shop.git',
      DefaultBranch: 'main',
      BasePath: '.octopus',
      ProtectedDefaultBranch: false,
      ProtectedBranchNamePatterns: ['release/*', 'hotfix/*'],
      Credentials: { Type: 'Reference', Id: 'GitCredentials-7' },
      ConversionState: { VariablesAreInGit: true, RunbooksAreInGit: false },
    };
    const live: LiveSpace = {
      ...recorded,
      projects: [{ ...testProj1, IsVersionControlled: true, PersistenceSettings: persistence }],
      gitcredentials: [{ Id: 'GitCredentials-7', Name: 'GitHub bot' }],
    };
    const [doc] = projects.toDocuments(live, new NameResolver(buildRefTable(live)));
    expect(doc?.body).toEqual({
      Name: 'TestProj1',
      Description: '',
      AutoCreateRelease: false,
      DiscreteChannelRelease: false,
      IncludedLibraryVariableSets: [],
      IsDisabled: false,
      Lifecycle: 'Default Lifecycle',
      PersistenceSettings: {
        BasePath: '.octopus',
        Credentials: { GitCredential: 'GitHub bot', Type: 'Reference' },
        DefaultBranch: 'main',
        ProtectedBranchNamePatterns: ['hotfix/*', 'release/*'],
        ProtectedDefaultBranch: false,
        Type: 'VersionControlled',
        Url: 'https://git.example/shop.git',
      },
      ProjectGroup: 'Default Project Group',
      Templates: [],
      TenantedDeploymentMode: 'Untenanted',
    });
    expect(idsIn(doc?.body)).toEqual([]);
    expect(projects.references?.(doc!)).toContainEqual({ pointer: '/PersistenceSettings/Credentials/GitCredential', kind: 'git-credentials', name: 'GitHub bot' });
    // In a destination whose credential of that name has another id, the payload names that one.
    const destination: LiveSpace = { ...live, gitcredentials: [{ Id: 'GitCredentials-2001', Name: 'GitHub bot' }] };
    const ids = new IdResolver(buildRefTable(destination));
    const payload = projectPayload(doc!, ids, destination.projects?.[0]);
    expect(payload.PersistenceSettings).toMatchObject({ Url: 'https://git.example/shop.git', Credentials: { Type: 'Reference', Id: 'GitCredentials-2001' } });
    expect(payload).not.toHaveProperty('IsVersionControlled');
    expect(payload).not.toHaveProperty('VersioningStrategy');
    expect(ids.problems).toEqual([]);
    // A new project is created in the database: the writer converts it afterwards.
    expect(projectPayload(doc!, ids)).not.toHaveProperty('PersistenceSettings');
  });

  itWithReferenceData('names the document and field of a reference the destination lacks', () => {
    const doc = document({ Name: 'Web Shop', ProjectGroup: 'Web', Lifecycle: 'Nope', IncludedLibraryVariableSets: ['ConnStr', 'Missing Set'] });
    const ids = new IdResolver(buildRefTable(recorded));
    const payload = projects.toPayload(doc, ids);
    expect(payload).toMatchObject({ ProjectGroupId: '', LifecycleId: '', IncludedLibraryVariableSetIds: ['LibraryVariableSets-41', ''] });
    expect(ids.problems).toEqual([
      { where: "project 'Web Shop' ProjectGroup", message: "refers to project group 'Web', which does not exist in the destination" },
      { where: "project 'Web Shop' Lifecycle", message: "refers to lifecycle 'Nope', which does not exist in the destination" },
      { where: "project 'Web Shop' IncludedLibraryVariableSets", message: "refers to library variable set 'Missing Set', which does not exist in the destination" },
    ]);
  });

  itWithReferenceData('names the document and field of an id the source cannot resolve', () => {
    const live: LiveSpace = { ...recorded, projects: [{ ...testProj1, LifecycleId: 'Lifecycles-404' }] };
    const names = new NameResolver(buildRefTable(live));
    projects.toDocuments(live, names);
    expect(names.problems).toEqual([{ where: "project 'TestProj1' LifecycleId", message: "refers to lifecycles 'Lifecycles-404', which does not exist on the server" }]);
  });

  it('lists the names a document refers to, its own channel and runbooks within the project', () => {
    const doc = document({
      Name: 'Web Shop',
      ProjectGroup: 'Web',
      Lifecycle: 'Standard',
      IncludedLibraryVariableSets: ['Common', 'Logging Helpers'],
      ReleaseCreationStrategy: { Channel: 'Hotfix' },
      ProvisioningRunbook: 'Create environment',
    });
    expect(projects.references?.(doc)).toEqual([
      { pointer: '/ProjectGroup', kind: 'project-groups', name: 'Web' },
      { pointer: '/Lifecycle', kind: 'lifecycles', name: 'Standard' },
      { pointer: '/IncludedLibraryVariableSets/0', kind: 'library-variable-sets', name: 'Common' },
      { pointer: '/IncludedLibraryVariableSets/1', kind: 'library-variable-sets', name: 'Logging Helpers' },
      { pointer: '/ReleaseCreationStrategy/Channel', kind: 'channels', name: 'Hotfix', project: 'Web Shop' },
      { pointer: '/ProvisioningRunbook', kind: 'runbooks', name: 'Create environment', project: 'Web Shop' },
    ]);
  });

  itWithReferenceData('places every project in a stable folder, whatever order the server lists projects in', () => {
    const live: LiveSpace = { ...recorded, projects: [testProj1, { ...testProj2, Name: 'testproj1 ' }, financePortal] };
    const shuffled: LiveSpace = { ...live, projects: [...(live.projects ?? [])].reverse() };
    expect([...projectFolders(live)].sort()).toEqual([
      ['Projects-1', 'testproj1'],
      ['Projects-22', 'testproj1-2'],
      ['Projects-70', 'financeportal'],
    ]);
    const docs = (space: LiveSpace) => byFile(projects.toDocuments(space, new NameResolver(buildRefTable(space))));
    expect(docs(shuffled)).toEqual(docs(live));
    expect(JSON.stringify(docs(captured))).toBe(JSON.stringify(docs({ ...captured, projects: [...(captured.projects ?? [])].reverse() })));
  });

  itWithReferenceData('documents satisfy the schema; ids, owned documents and unknown modes do not', () => {
    const schemas = loadSchemas();
    for (const doc of [...projects.toDocuments(captured, new NameResolver(buildRefTable(captured))), ...projects.toDocuments(recorded, new NameResolver(buildRefTable(recorded)))]) {
      expect(schemas.validate('projects', doc.body)).toEqual([]);
    }
    const valid = { Name: 'Web Shop', ProjectGroup: 'Web' };
    expect(schemas.validate('projects', { ...valid, SomethingNewer: { Nested: true } })).toEqual([]);
    expect(schemas.validate('projects', { ...valid, LifecycleId: 'Lifecycles-1' })).not.toEqual([]);
    expect(schemas.validate('projects', { ...valid, VariableSetId: 'variableset-Projects-1' })).not.toEqual([]);
    expect(schemas.validate('projects', { ...valid, Templates: [{ Id: '6bce4124-2427-46fa-8547-f8a36c8935be', Name: 'X' }] })).not.toEqual([]);
    expect(schemas.validate('projects', { ...valid, ReleaseCreationStrategy: { ChannelId: 'Channels-1' } })).not.toEqual([]);
    expect(schemas.validate('projects', { ...valid, TenantedDeploymentMode: 'Sometimes' })).not.toEqual([]);
    expect(schemas.validate('projects', { ...valid, Templates: [{ Name: 'Key', DefaultValue: { HasValue: true, NewValue: 'secret' } }] })).not.toEqual([]);
  });

  it('writes every project of the sample instance by name, with no secret and no id', async () => {
    const sim = await simulator('sample');
    const live = await readLive(sim, projects.reads);
    const names = new NameResolver(buildRefTable(live));
    const docs = projects.toDocuments(live, names);
    expect(names.problems).toEqual([]);
    expect(docs.map((doc) => doc.name).sort()).toEqual((live.projects ?? []).map((project) => String(project.Name)).sort());
    expect(docs.length).toBeGreaterThan(0);
    expect(docs.flatMap((doc) => idsIn(doc.body))).toEqual([]);
    const text = JSON.stringify(docs);
    for (const secret of sim.instance.store.secretValues()) expect(text).not.toContain(secret);
    const schemas = loadSchemas();
    for (const doc of docs) expect(schemas.validate('projects', doc.body)).toEqual([]);
  });
});
