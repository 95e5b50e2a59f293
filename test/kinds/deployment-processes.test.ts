import { describe, expect, it } from 'vitest';
import type { Json, JsonObject, KindDocument } from '../../src/core/document.js';
import { IdResolver, buildRefTable } from '../../src/core/refs.js';
import { deploymentProcessPayload, deploymentProcesses } from '../../src/kinds/deployment-processes/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { formatYaml, parseYaml } from '../../src/repo/yaml.js';
import { idsIn, isolatedSchemaErrors, kindChecks, simulatorsClosedAfterEach, yamlOf } from '../support/kind-checks.js';
import { readLive } from '../support/live.js';
import { createProcessDecoys, deploymentProcessOf, postCreated, defaultProjectFields, simHttp } from '../support/sim-http.js';
import type { SimHttp } from '../support/sim-http.js';
import { itWithReferenceData, realWorld, recorded2018, recordedProjects22Owner } from '../support/reference-data.js';

const process22 = recorded2018('deploymentprocess');
const process41 = realWorld('03-dtw2018-deploymentprocess-projects-41.json');
const project22 = { ...recordedProjects22Owner };
const project41 = realWorld('01-dtw2018-project-salestaxengine.json');
const feedBuiltIn = recorded2018('feed-builtin');

const schema = isolatedSchemaErrors('deployment-processes', ['common', 'process']);

const simulator = simulatorsClosedAfterEach();

const { documentsOf, readDocuments } = kindChecks(deploymentProcesses, 'deploymentprocesses', { readOrder: 'as-listed' });

/** Builds a payload against the destination's live state and its existing process, and PUTs it. */
async function applyDocument(sim: Simulator, doc: KindDocument, withExisting = true): Promise<{ status: number; body: JsonObject; problems: unknown[] }> {
  const http = simHttp(sim);
  const ids = new IdResolver(buildRefTable(await readLive(sim, deploymentProcesses.reads)));
  const existing = await deploymentProcessOf(http, String(doc.body.Project));
  const payload = withExisting
    ? deploymentProcessPayload(doc, ids, existing)
    : { ...deploymentProcesses.toPayload(doc, ids), Id: existing.Id ?? null, Version: existing.Version ?? null };
  const response = await http.put(`/api/Spaces-1/deploymentprocesses/${String(existing.Id)}`, payload);
  return { status: response.status, body: response.body as JsonObject, problems: ids.problems };
}

interface SpaceIds {
  env: Record<string, string>;
  feed: Record<string, string>;
  pool: string;
  team: string;
  account: string;
  template: string;
  project: string;
  otherProject: string;
  hotfix: string;
}

/**
 * A space with everything a process refers to. `decoys` first creates unrelated resources, so the
 * same names get other ids than in a space built without them.
 */
async function buildSpace(http: SimHttp, decoys: boolean): Promise<SpaceIds> {
  const post = (path: string, body: unknown): Promise<JsonObject> => postCreated(http, `/api/Spaces-1/${path}`, body);
  const id = (resource: JsonObject) => String(resource.Id);
  if (decoys) await createProcessDecoys(http);
  const env: Record<string, string> = {};
  for (const name of ['Dev', 'Test', 'Production']) env[name] = id(await post('environments', { Name: name }));
  const feed = {
    nuget: id(await post('feeds', { Name: 'Internal NuGet', FeedType: 'NuGet', FeedUri: 'https://nuget.example.com/v3/index.json' })),
    docker: id(await post('feeds', { Name: 'Docker Hub', FeedType: 'Docker', FeedUri: 'https://index.docker.io' })),
  };
  await post('tagsets', { Name: 'Tier', Tags: [{ Name: 'Gold', Color: '#C5AF39' }] });
  const pool = id(await post('workerpools', { Name: 'Linux Workers', WorkerPoolType: 'StaticWorkerPool' }));
  const team = id(await post('teams', { Name: 'Release Managers' }));
  const account = id(
    await post('accounts', {
      Name: 'Azure Production',
      AccountType: 'AzureServicePrincipal',
      SubscriptionNumber: '00000000-0000-0000-0000-000000000001',
      ClientId: 'client',
      TenantId: 'tenant',
      Password: { HasValue: true, NewValue: 'account-secret' },
    }),
  );
  const template = id(
    await post('actiontemplates', {
      Name: 'Notify Slack',
      ActionType: 'Octopus.Script',
      Properties: { 'Octopus.Action.Script.ScriptBody': 'Send-Slack "#{Slack.Channel}"', 'Octopus.Action.Script.Syntax': 'PowerShell' },
      Parameters: [{ Name: 'Slack.Channel', Label: 'Channel', DefaultValue: '#general', DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } }],
    }),
  );
  const otherProject = id(await post('projects', { Name: 'Database', ...(await defaultProjectFields(http)) }));
  const project = id(await post('projects', { Name: 'Web Shop', ...(await defaultProjectFields(http)) }));
  const hotfix = id(await post('channels', { Name: 'Hotfix', ProjectId: project }));
  return { env, feed, pool, team, account, template, project, otherProject, hotfix };
}

/** A process using every kind of reference, in the API's own terms (the source's ids). */
function richSteps(ids: SpaceIds): JsonObject[] {
  const action = (name: string, fields: JsonObject): JsonObject => ({ Name: name, ...fields });
  const step = (name: string, actions: JsonObject[], fields: JsonObject = {}): JsonObject => ({ Name: name, Actions: actions, ...fields });
  return [
    step(
      'Deploy web',
      [
        action('Deploy web', {
          ActionType: 'Octopus.TentaclePackage',
          Environments: [ids.env.Production!, ids.env.Test!],
          Channels: [ids.hotfix],
          TenantTags: ['Tier/Gold'],
          Packages: [
            { Name: '', PackageId: 'WebShop.Web', FeedId: ids.feed.nuget!, AcquisitionLocation: 'Server', Properties: { SelectionMode: 'immediate' } },
            { Name: 'tools', PackageId: 'WebShop.Tools', FeedId: 'feeds-builtin', AcquisitionLocation: 'ExecutionTarget', Properties: { Extract: 'True' } },
          ],
          Properties: { 'Octopus.Action.Package.PackageId': 'WebShop.Web', 'Octopus.Action.Package.FeedId': ids.feed.nuget!, 'Octopus.Action.Package.DownloadOnTentacle': 'False' },
        }),
      ],
      { Properties: { 'Octopus.Action.TargetRoles': 'web-server', 'Octopus.Action.MaxParallelism': '2' } },
    ),
    step('Run migrations', [
      action('Run migrations', {
        ActionType: 'Octopus.Script',
        WorkerPoolId: ids.pool,
        Container: { FeedId: ids.feed.docker!, Image: 'octopusdeploy/worker-tools:6.1.0-ubuntu.22.04' },
        ExcludedEnvironments: [ids.env.Dev!],
        Properties: {
          'Octopus.Action.RunOnServer': 'true',
          'Octopus.Action.Script.ScriptSource': 'Inline',
          'Octopus.Action.Script.Syntax': 'Bash',
          'Octopus.Action.Script.ScriptBody': '#!/bin/bash\nset -euo pipefail\nmigrate --connection "#{Db}"\n',
          'Migrations.Token': { HasValue: true, NewValue: 'source-token-secret' },
        },
      }),
    ]),
    step('Approve', [
      action('Approve', {
        ActionType: 'Octopus.Manual',
        Environments: [ids.env.Production!],
        Properties: { 'Octopus.Action.Manual.Instructions': 'Check the dashboards.', 'Octopus.Action.Manual.ResponsibleTeamIds': `${ids.team},teams-everyone` },
      }),
    ]),
    step(
      'Rolling',
      [
        action('Azure script', {
          ActionType: 'Octopus.AzurePowerShell',
          Properties: { 'Octopus.Action.Azure.AccountId': ids.account, 'Octopus.Action.Script.ScriptBody': 'Get-AzResourceGroup' },
        }),
        action('Deploy database', {
          ActionType: 'Octopus.DeployRelease',
          Properties: { 'Octopus.Action.DeployRelease.ProjectId': ids.otherProject, 'Octopus.Action.DeployRelease.DeploymentCondition': 'Always' },
        }),
      ],
      { StartTrigger: 'StartWithPrevious', Condition: 'Always' },
    ),
    step('Notify', [
      action('Notify', {
        ActionType: 'Octopus.Script',
        WorkerPoolId: ids.pool,
        Properties: {
          'Octopus.Action.Template.Id': ids.template,
          'Octopus.Action.Template.Version': '0',
          'Octopus.Action.Script.ScriptBody': 'Send-Slack "#{Slack.Channel}"',
          'Slack.Channel': '#releases',
        },
      }),
    ]),
  ];
}

async function putSteps(http: SimHttp, projectName: string, steps: JsonObject[]): Promise<void> {
  const process = await deploymentProcessOf(http, projectName);
  const response = await http.put(`/api/Spaces-1/deploymentprocesses/${String(process.Id)}`, { ...process, Steps: steps });
  if (response.status !== 200) throw new Error(`PUT process: ${response.status} ${response.text}`);
}

describe('deployment-processes kind', () => {
  it('has a schema that rejects ids and server-managed fields, and lets newer fields through', () => {
    const valid = { Project: 'Web Shop', Steps: [{ Name: 'Run', Actions: [{ Name: 'Run', ActionType: 'Octopus.Script' }] }] };
    expect(schema(valid)).toEqual([]);
    expect(schema({ ...valid, ChangeDescription: 'newer field' })).toEqual([]);
    for (const field of ['ProjectId', 'DeploymentProcessId', 'Id', 'Version', 'LastSnapshotId']) expect(schema({ ...valid, [field]: 'x' }), field).not.toEqual([]);
    expect(schema({ ...valid, Steps: [{ ...valid.Steps[0], Id: '557370d3-ef08-47ac-a251-84f5a4552450' }] })).not.toEqual([]);
    expect(schema({ ...valid, Steps: [{ Name: 'Run', Actions: [] }] })).not.toEqual([]);
    expect(schema({ ...valid, Steps: [{ Name: 'Run', Actions: [{ Name: 'Run', ActionType: 'Octopus.Script', Container: { FeedId: 'Feeds-1' } }] }] })).not.toEqual([]);
  });

  itWithReferenceData('normalizes recorded real processes: no ids, names for ids, matched through DeploymentProcessId', () => {
    const { docs, names } = documentsOf({ projects: [project22, project41], deploymentprocesses: [process41, process22], feeds: [feedBuiltIn] });
    expect(names.problems).toEqual([]);
    expect(docs).toEqual([
      {
        kind: 'deployment-processes',
        name: 'SalesTaxEngine',
        file: 'projects/salestaxengine/deployment-process.yaml',
        body: {
          Project: 'SalesTaxEngine',
          Steps: [
            {
              Name: 'Deploy Service',
              Actions: [
                {
                  Name: 'Deploy Service',
                  ActionType: 'Octopus.WindowsService',
                  CanBeUsedForProjectVersioning: true,
                  IsDisabled: false,
                  IsRequired: false,
                  Packages: [{ Name: '', AcquisitionLocation: 'Server', Feed: 'Octopus Server (built-in)', PackageId: 'Contoso.Utility.UsefulStuff', Properties: {} }],
                  Properties: {
                    'Octopus.Action.EnabledFeatures':
                      'Octopus.Features.WindowsService,Octopus.Features.CustomDirectory,Octopus.Features.ConfigurationVariables,Octopus.Features.ConfigurationTransforms',
                    'Octopus.Action.Package.AutomaticallyRunConfigurationTransformationFiles': 'True',
                    'Octopus.Action.Package.AutomaticallyUpdateAppSettingsAndConnectionStrings': 'True',
                    'Octopus.Action.Package.CustomInstallationDirectory': 'D:\\Applications\\TestService',
                    'Octopus.Action.Package.CustomInstallationDirectoryShouldBePurgedBeforeDeployment': 'True',
                    'Octopus.Action.Package.DownloadOnTentacle': 'False',
                    'Octopus.Action.Package.FeedId': 'Octopus Server (built-in)',
                    'Octopus.Action.Package.PackageId': 'Contoso.Utility.UsefulStuff',
                    'Octopus.Action.WindowsService.CreateOrUpdateService': 'True',
                    'Octopus.Action.WindowsService.DisplayName': 'TestService',
                    'Octopus.Action.WindowsService.ExecutablePath': 'TestService.exe',
                    'Octopus.Action.WindowsService.ServiceAccount': 'LocalSystem',
                    'Octopus.Action.WindowsService.ServiceName': 'TestService',
                    'Octopus.Action.WindowsService.StartMode': 'auto',
                  },
                },
              ],
              Condition: 'Success',
              PackageRequirement: 'LetOctopusDecide',
              Properties: { 'Octopus.Action.TargetRoles': 'MessageQueue' },
              StartTrigger: 'StartAfterPrevious',
            },
          ],
        },
      },
      {
        kind: 'deployment-processes',
        name: 'TestProj2',
        file: 'projects/testproj2/deployment-process.yaml',
        body: {
          Project: 'TestProj2',
          Steps: [
            {
              Name: 'Hello world again',
              Actions: [
                {
                  Name: 'Hello world again',
                  ActionType: 'Octopus.Script',
                  CanBeUsedForProjectVersioning: false,
                  IsDisabled: false,
                  IsRequired: false,
                  Properties: {
                    'Octopus.Action.RunOnServer': 'false',
                    'Octopus.Action.Script.ScriptBody': 'Write-Host "Hello, hello again!"',
                    'Octopus.Action.Script.ScriptSource': 'Inline',
                    'Octopus.Action.Script.Syntax': 'PowerShell',
                  },
                },
              ],
              Condition: 'Success',
              PackageRequirement: 'LetOctopusDecide',
              Properties: { 'Octopus.Action.TargetRoles': 'TestRole' },
              StartTrigger: 'StartAfterPrevious',
            },
          ],
        },
      },
    ]);
    for (const doc of docs) {
      expect(idsIn(doc.body, { rules: 'processes' })).toEqual([]);
      expect(schema(doc.body)).toEqual([]);
    }
  });

  itWithReferenceData('names the built-in feed even when the feed list holds no such feed', () => {
    const { docs, names } = documentsOf({ projects: [project41], deploymentprocesses: [process41] });
    expect(names.problems).toEqual([]);
    const action = ((docs[0]!.body.Steps as JsonObject[])[0]!.Actions as JsonObject[])[0]!;
    expect((action.Packages as JsonObject[])[0]!.Feed).toBe('Octopus Server (built-in)');
  });

  itWithReferenceData('writes nothing for a project whose process is not in the collection (version-controlled projects)', () => {
    const { docs } = documentsOf({ projects: [project22, { ...project41, DeploymentProcessId: null }], deploymentprocesses: [process22] });
    expect(docs.map((doc) => doc.name)).toEqual(['TestProj2']);
  });

  itWithReferenceData('gives project folders the slugs the projects kind gives them', () => {
    const clash = { ...project41, Name: 'testproj2' };
    const { docs } = documentsOf({ projects: [project22, clash], deploymentprocesses: [process22, process41] });
    // uniqueSlugs sorts names ordinally: 'TestProj2' < 'testproj2', so the first keeps the plain slug.
    expect(docs.map((doc) => [doc.name, doc.file])).toEqual([
      ['TestProj2', 'projects/testproj2/deployment-process.yaml'],
      ['testproj2', 'projects/testproj2-2/deployment-process.yaml'],
    ]);
  });

  itWithReferenceData('is deterministic: the same bytes whatever order the server lists things in', () => {
    const live = { projects: [project22, project41], deploymentprocesses: [process22, process41], feeds: [feedBuiltIn] };
    const reversed = {
      projects: [project41, project22],
      deploymentprocesses: [process41, process22].map((p) => JSON.parse(JSON.stringify(p), (_key, value: Json) => (isPlainObject(value) ? reverseKeys(value) : value)) as JsonObject),
      feeds: [feedBuiltIn],
    };
    expect(yamlOf(documentsOf(reversed).docs)).toBe(yamlOf(documentsOf(live).docs));
    expect(yamlOf(documentsOf(live).docs)).toContain('Octopus.Action.Script.ScriptBody: Write-Host "Hello, hello again!"');
  });

  itWithReferenceData('turns recorded processes into payloads the simulator accepts, and reads them back equal', async () => {
    const sim = await simulator();
    const http = simHttp(sim);
    for (const name of ['TestProj2', 'SalesTaxEngine']) {
      expect((await http.post('/api/Spaces-1/projects', { Name: name, ...(await defaultProjectFields(http)) })).status).toBe(201);
    }
    const { docs } = documentsOf({ projects: [project22, project41], deploymentprocesses: [process22, process41], feeds: [feedBuiltIn] });
    for (const doc of docs) {
      const result = await applyDocument(sim, doc);
      expect(result.problems).toEqual([]);
      expect(result.status, JSON.stringify(result.body)).toBe(200);
    }
    // A 2018 server's actions have no `Condition`; newer servers (the 2021.2 swagger onwards, and
    // the simulator) answer with their default, `Success`. Nothing else may differ.
    const withDefault = structuredClone(docs);
    for (const doc of withDefault) {
      for (const step of doc.body.Steps as JsonObject[]) for (const action of step.Actions as JsonObject[]) action.Condition = 'Success';
    }
    expect(await readDocuments(sim)).toEqual(withDefault);
  });

  it('round-trips a process with every kind of reference into an instance where the same names have other ids', async () => {
    const source = await simulator();
    const sourceIds = await buildSpace(simHttp(source), false);
    await putSteps(simHttp(source), 'Web Shop', richSteps(sourceIds));
    const [doc] = (await readDocuments(source)).filter((d) => d.name === 'Web Shop');
    expect(doc).toBeDefined();
    expect(idsIn(doc!.body, { rules: 'processes' })).toEqual([]);
    expect(schema(doc!.body)).toEqual([]);
    expect(JSON.stringify(doc)).not.toContain('source-token-secret');
    const text = formatYaml(doc!.body);
    expect(text).toContain('Octopus.Action.Script.ScriptBody: |\n            #!/bin/bash\n            set -euo pipefail\n');
    expect(parseYaml(text, doc!.file).value).toEqual(doc!.body);
    const actions = (doc!.body.Steps as JsonObject[]).flatMap((step) => step.Actions as JsonObject[]);
    const byName = (name: string) => actions.find((action) => action.Name === name)!;
    expect(byName('Deploy web')).toMatchObject({
      Environments: ['Production', 'Test'],
      Channels: ['Hotfix'],
      TenantTags: ['Tier/Gold'],
      Packages: [
        { Name: '', Feed: 'Internal NuGet', PackageId: 'WebShop.Web' },
        { Name: 'tools', Feed: 'Octopus Server (built-in)', PackageId: 'WebShop.Tools' },
      ],
    });
    expect((byName('Deploy web').Properties as JsonObject)['Octopus.Action.Package.FeedId']).toBe('Internal NuGet');
    expect(byName('Run migrations')).toMatchObject({
      WorkerPool: 'Linux Workers',
      Container: { Feed: 'Docker Hub', Image: 'octopusdeploy/worker-tools:6.1.0-ubuntu.22.04' },
      ExcludedEnvironments: ['Dev'],
      Properties: { 'Migrations.Token': { HasValue: true } },
    });
    expect((byName('Approve').Properties as JsonObject)['Octopus.Action.Manual.ResponsibleTeamIds']).toBe('Release Managers,Everyone');
    expect((byName('Azure script').Properties as JsonObject)['Octopus.Action.Azure.AccountId']).toBe('Azure Production');
    expect((byName('Deploy database').Properties as JsonObject)['Octopus.Action.DeployRelease.ProjectId']).toBe('Database');
    expect(byName('Notify').Properties).toMatchObject({ 'Octopus.Action.Template.Id': 'Notify Slack' });
    expect(byName('Notify').Properties).not.toHaveProperty(['Octopus.Action.Template.Version']);
    expect(deploymentProcesses.references?.(doc!)).toEqual(
      expect.arrayContaining([
        { pointer: '/Project', kind: 'projects', name: 'Web Shop' },
        { pointer: '/Steps/0/Actions/0/Channels/0', kind: 'channels', name: 'Hotfix', project: 'Web Shop' },
        { pointer: '/Steps/1/Actions/0/WorkerPool', kind: 'worker-pools', name: 'Linux Workers' },
        { pointer: '/Steps/2/Actions/0/Properties/Octopus.Action.Manual.ResponsibleTeamIds', kind: 'teams', name: 'Everyone' },
        { pointer: '/Steps/3/Actions/0/Properties/Octopus.Action.Azure.AccountId', kind: 'accounts', name: 'Azure Production' },
        { pointer: '/Steps/4/Actions/0/Properties/Octopus.Action.Template.Id', kind: 'step-templates', name: 'Notify Slack' },
      ]),
    );

    const destination = await simulator();
    const destinationIds = await buildSpace(simHttp(destination), true);
    expect(destinationIds.project).not.toBe(sourceIds.project);
    expect(destinationIds.feed.nuget).not.toBe(sourceIds.feed.nuget);
    // The overlay supplies the secret (the document only says there is one).
    const withSecret = structuredClone(doc!);
    const migrations = ((withSecret.body.Steps as JsonObject[])[1]!.Actions as JsonObject[])[0]!;
    (migrations.Properties as JsonObject)['Migrations.Token'] = { NewValue: 'destination-token-secret' };
    const result = await applyDocument(destination, withSecret);
    expect(result.problems).toEqual([]);
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    const stored = await deploymentProcessOf(simHttp(destination), 'Web Shop');
    const storedActions = (stored.Steps as JsonObject[]).flatMap((step) => step.Actions as JsonObject[]);
    expect(storedActions.find((action) => action.Name === 'Run migrations')).toMatchObject({ WorkerPoolId: destinationIds.pool, Container: { FeedId: destinationIds.feed.docker } });
    expect((await readDocuments(destination)).find((d) => d.name === 'Web Shop')).toEqual(doc);
  });

  it('keeps a sensitive property when the PUT is built with the existing process (and only then)', async () => {
    const sim = await simulator();
    const http = simHttp(sim);
    const ids = await buildSpace(http, false);
    await putSteps(http, 'Web Shop', richSteps(ids));
    expect(sim.instance.store.secretValues()).toContain('source-token-secret');
    const [doc] = (await readDocuments(sim)).filter((d) => d.name === 'Web Shop');
    // A change elsewhere in the process, as a pull request would bring.
    const changed = structuredClone(doc!);
    (changed.body.Steps as JsonObject[])[0]!.Condition = 'Always';

    const kept = await applyDocument(sim, changed);
    expect(kept.status, JSON.stringify(kept.body)).toBe(200);
    expect(sim.instance.store.secretValues()).toContain('source-token-secret');
    expect((await readDocuments(sim)).find((d) => d.name === 'Web Shop')).toEqual(changed);

    // Without the existing process, steps and actions get new Ids and the secret has nothing to stay with.
    const lost = await applyDocument(sim, doc!, false);
    expect(lost.status, JSON.stringify(lost.body)).toBe(200);
    expect(sim.instance.store.secretValues()).not.toContain('source-token-secret');
    const after = (await readDocuments(sim)).find((d) => d.name === 'Web Shop')!;
    const migrations = ((after.body.Steps as JsonObject[])[1]!.Actions as JsonObject[])[0]!;
    expect((migrations.Properties as JsonObject)['Migrations.Token']).toEqual({ HasValue: false });
  });

  it('points a template reference at the destination template and its own current Version', async () => {
    const source = await simulator();
    const sourceIds = await buildSpace(simHttp(source), false);
    await putSteps(simHttp(source), 'Web Shop', richSteps(sourceIds));
    const [doc] = (await readDocuments(source)).filter((d) => d.name === 'Web Shop');

    const destination = await simulator();
    const http = simHttp(destination);
    const destinationIds = await buildSpace(http, true);
    // The destination's template has been saved more often than the source's.
    for (let i = 0; i < 3; i += 1) {
      const template = (await http.get(`/api/Spaces-1/actiontemplates/${destinationIds.template}`)).body as JsonObject;
      expect((await http.put(`/api/Spaces-1/actiontemplates/${destinationIds.template}`, { ...template, Description: `save ${i}` })).status).toBe(200);
    }
    const template = (await http.get(`/api/Spaces-1/actiontemplates/${destinationIds.template}`)).body as JsonObject;
    expect(template.Version).toBe(3);

    const result = await applyDocument(destination, doc!);
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    const notify = ((await deploymentProcessOf(http, 'Web Shop')).Steps as JsonObject[]).flatMap((step) => step.Actions as JsonObject[]).find((a) => a.Name === 'Notify')!;
    expect(notify.Properties).toMatchObject({ 'Octopus.Action.Template.Id': destinationIds.template, 'Octopus.Action.Template.Version': '3' });
    const readBack = (await readDocuments(destination)).find((d) => d.name === 'Web Shop')!;
    const notifyDoc = (readBack.body.Steps as JsonObject[]).flatMap((step) => step.Actions as JsonObject[]).find((a) => a.Name === 'Notify')!;
    expect(notifyDoc.Properties).toEqual((((doc!.body.Steps as JsonObject[])[4]!.Actions as JsonObject[])[0]! as JsonObject).Properties);
  });

  it('names the step, action and field of a feed or worker pool missing in the destination', () => {
    const doc: KindDocument = {
      kind: 'deployment-processes',
      name: 'Web Shop',
      file: 'projects/web-shop/deployment-process.yaml',
      body: {
        Project: 'Web Shop',
        Steps: [
          {
            Name: 'Deploy web',
            Actions: [
              {
                Name: 'Deploy web',
                ActionType: 'Octopus.TentaclePackage',
                WorkerPool: 'Linux Workers',
                Packages: [{ Name: '', PackageId: 'WebShop.Web', Feed: 'Internal NuGet' }],
                Container: { Feed: 'Docker Hub', Image: 'worker-tools' },
                Properties: { 'Octopus.Action.Package.FeedId': 'Internal NuGet', 'Octopus.Action.Script.ScriptBody': '#{Script}' },
              },
            ],
          },
        ],
      },
    };
    const ids = new IdResolver(buildRefTable({ projects: [{ Id: 'Projects-7', Name: 'Web Shop' }] }));
    const payload = deploymentProcesses.toPayload(doc, ids);
    const where = "deployment process 'Web Shop', step 'Deploy web', action 'Deploy web'";
    expect(ids.problems).toEqual([
      { where: `${where}, WorkerPool`, message: "refers to worker pool 'Linux Workers', which does not exist in the destination" },
      { where: `${where}, Container.Feed`, message: "refers to feed 'Docker Hub', which does not exist in the destination" },
      { where: `${where}, primary package, Feed`, message: "refers to feed 'Internal NuGet', which does not exist in the destination" },
      { where: `${where}, Properties['Octopus.Action.Package.FeedId']`, message: "refers to feed 'Internal NuGet', which does not exist in the destination" },
    ]);
    expect(payload.ProjectId).toBe('Projects-7');
  });

  it('writes every process of the sample instance without ids or secrets', async () => {
    const sim = await simulator('sample');
    const live = await readLive(sim, deploymentProcesses.reads);
    const { docs, names } = documentsOf(live);
    expect(names.problems).toEqual([]);
    // A version-controlled project's process is in its repository, not among these.
    expect(docs.map((doc) => doc.name)).toEqual(
      (live.projects ?? [])
        .filter((project) => project.IsVersionControlled !== true)
        .map((project) => String(project.Name))
        .sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())),
    );
    for (const doc of docs) {
      expect(idsIn(doc.body, { rules: 'processes' }), doc.file).toEqual([]);
      expect(schema(doc.body), doc.file).toEqual([]);
    }
    const text = yamlOf(docs);
    for (const secret of sim.instance.store.secretValues()) expect(text).not.toContain(secret);
    // Snapshot twice → the same bytes.
    expect(yamlOf(documentsOf(await readLive(sim, deploymentProcesses.reads)).docs)).toBe(text);
  });
});

function isPlainObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function reverseKeys(value: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(value).reverse());
}
