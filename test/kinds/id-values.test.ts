// Ids in values, field by field: what is known about a field first (control types, known
// properties, releases-feed packages), Octopus's id forms where nothing is known. Pure: live
// resources in, documents and payloads out.
import { describe, expect, it } from 'vitest';
import type { JsonObject, LiveSpace } from '../../src/core/document.js';
import { IdResolver, NameResolver, buildRefTable } from '../../src/core/refs.js';
import { controlValueToDocument, controlValueToPayload, referenceCollection } from '../../src/kinds/shared/control-type-values.js';
import { idsToTokens, jsonIdsToTokens, jsonTokensToIds, tokenReferences, tokensToIds } from '../../src/kinds/shared/id-forms.js';
import { packagesToDocument, packagesToPayload, propertiesToDocument, stepReferences, stepsToDocument } from '../../src/kinds/shared/process.js';

/** The same names under other ids in two instances. */
const source: LiveSpace = {
  feeds: [{ Id: 'Feeds-12', Name: 'Internal NuGet' }, { Id: 'feeds-builtin-releases', Name: 'Octopus Server Releases (built-in)', FeedType: 'OctopusProject' }],
  accounts: [{ Id: 'Accounts-3', Name: 'AWS Production' }],
  projects: [{ Id: 'Projects-7', Name: 'Child' }],
  certificates: [{ Id: 'Certificates-2', Name: 'Web TLS' }],
  workerpools: [{ Id: 'WorkerPools-4', Name: 'Linux Workers' }],
  environments: [{ Id: 'Environments-5', Name: 'Production' }, { Id: 'Environments-6', Name: 'Test' }],
  teams: [{ Id: 'teams-everyone', Name: 'Everyone', SpaceId: null }, { Id: 'Teams-9', Name: 'Release Managers', SpaceId: 'Spaces-1' }],
  gitcredentials: [{ Id: 'GitCredentials-1', Name: 'GitHub bot' }],
  actiontemplates: [{ Id: 'ActionTemplates-9', Name: 'Deploy web app', Parameters: [{ Name: 'App.Cert', DisplaySettings: { 'Octopus.ControlType': 'Certificate' } }] }],
};
const destination: LiveSpace = {
  feeds: [{ Id: 'Feeds-2001', Name: 'Internal NuGet' }, { Id: 'feeds-builtin-releases', Name: 'Octopus Server Releases (built-in)', FeedType: 'OctopusProject' }],
  accounts: [{ Id: 'Accounts-2002', Name: 'AWS Production' }],
  projects: [{ Id: 'Projects-2003', Name: 'Child' }],
  certificates: [{ Id: 'Certificates-2004', Name: 'Web TLS' }],
  workerpools: [{ Id: 'WorkerPools-2005', Name: 'Linux Workers' }],
  environments: [{ Id: 'Environments-2006', Name: 'Production' }, { Id: 'Environments-2007', Name: 'Test' }],
  teams: [{ Id: 'teams-everyone', Name: 'Everyone', SpaceId: null }, { Id: 'Teams-2008', Name: 'Release Managers', SpaceId: 'Spaces-1' }],
  gitcredentials: [{ Id: 'GitCredentials-2009', Name: 'GitHub bot' }],
  actiontemplates: [{ Id: 'ActionTemplates-2010', Name: 'Deploy web app', Version: 3, Parameters: [{ Name: 'App.Cert', DisplaySettings: { 'Octopus.ControlType': 'Certificate' } }] }],
};
const names = () => new NameResolver(buildRefTable(source));
const ids = () => new IdResolver(buildRefTable(destination));

describe('ids found by their form', () => {
  it.each([
    ['a whole value', 'Accounts-3', '{{octosync:accounts/AWS Production}}', 'Accounts-2002'],
    ['a comma-separated list', 'Environments-5,Environments-6', '{{octosync:environments/Production}},{{octosync:environments/Test}}', 'Environments-2006,Environments-2007'],
    ['JSON in a string', '{"account":"Accounts-3","feeds":["Feeds-12"],"note":"keep Accounts-3 in text"}', '{"account":"{{octosync:accounts/AWS Production}}","feeds":["{{octosync:feeds/Internal NuGet}}"],"note":"keep Accounts-3 in text"}', '{"account":"Accounts-2002","feeds":["Feeds-2001"],"note":"keep Accounts-3 in text"}'],
    ['a built-in team', 'teams-everyone', '{{octosync:teams/Everyone}}', 'teams-everyone'],
  ])('%s becomes a reference token and comes back as the destination id', (_what, value, document, payload) => {
    const resolver = names();
    expect(idsToTokens(value, resolver, 'here')).toBe(document);
    expect(resolver.problems).toEqual([]);
    const back = ids();
    expect(tokensToIds(document, back, 'here')).toBe(payload);
    expect(back.problems).toEqual([]);
  });

  it.each(['echo Accounts-3', 'Accounts-3 and more', '#{Accounts-3}', 'Production', '{not json Accounts-3}'])('leaves text that is not an id alone: %s', (value) => {
    expect(idsToTokens(value, names(), 'here')).toBe(value);
  });

  it('names the document and field of an id that resolves to nothing, and of a name the destination lacks', () => {
    const resolver = names();
    idsToTokens('Accounts-99', resolver, "deployment process 'Web Shop', Properties['X']");
    expect(resolver.problems).toEqual([{ where: "deployment process 'Web Shop', Properties['X']", message: "refers to accounts 'Accounts-99', which does not exist on the server" }]);
    const back = ids();
    tokensToIds('{{octosync:accounts/Nope}}', back, 'there');
    expect(back.problems).toEqual([{ where: 'there', message: "refers to account 'Nope', which does not exist in the destination" }]);
    expect(tokenReferences('{{octosync:accounts/AWS Production}},{{octosync:feeds/Internal NuGet}}', '/Properties/X')).toEqual([
      { pointer: '/Properties/X', kind: 'accounts', name: 'AWS Production' },
      { pointer: '/Properties/X', kind: 'feeds', name: 'Internal NuGet' },
    ]);
  });

  it('finds ids anywhere in step-package inputs', () => {
    const inputs = { authentication: { account: 'Accounts-3', region: 'eu-west-1' }, targets: ['WorkerPools-4'] };
    const document = jsonIdsToTokens(inputs, names(), 'inputs');
    expect(document).toEqual({ authentication: { account: '{{octosync:accounts/AWS Production}}', region: 'eu-west-1' }, targets: ['{{octosync:worker-pools/Linux Workers}}'] });
    expect(jsonTokensToIds(document, ids(), 'inputs')).toEqual({ authentication: { account: 'Accounts-2002', region: 'eu-west-1' }, targets: ['WorkerPools-2005'] });
  });
});

describe('values of control types', () => {
  it.each([
    ['Certificate', 'Certificates-2', 'Web TLS', 'Certificates-2004'],
    ['WorkerPool', 'WorkerPools-4', 'Linux Workers', 'WorkerPools-2005'],
    ['AmazonWebServicesAccount', 'Accounts-3', 'AWS Production', 'Accounts-2002'],
    ['Token', 'Accounts-3', 'AWS Production', 'Accounts-2002'],
    ['Package', '{"PackageId":"WebShop","FeedId":"Feeds-12"}', '{"PackageId":"WebShop","Feed":"Internal NuGet"}', '{"PackageId":"WebShop","FeedId":"Feeds-2001"}'],
    ['Package', '{"PackageId":"WebShop","FeedId":"feeds-builtin"}', '{"PackageId":"WebShop","Feed":"Octopus Server (built-in)"}', '{"PackageId":"WebShop","FeedId":"feeds-builtin"}'],
    ['Certificate', '#{Shared.Certificate}', '#{Shared.Certificate}', '#{Shared.Certificate}'],
    ['SingleLineText', 'Accounts-3', 'Accounts-3', 'Accounts-3'],
  ])('%s: %s', (type, value, document, payload) => {
    const resolver = names();
    expect(controlValueToDocument(type, value, resolver, 'here')).toBe(document);
    expect(resolver.problems).toEqual([]);
    expect(controlValueToPayload(type, document, ids(), 'here')).toBe(payload);
  });

  it.each(['AzureAccount', 'GoogleCloudAccount', 'GenericOidcAccount', 'UsernamePasswordAccount', 'SshKeyPair', 'AzureServicePrincipal'])('%s values are account ids', (type) => {
    expect(referenceCollection(type)).toBe('accounts');
  });
});

describe('processes', () => {
  const action = (fields: JsonObject): JsonObject => ({ Id: 'a1', Name: 'A', ActionType: 'Octopus.Script', ...fields });
  const steps = (fields: JsonObject) => [{ Id: 's1', Name: 'A', Actions: [action(fields)] }];

  it('a "Deploy a release" package names its project, a template parameter its certificate, a manual intervention its teams, a Git dependency its credential', () => {
    const resolver = names();
    const [step] = stepsToDocument(
      steps({
        ActionType: 'Octopus.DeployRelease',
        Properties: {
          'Octopus.Action.DeployRelease.ProjectId': 'Projects-7',
          'Octopus.Action.Template.Id': 'ActionTemplates-9',
          'App.Cert': 'Certificates-2',
          'Octopus.Action.Manual.ResponsibleTeamIds': 'teams-everyone,Teams-9',
        },
        Packages: [{ Id: 'p1', Name: '', PackageId: 'Projects-7', FeedId: 'feeds-builtin-releases', AcquisitionLocation: 'NotAcquired' }],
        GitDependencies: [{ Name: '', RepositoryUri: 'https://x/r.git', GitCredentialType: 'Library', GitCredentialId: 'GitCredentials-1' }],
      }),
      resolver,
      'deployment process',
    );
    expect(resolver.problems).toEqual([]);
    expect(step?.Actions).toEqual([
      expect.objectContaining({
        Properties: { 'Octopus.Action.DeployRelease.ProjectId': 'Child', 'Octopus.Action.Template.Id': 'Deploy web app', 'App.Cert': 'Web TLS', 'Octopus.Action.Manual.ResponsibleTeamIds': 'Everyone,Release Managers' },
        Packages: [{ Name: '', Project: 'Child', Feed: 'Octopus Server Releases (built-in)', AcquisitionLocation: 'NotAcquired' }],
        GitDependencies: [{ Name: '', RepositoryUri: 'https://x/r.git', GitCredentialType: 'Library', GitCredential: 'GitHub bot' }],
      }),
    ]);
    const context = { document: (kind: string, name: string) => (kind === 'step-templates' && name === 'Deploy web app' ? { kind: 'step-templates' as const, name, file: '', body: { Parameters: source.actiontemplates?.[0]?.Parameters ?? [] } } : undefined) };
    expect(stepReferences([step as JsonObject], '/Steps', 'Web Shop', context).map((ref) => `${ref.pointer} ${ref.kind} ${ref.name}`)).toEqual(
      expect.arrayContaining([
        '/Steps/0/Actions/0/Packages/0/Project projects Child',
        '/Steps/0/Actions/0/Properties/App.Cert certificates Web TLS',
        '/Steps/0/Actions/0/Properties/Octopus.Action.Manual.ResponsibleTeamIds teams Everyone',
        '/Steps/0/Actions/0/GitDependencies/0/GitCredential git-credentials GitHub bot',
      ]),
    );
  });

  it("a package from the releases feed is sent with the destination project's id", () => {
    const documents = packagesToDocument([{ Name: '', PackageId: 'Projects-7', FeedId: 'feeds-builtin-releases' }], names(), 'here');
    expect(packagesToPayload(documents, ids(), 'here')).toEqual([{ Name: '', PackageId: 'Projects-2003', FeedId: 'feeds-builtin-releases' }]);
  });

  it('an id in a property nothing describes is a token; one that resolves to nothing stops the snapshot with the document and field', () => {
    const resolver = names();
    expect(propertiesToDocument({ 'Some.Step.Account': 'Accounts-3', 'Some.Other': 'Feeds-404' }, resolver, "deployment process 'Web Shop', step 'A'")).toEqual({
      'Some.Step.Account': '{{octosync:accounts/AWS Production}}',
      'Some.Other': '{{octosync:feeds/Feeds-404}}',
    });
    expect(resolver.problems).toEqual([{ where: "deployment process 'Web Shop', step 'A', Properties['Some.Other']", message: "refers to feeds 'Feeds-404', which does not exist on the server" }]);
  });
});
