// No silent wrong reference: ids hidden in values (a "Deploy a release" step's package, a Package
// parameter's JSON, Certificate-, WorkerPool- and account-typed template values, tenant variable
// values, step-package inputs) are written to Git as names and resolved in the destination.
// The source and the destination are simulators whose ids differ (their id offsets), and what
// the destination holds is checked through its own API, never through octosync.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runApply } from '../../src/commands/apply.js';
import { preparePlan } from '../../src/commands/plan.js';
import { readFiles, listFiles } from '../../src/repo/state-files.js';
import { SAMPLE_CERTIFICATE_PEM } from '../../src/simulator/seeds/sample-certificate.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { createAccounts } from '../support/destinations.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { defaultProjectFields, postCreated, simHttp } from '../support/sim-http.js';
import type { SimHttp } from '../support/sim-http.js';

type Json = Record<string, unknown>;

let source: Simulator;
let destination: Simulator;
let repo: StateRepo;

beforeEach(async () => {
  // The source holds tenant values through the legacy API; the destination has the scoped one.
  source = await startSimulator({ seed: 'empty', tenantVariableScoping: false });
  destination = await startSimulator({ seed: 'empty' });
  repo = await stateRepo();
});

afterEach(async () => {
  await source.close();
  await destination.close();
  await repo.cleanup();
});

const control = (type: string) => ({ 'Octopus.ControlType': type });

/** Everything the source refers to, by name → source id. */
interface SourceIds {
  feed: string;
  certificate: string;
  pool: string;
  account: string;
  child: string;
  template: string;
  parent: string;
}

/**
 * A source holding every kind of id-in-a-value: a parent project deploying a child project
 * through "Deploy a release", an action of a step template with Package, Certificate, WorkerPool
 * and account parameters, a step-package action whose inputs name an account, tenant variable
 * templates of those types on the project and a library variable set, and a tenant whose
 * variables hold an account and a worker pool.
 */
async function buildSource(http: SimHttp): Promise<SourceIds> {
  const post = (path: string, body: unknown): Promise<Json> => postCreated(http, `/api/Spaces-1/${path}`, body);
  const defaults = await defaultProjectFields(http);
  const production = (await post('environments', { Name: 'Production' })).Id as string;
  const feed = (await post('feeds', { Name: 'Internal NuGet', FeedType: 'NuGet', FeedUri: 'https://nuget.example.com/v3/index.json' })).Id as string;
  const certificate = (await post('certificates', { Name: 'Web TLS', CertificateData: { HasValue: true, NewValue: Buffer.from(SAMPLE_CERTIFICATE_PEM).toString('base64') } })).Id as string;
  const pool = (await post('workerpools', { Name: 'Linux Workers', WorkerPoolType: 'StaticWorkerPool' })).Id as string;
  const account = (await post('accounts', { Name: 'AWS Production', AccountType: 'AmazonWebServicesAccount', AccessKey: 'AKIAEXAMPLE', SecretKey: { HasValue: true, NewValue: 'aws-secret' } })).Id as string;
  const packageValue = (feedId: string) => JSON.stringify({ PackageId: 'WebShop', FeedId: feedId });
  const template = (await post('actiontemplates', {
    Name: 'Deploy web app',
    ActionType: 'Octopus.Script',
    Properties: { 'Octopus.Action.Script.ScriptBody': 'echo "#{App.Pool}"', 'Octopus.Action.Script.Syntax': 'Bash' },
    Packages: [{ Name: 'App.Package', PackageId: null, FeedId: null, AcquisitionLocation: 'Server', Properties: { Extract: 'True', SelectionMode: 'deferred', PackageParameterName: 'App.Package' } }],
    Parameters: [
      { Name: 'App.Package', Label: 'Package', DefaultValue: packageValue(feed), DisplaySettings: control('Package') },
      { Name: 'App.Certificate', Label: 'Certificate', DefaultValue: certificate, DisplaySettings: control('Certificate') },
      { Name: 'App.Pool', Label: 'Pool', DefaultValue: pool, DisplaySettings: control('WorkerPool') },
      { Name: 'App.Aws', Label: 'AWS', DefaultValue: account, DisplaySettings: control('AmazonWebServicesAccount') },
    ],
  })) as Json;
  const set = await post('libraryvariablesets', {
    Name: 'Shared',
    ContentType: 'Variables',
    Templates: [{ Name: 'Shared.Pool', Label: 'Pool', DefaultValue: pool, DisplaySettings: control('WorkerPool') }],
  });
  const child = await post('projects', { Name: 'Child', ...defaults });
  const parent = await post('projects', {
    Name: 'Parent',
    ...defaults,
    TenantedDeploymentMode: 'TenantedOrUntenanted',
    IncludedLibraryVariableSetIds: [set.Id],
    Templates: [
      { Name: 'Tenant.Certificate', Label: 'Certificate', DefaultValue: certificate, DisplaySettings: control('Certificate') },
      { Name: 'Tenant.Aws', Label: 'AWS', DefaultValue: null, DisplaySettings: control('AmazonWebServicesAccount') },
    ],
  });
  const processPath = `/api/Spaces-1/deploymentprocesses/${String(parent.DeploymentProcessId)}`;
  const process = (await http.get(processPath)).body as Json;
  const saved = await http.put(processPath, {
    ...process,
    Steps: [
      {
        Name: 'Deploy child',
        Actions: [
          {
            Name: 'Deploy child',
            ActionType: 'Octopus.DeployRelease',
            Properties: { 'Octopus.Action.DeployRelease.ProjectId': child.Id, 'Octopus.Action.DeployRelease.DeploymentCondition': 'Always' },
            Packages: [{ Name: '', PackageId: child.Id, FeedId: 'feeds-builtin-releases', AcquisitionLocation: 'NotAcquired', Properties: {} }],
          },
        ],
      },
      {
        Name: 'Deploy web app',
        Actions: [
          {
            Name: 'Deploy web app',
            ActionType: 'Octopus.Script',
            Properties: {
              'Octopus.Action.Template.Id': template.Id,
              'Octopus.Action.Template.Version': String(template.Version),
              'Octopus.Action.Script.ScriptBody': 'echo "#{App.Pool}"',
              'App.Package': packageValue(feed),
              'App.Certificate': certificate,
              'App.Pool': pool,
              'App.Aws': account,
            },
            // The package the parameter chooses: deferred, named by the parameter's value.
            Packages: [{ Name: 'App.Package', PackageId: null, FeedId: null, AcquisitionLocation: 'Server', Properties: { Extract: 'True', SelectionMode: 'deferred', PackageParameterName: 'App.Package' } }],
          },
        ],
      },
      {
        Name: 'Upload to S3',
        Actions: [
          {
            Name: 'Upload to S3',
            ActionType: 'Octopus.AwsUploadS3',
            StepPackageVersion: '1.0.0',
            Inputs: { authentication: { account, region: 'eu-west-1' }, bucket: 'shop-assets' },
            Properties: { 'Octopus.Action.Aws.Region': 'eu-west-1' },
          },
        ],
      },
    ],
  });
  expect(saved.status, saved.text).toBe(200);
  const tenant = await post('tenants', { Name: 'Acme', ProjectEnvironments: { [String(parent.Id)]: [production] } });
  const variablesPath = `/api/Spaces-1/tenants/${String(tenant.Id)}/variables`;
  const variables = (await http.get(variablesPath)).body as Json;
  const projectEntry = (variables.ProjectVariables as Json)[String(parent.Id)] as Json;
  const setEntry = (variables.LibraryVariables as Json)[String(set.Id)] as Json;
  const templateId = (templates: unknown, name: string) => String(((templates as Json[]).find((t) => t.Name === name) as Json).Id);
  const put = await http.put(variablesPath, {
    ...variables,
    ProjectVariables: { [String(parent.Id)]: { ...projectEntry, Variables: { [production]: { [templateId(projectEntry.Templates, 'Tenant.Aws')]: account } } } },
    LibraryVariables: { [String(set.Id)]: { ...setEntry, Variables: { [templateId(setEntry.Templates, 'Shared.Pool')]: pool } } },
  });
  expect(put.status, put.text).toBe(200);
  return { feed, certificate, pool, account, child: String(child.Id), template: String(template.Id), parent: String(parent.Id) };
}

async function all(http: SimHttp, collection: string): Promise<Json[]> {
  return (await http.get(`/api/Spaces-1/${collection}/all`)).body as Json[];
}

async function idNamed(http: SimHttp, collection: string, name: string): Promise<string> {
  const found = (await all(http, collection)).find((resource) => resource.Name === name);
  if (!found) throw new Error(`the destination has no ${collection} '${name}'`);
  return String(found.Id);
}

function actionNamed(process: Json, name: string): Json {
  const action = (process.Steps as Json[]).flatMap((step) => step.Actions as Json[]).find((candidate) => candidate.Name === name);
  if (!action) throw new Error(`no action '${name}'`);
  return action;
}

describe('ids in values', () => {
  it('a source with ids in values round-trips to a destination with other ids: every reference names the resource of the same name', async () => {
    const sourceIds = await buildSource(simHttp(source));
    await createAccounts(source, destination);
    await repo.snapshot(source);

    // Git holds names, never the source's ids.
    const files = await readFiles(repo.dir, (await listFiles(repo.dir)).filter((file) => file.startsWith('spaces/')));
    const text = [...files.values()].join('\n');
    for (const id of Object.values(sourceIds)) expect(text).not.toContain(id);

    await repo.writeDestination('production', {
      server: destination.url,
      apiKey: { env: 'DEST_KEY' },
      branch: 'source',
      overlays: { secrets: { 'certificates/Web TLS': { CertificateData: { valueFrom: { env: 'TLS_DATA' } } } } },
    });
    const env = { DEST_KEY: destination.apiKey, GIT_TOKEN: 'test-git-token', TLS_DATA: Buffer.from(SAMPLE_CERTIFICATE_PEM).toString('base64') };
    const applied = await runApply({ repo: repo.dir, destination: 'production', env });
    expect(applied.result).toBe('success');
    const again = await preparePlan({ repo: repo.dir, destination: 'production', env });
    await again.client.close();
    expect(again.plan.changes.map((change) => `${change.action} ${change.kind} ${change.name}`)).toEqual([]);

    const http = simHttp(destination);
    const want = {
      feed: await idNamed(http, 'feeds', 'Internal NuGet'),
      certificate: await idNamed(http, 'certificates', 'Web TLS'),
      pool: await idNamed(http, 'workerpools', 'Linux Workers'),
      account: await idNamed(http, 'accounts', 'AWS Production'),
      child: await idNamed(http, 'projects', 'Child'),
      template: await idNamed(http, 'actiontemplates', 'Deploy web app'),
      parent: await idNamed(http, 'projects', 'Parent'),
    };
    for (const [what, id] of Object.entries(want)) expect(id, what).not.toBe(sourceIds[what as keyof SourceIds]);

    const parent = (await http.get(`/api/Spaces-1/projects/${want.parent}`)).body as Json;
    const process = (await http.get(`/api/Spaces-1/deploymentprocesses/${String(parent.DeploymentProcessId)}`)).body as Json;
    const deployChild = actionNamed(process, 'Deploy child');
    expect(deployChild.Properties).toMatchObject({ 'Octopus.Action.DeployRelease.ProjectId': want.child });
    expect(deployChild.Packages).toEqual([expect.objectContaining({ Name: '', PackageId: want.child, FeedId: 'feeds-builtin-releases' })]);
    const templated = actionNamed(process, 'Deploy web app');
    expect(templated.Properties).toMatchObject({
      'Octopus.Action.Template.Id': want.template,
      'App.Certificate': want.certificate,
      'App.Pool': want.pool,
      'App.Aws': want.account,
    });
    expect(JSON.parse(String((templated.Properties as Json)['App.Package']))).toEqual({ PackageId: 'WebShop', FeedId: want.feed });
    expect(templated.Packages).toEqual([expect.objectContaining({ Name: 'App.Package', PackageId: null, FeedId: null })]);
    expect(actionNamed(process, 'Upload to S3').Inputs).toEqual({ authentication: { account: want.account, region: 'eu-west-1' }, bucket: 'shop-assets' });

    const template = (await http.get(`/api/Spaces-1/actiontemplates/${want.template}`)).body as Json;
    const defaults = Object.fromEntries((template.Parameters as Json[]).map((parameter) => [parameter.Name, parameter.DefaultValue]));
    expect(defaults).toMatchObject({ 'App.Certificate': want.certificate, 'App.Pool': want.pool, 'App.Aws': want.account });
    expect(JSON.parse(String(defaults['App.Package']))).toEqual({ PackageId: 'WebShop', FeedId: want.feed });

    expect((parent.Templates as Json[]).find((t) => t.Name === 'Tenant.Certificate')?.DefaultValue).toBe(want.certificate);
    const set = (await all(http, 'libraryvariablesets')).find((candidate) => candidate.Name === 'Shared') as Json;
    expect((set.Templates as Json[])[0]?.DefaultValue).toBe(want.pool);

    const tenant = (await all(http, 'tenants')).find((candidate) => candidate.Name === 'Acme') as Json;
    const variables = (await http.get(`/api/Spaces-1/tenants/${String(tenant.Id)}/variables`)).body as Json;
    const projectEntry = (variables.ProjectVariables as Json)[want.parent] as Json;
    const awsTemplate = (projectEntry.Templates as Json[]).find((t) => t.Name === 'Tenant.Aws') as Json;
    expect(Object.values(projectEntry.Variables as Json).map((values) => (values as Json)[String(awsTemplate.Id)])).toEqual([want.account]);
    const setEntry = Object.values(variables.LibraryVariables as Json)[0] as Json;
    expect(Object.values(setEntry.Variables as Json)).toEqual([want.pool]);

    // Nothing in the destination holds one of the source's ids.
    const everything = JSON.stringify(await Promise.all(['projects', 'actiontemplates', 'libraryvariablesets', 'tenants', 'tenantvariables'].map((c) => all(http, c))));
    const processes = JSON.stringify((await http.get('/api/Spaces-1/deploymentprocesses?take=2147483647')).body);
    for (const id of Object.values(sourceIds)) {
      expect(everything, id).not.toContain(`"${id}"`);
      expect(processes, id).not.toContain(id);
    }
  });
});

describe('names the destination lacks', () => {
  it('an account named by a template parameter value, a parameter default and a tenant value is a plan problem for each, and nothing is written', async () => {
    await buildSource(simHttp(source));
    await repo.snapshot(source);
    // The destination has no accounts: they are never synced.
    await repo.writeDestination('production', { server: destination.url, apiKey: { env: 'DEST_KEY' }, branch: 'source', missingSecrets: 'placeholder' });
    const prepared = await preparePlan({ repo: repo.dir, destination: 'production', env: { DEST_KEY: destination.apiKey } });
    await prepared.client.close();
    expect(prepared.plan.problems.filter((problem) => problem.message.includes("account 'AWS Production'")).map((problem) => problem.where).sort()).toEqual([
      "deployment process 'Parent' /Steps/1/Actions/0/Properties/App.Aws",
      "deployment process 'Parent' /Steps/2/Actions/0/Inputs",
      "step template 'Deploy web app' /Parameters/3/DefaultValue",
      "tenant 'Acme' /Variables/Projects/Parent/Tenant.Aws/0",
    ]);
    destination.knobs.resetCounts();
    await expect(runApply({ repo: repo.dir, destination: 'production', env: { DEST_KEY: destination.apiKey } })).rejects.toThrow(/nothing was applied/);
    const { byMethod } = destination.knobs.requestCounts();
    expect([byMethod.POST, byMethod.PUT, byMethod.DELETE]).toEqual([undefined, undefined, undefined]);
  });
});

describe('references octosync refused to snapshot before', () => {
  it('a manual intervention for built-in teams and a step with a git repository: snapshot, validate, plan and apply accept them', async () => {
    const http = simHttp(source);
    const credential = (name: string) => ({ Name: name, Details: { Type: 'UsernamePassword', Username: 'octobot', Password: { HasValue: true, NewValue: 'git-secret' } } });
    const sourceCredential = (await postCreated(http, '/api/Spaces-1/git-credentials', credential('GitHub bot'))) as Json;
    const project = await postCreated(http, '/api/Spaces-1/projects', { Name: 'Web Shop', ...(await defaultProjectFields(http)) });
    const path = `/api/Spaces-1/deploymentprocesses/${String(project.DeploymentProcessId)}`;
    const dependency = { Name: '', RepositoryUri: 'https://github.com/example/deploy.git', DefaultBranch: 'main', GitCredentialType: 'Library', GitCredentialId: sourceCredential.Id, FilePathFilters: ['scripts/deploy.sh'] };
    const saved = await http.put(path, {
      ...((await http.get(path)).body as Json),
      Steps: [
        { Name: 'Approve', Actions: [{ Name: 'Approve', ActionType: 'Octopus.Manual', Properties: { 'Octopus.Action.Manual.Instructions': 'Check the dashboards.', 'Octopus.Action.Manual.ResponsibleTeamIds': 'teams-managers,teams-everyone' } }] },
        { Name: 'Run from Git', Actions: [{ Name: 'Run from Git', ActionType: 'Octopus.Script', GitDependencies: [dependency], Properties: { 'Octopus.Action.Script.ScriptSource': 'GitRepository', 'Octopus.Action.Script.ScriptFileName': 'scripts/deploy.sh' } }] },
      ],
    });
    expect(saved.status, saved.text).toBe(200);
    // The destination has its own credential of that name: apply updates it and keeps its password.
    const destinationCredential = (await postCreated(simHttp(destination), '/api/Spaces-1/git-credentials', credential('GitHub bot'))) as Json;
    expect(destinationCredential.Id).not.toBe(sourceCredential.Id);

    await repo.snapshot(source);
    const processFile = (await readFiles(repo.dir, ['spaces/default/projects/web-shop/deployment-process.yaml'])).get('spaces/default/projects/web-shop/deployment-process.yaml') ?? '';
    expect(processFile).toContain('Octopus.Action.Manual.ResponsibleTeamIds: Octopus Managers,Everyone');
    expect(processFile).toContain('GitCredential: GitHub bot');
    expect(processFile).not.toContain(String(sourceCredential.Id));

    await repo.writeDestination('production', { server: destination.url, apiKey: { env: 'DEST_KEY' }, branch: 'source' });
    const env = { DEST_KEY: destination.apiKey };
    const prepared = await preparePlan({ repo: repo.dir, destination: 'production', env });
    await prepared.client.close();
    expect(prepared.plan.problems).toEqual([]);
    expect((await runApply({ repo: repo.dir, destination: 'production', env })).result).toBe('success');
    const copied = (await all(simHttp(destination), 'projects')).find((candidate) => candidate.Name === 'Web Shop') as Json;
    const process = (await simHttp(destination).get(`/api/Spaces-1/deploymentprocesses/${String(copied.DeploymentProcessId)}`)).body as Json;
    expect((actionNamed(process, 'Approve').Properties as Json)['Octopus.Action.Manual.ResponsibleTeamIds']).toBe('teams-managers,teams-everyone');
    expect(actionNamed(process, 'Run from Git').GitDependencies).toEqual([{ ...dependency, GitCredentialId: destinationCredential.Id, GitHubConnectionId: null, StepPackageInputsReferenceId: null }]);
  });

  it('a git credential the destination does not have, without a password in the overlay, is a plan problem naming it, and nothing is written', async () => {
    const http = simHttp(source);
    const sourceCredential = (await postCreated(http, '/api/Spaces-1/git-credentials', { Name: 'Only here', Details: { Type: 'UsernamePassword', Username: 'u', Password: { HasValue: true, NewValue: 'p' } } })) as Json;
    const project = await postCreated(http, '/api/Spaces-1/projects', { Name: 'Web Shop', ...(await defaultProjectFields(http)) });
    const path = `/api/Spaces-1/deploymentprocesses/${String(project.DeploymentProcessId)}`;
    const dependency = { Name: '', RepositoryUri: 'https://example.com/r.git', DefaultBranch: 'main', GitCredentialType: 'Library', GitCredentialId: sourceCredential.Id };
    const step = { Name: 'Run from Git', Actions: [{ Name: 'Run from Git', ActionType: 'Octopus.Script', GitDependencies: [dependency], Properties: { 'Octopus.Action.Script.ScriptSource': 'GitRepository' } }] };
    expect((await http.put(path, { ...((await http.get(path)).body as Json), Steps: [step] })).status).toBe(200);
    await repo.snapshot(source);
    await repo.writeDestination('production', { server: destination.url, apiKey: { env: 'DEST_KEY' }, branch: 'source' });
    destination.knobs.resetCounts();
    await expect(runApply({ repo: repo.dir, destination: 'production', env: { DEST_KEY: destination.apiKey } })).rejects.toThrow(
      /git credential 'Only here'.*cannot be created without Details\.Password: supply it in the destination's overlay \(secrets\.git-credentials\/Only here\.Details\.Password/,
    );
    const { byMethod } = destination.knobs.requestCounts();
    expect([byMethod.POST, byMethod.PUT, byMethod.DELETE]).toEqual([undefined, undefined, undefined]);
  });
});
