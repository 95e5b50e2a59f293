import { describe, expect, it } from 'vitest';
import type { JsonObject, KindDocument } from '../../src/core/document.js';
import { IdResolver, buildRefTable } from '../../src/core/refs.js';
import { stepTemplatePayload, stepTemplates } from '../../src/kinds/step-templates/index.js';
import { formatYaml, parseYaml } from '../../src/repo/yaml.js';
import { fixturesIn, idsIn, isolatedSchemaErrors, kindChecks, simulatorsClosedAfterEach, yamlOf } from '../support/kind-checks.js';
import { readLive } from '../support/live.js';
import { simHttp } from '../support/sim-http.js';
import { itWithReferenceData, readReferenceJson } from '../support/reference-data.js';

const fixture = fixturesIn(new URL('./step-templates/fixtures/', import.meta.url));
const exported = readReferenceJson('fixtures/actiontemplate-export-wait-until-time.json');
const notifySlack = fixture('simulator-actiontemplate-notify-slack.json');

const schema = isolatedSchemaErrors('step-templates', ['common', 'process']);

/**
 * The Library export as `GET /api/actiontemplates/{id}` answers it (each change explained in
 * fixtures/README.md): API id; export-only `$Meta`, `Category`, `SensitiveProperties` dropped;
 * fields the API always has added with a server's values. Name, Version, Properties and
 * Parameters' content are the export's.
 */
function asApiResponse(template: JsonObject): JsonObject {
  const { $Meta: _meta, Category: _category, SensitiveProperties: _sensitive, ...rest } = template;
  return {
    ...rest,
    Id: 'ActionTemplates-1',
    SpaceId: 'Spaces-1',
    CommunityActionTemplateId: null,
    Packages: [],
    Parameters: (rest.Parameters as JsonObject[]).map((parameter, index) => ({ Id: `3f1e8a52-0c1d-4d6e-9b7a-00000000000${index}`, ...parameter })),
    LastModifiedOn: '2016-09-15T10:46:20.183+00:00',
    Links: { Self: '/api/Spaces-1/actiontemplates/ActionTemplates-1' },
  };
}

const simulator = simulatorsClosedAfterEach();

const { documentsOf } = kindChecks(stepTemplates, 'actiontemplates');

describe('step-templates kind', () => {
  itWithReferenceData('normalizes a real template (a Library export in API shape) without ids or its Version', () => {
    const { docs, names } = documentsOf({ actiontemplates: [asApiResponse(exported)] });
    expect(names.problems).toEqual([]);
    const properties = exported.Properties as JsonObject;
    const parameter = (exported.Parameters as JsonObject[])[0]!;
    expect(docs).toEqual([
      {
        kind: 'step-templates',
        name: 'Wait until time',
        file: 'step-templates/wait-until-time.yaml',
        body: {
          Name: 'Wait until time',
          Description: 'Pauses the process until a given time',
          ActionType: 'Octopus.Script',
          Packages: [],
          Parameters: [
            {
              Name: 'DefaultTargetTime',
              DefaultValue: '',
              DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' },
              HelpText: parameter.HelpText,
              Label: 'Time to deploy',
            },
          ],
          Properties: {
            'Octopus.Action.Script.ScriptBody': properties['Octopus.Action.Script.ScriptBody'],
            'Octopus.Action.Script.Syntax': 'PowerShell',
          },
        },
      },
    ]);
    expect(idsIn(docs[0]!.body, { rules: 'processes' })).toEqual([]);
    expect(schema(docs[0]!.body)).toEqual([]);
    // The multi-line script stays one string: the YAML writer makes it a block literal.
    const text = formatYaml(docs[0]!.body);
    expect(text).toContain("Octopus.Action.Script.ScriptBody: |-\n    if(($DefaultTargetTime -eq $null-or $DefaultTargetTime -eq '')");
    expect(parseYaml(text, 'step-templates/wait-until-time.yaml').value).toEqual(docs[0]!.body);
  });

  it('writes sensitive properties as a marker only, and never the Version', () => {
    const { docs, names } = documentsOf({ actiontemplates: [notifySlack] });
    expect(names.problems).toEqual([]);
    const body = docs[0]!.body;
    expect((body.Properties as JsonObject)['Slack.WebhookUrl']).toEqual({ HasValue: true });
    expect(body).not.toHaveProperty('Version');
    expect((body.Parameters as JsonObject[]).map((p) => p.Name)).toEqual(['Slack.WebhookUrl', 'Slack.Channel', 'Slack.Message']);
    expect(idsIn(body, { rules: 'processes' })).toEqual([]);
    expect(schema(body)).toEqual([]);
  });

  it('writes a template installed from the community library as a reference to the library entry (name and website, never an id)', () => {
    const entry = { Id: 'CommunityActionTemplates-1493', Name: 'Slack - Notify', Website: 'https://library.octopus.com/step-templates/99e6f203-3061-4018-9e34-4a3a9c3c3179', Type: 'Octopus.Script' };
    const installed = { ...notifySlack, Name: 'Slack - Notify', CommunityActionTemplateId: 'CommunityActionTemplates-1493' };
    const { docs } = documentsOf({ actiontemplates: [installed], communityactiontemplates: [entry] });
    expect(docs[0]!.body).toEqual({ Name: 'Slack - Notify', CommunityTemplate: { Name: 'Slack - Notify', Website: entry.Website } });
    expect(schema(docs[0]!.body)).toEqual([]);
    // A reference with content besides is not a document octosync writes.
    expect(schema({ ...docs[0]!.body, ActionType: 'Octopus.Script' })).not.toEqual([]);
    // The server does not list the entry (its library switched off): the content, without the id.
    const { docs: unlisted } = documentsOf({ actiontemplates: [installed], communityactiontemplates: [] });
    expect(unlisted[0]!.body).not.toHaveProperty('CommunityActionTemplateId');
    expect(unlisted[0]!.body.ActionType).toBe('Octopus.Script');
  });

  itWithReferenceData('turns documents into payloads the simulator accepts and reads them back equal, with feeds by name', async () => {
    const source = await simulator();
    const sourceHttp = simHttp(source);
    const feed = (await sourceHttp.post('/api/Spaces-1/feeds', { Name: 'Internal NuGet', FeedType: 'NuGet', FeedUri: 'https://nuget.example.com' })).body as JsonObject;
    const created = await sourceHttp.post('/api/Spaces-1/actiontemplates', {
      ...asApiResponse(exported),
      Id: undefined,
      Packages: [{ Name: 'tools', PackageId: 'Wait.Tools', FeedId: feed.Id, AcquisitionLocation: 'Server', Properties: { Extract: 'True' } }],
      Properties: { ...(exported.Properties as JsonObject), 'Api.Key': { HasValue: true, NewValue: 'template-secret' } },
    });
    expect(created.status, created.text).toBe(201);
    const sourceLive = await readLive(source, stepTemplates.reads);
    const { docs, names } = documentsOf(sourceLive);
    expect(names.problems).toEqual([]);
    const [doc] = docs;
    expect((doc!.body.Packages as JsonObject[])[0]).toEqual({ Name: 'tools', AcquisitionLocation: 'Server', Feed: 'Internal NuGet', PackageId: 'Wait.Tools', Properties: { Extract: 'True' } });
    expect(JSON.stringify(doc)).not.toContain('template-secret');

    const destination = await simulator();
    const http = simHttp(destination);
    await http.post('/api/Spaces-1/feeds', { Name: 'Decoy', FeedType: 'NuGet', FeedUri: 'https://decoy.example.com' });
    const destinationFeed = (await http.post('/api/Spaces-1/feeds', { Name: 'Internal NuGet', FeedType: 'NuGet', FeedUri: 'https://nuget.example.com' })).body as JsonObject;
    expect(destinationFeed.Id).not.toBe(feed.Id);
    const ids = new IdResolver(buildRefTable(await readLive(destination, stepTemplates.reads)));
    const response = await http.post('/api/Spaces-1/actiontemplates', stepTemplates.toPayload(doc!, ids));
    expect(ids.problems).toEqual([]);
    expect(response.status, response.text).toBe(201);
    // A new template has no secret yet: the overlay supplies it. Everything else is equal.
    const readBack = documentsOf(await readLive(destination, stepTemplates.reads)).docs;
    expect(readBack).toEqual([{ ...doc, body: { ...doc!.body, Properties: { ...(doc!.body.Properties as JsonObject), 'Api.Key': { HasValue: false } } } }]);
    expect(((await http.get(`/api/Spaces-1/actiontemplates/${String(response.body.Id)}`)).body as JsonObject).Packages).toMatchObject([{ FeedId: destinationFeed.Id }]);
  });

  it('keeps a sensitive property and parameter Ids when updating with the existing template', async () => {
    const sim = await simulator('sample');
    const http = simHttp(sim);
    const live = await readLive(sim, stepTemplates.reads);
    const [doc] = documentsOf(live).docs.filter((d) => d.name === 'Notify Slack');
    const existing = (live.actiontemplates ?? []).find((t) => t.Name === 'Notify Slack')!;
    expect(sim.instance.store.secretValues()).toContain('sample-secret-slack-webhook-template-default');
    const changed = { ...doc!, body: { ...doc!.body, Description: 'Posts to Slack.' } };
    const ids = new IdResolver(buildRefTable(live));
    const response = await http.put(`/api/Spaces-1/actiontemplates/${String(existing.Id)}`, stepTemplatePayload(changed, ids, existing));
    expect(response.status, response.text).toBe(200);
    expect(sim.instance.store.secretValues()).toContain('sample-secret-slack-webhook-template-default');
    expect((response.body.Parameters as JsonObject[]).map((p) => p.Id)).toEqual((existing.Parameters as JsonObject[]).map((p) => p.Id));
    expect(documentsOf(await readLive(sim, stepTemplates.reads)).docs.find((d) => d.name === 'Notify Slack')).toEqual(changed);
  });

  it('names the template and package of a feed missing in the destination', () => {
    const doc: KindDocument = {
      kind: 'step-templates',
      name: 'Deploy tools',
      file: 'step-templates/deploy-tools.yaml',
      body: { Name: 'Deploy tools', ActionType: 'Octopus.TentaclePackage', Packages: [{ Name: '', PackageId: 'Tools', Feed: 'Internal NuGet' }], Parameters: [], Properties: {} },
    };
    const ids = new IdResolver(buildRefTable({}));
    stepTemplates.toPayload(doc, ids);
    expect(ids.problems).toEqual([{ where: "step template 'Deploy tools', primary package, Feed", message: "refers to feed 'Internal NuGet', which does not exist in the destination" }]);
  });

  it('writes every template of the sample instance, deterministically and without ids or secrets', async () => {
    const sim = await simulator('sample');
    const live = await readLive(sim, stepTemplates.reads);
    const { docs, names } = documentsOf(live);
    expect(names.problems).toEqual([]);
    expect(docs.map((doc) => doc.name).sort()).toEqual((live.actiontemplates ?? []).map((t) => String(t.Name)).sort());
    expect(docs.length).toBeGreaterThan(0);
    for (const doc of docs) {
      expect(idsIn(doc.body, { rules: 'processes' }), doc.file).toEqual([]);
      expect(schema(doc.body), doc.file).toEqual([]);
    }
    const text = yamlOf(docs);
    for (const secret of sim.instance.store.secretValues()) expect(text).not.toContain(secret);
    expect(yamlOf(documentsOf(await readLive(sim, stepTemplates.reads)).docs)).toBe(text);
  });

  it('has a schema that rejects ids, Version and secret values, and lets newer fields through', () => {
    const valid = { Name: 'Notify', ActionType: 'Octopus.Script', Parameters: [{ Name: 'Channel', DefaultValue: '#general' }], Properties: {}, Packages: [] };
    expect(schema(valid)).toEqual([]);
    expect(schema({ ...valid, SomethingNewer: [1] })).toEqual([]);
    expect(schema({ ...valid, Version: 4 })).not.toEqual([]);
    expect(schema({ ...valid, Id: 'ActionTemplates-1' })).not.toEqual([]);
    expect(schema({ ...valid, Parameters: [{ Id: '6bce4124-2427-46fa-8547-f8a36c8935be', Name: 'Channel' }] })).not.toEqual([]);
    expect(schema({ ...valid, Parameters: [{ Name: 'Key', DefaultValue: { HasValue: true, NewValue: 'secret' } }] })).not.toEqual([]);
    expect(schema({ ...valid, Packages: [{ Name: '', PackageId: 'X', FeedId: 'feeds-builtin' }] })).not.toEqual([]);
  });
});
