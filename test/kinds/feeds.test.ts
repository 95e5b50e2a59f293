import { describe, expect, it } from 'vitest';
import type { JsonObject, LiveSpace } from '../../src/core/document.js';
import { IdResolver, NameResolver, buildRefTable } from '../../src/core/refs.js';
import { feeds } from '../../src/kinds/feeds/index.js';
import { byFile, fixturesIn, idsIn, kindChecks, productSchemas, simulatorsClosedAfterEach } from '../support/kind-checks.js';
import { itWithReferenceData, recorded2018 } from '../support/reference-data.js';

const fixture = fixturesIn(new URL('./feeds/fixtures/', import.meta.url));
const recordedBuiltIn = recorded2018<JsonObject>('feed-builtin');
const captured: LiveSpace = { feeds: fixture<JsonObject[]>('feeds-all-simulator.json') };
const hasValue = { HasValue: true };
/** What a destination's overlay supplies for the feeds' secrets (the snapshot never has them). */
const overlay: Record<string, JsonObject> = {
  'Docker Hub': { Password: { NewValue: 'overlay-docker-password' } },
  'ECR eu-west-1': { SecretKey: { NewValue: 'overlay-ecr-secret-key' } },
};

const schemas = productSchemas();
const simulator = simulatorsClosedAfterEach();
const { applyDocuments, readDocuments, invalidAt } = kindChecks(feeds, 'feeds');

describe('feeds kind', () => {
  itWithReferenceData("leaves out a 2018 server's built-in feed, which that server reports as a NuGet feed at octopus://", () => {
    const live = { feeds: [recordedBuiltIn] };
    const names = new NameResolver(buildRefTable(live));
    expect(feeds.toDocuments(live, names)).toEqual([]);
    expect(names.problems).toEqual([]);
  });

  it('leaves out the built-in feeds and marks credentials as held, never their values', () => {
    const names = new NameResolver(buildRefTable(captured));
    const docs = byFile(feeds.toDocuments(captured, names));
    expect(names.problems).toEqual([]);
    expect(docs.map((doc) => [doc.name, doc.file])).toEqual([
      ['Bitnami Charts', 'feeds/bitnami-charts.yaml'],
      ['Docker Hub', 'feeds/docker-hub.yaml'],
      ['ECR eu-west-1', 'feeds/ecr-eu-west-1.yaml'],
      ['Maven Central', 'feeds/maven-central.yaml'],
      ['NuGet.org', 'feeds/nuget-org.yaml'],
    ]);
    const both = ['Server', 'ExecutionTarget'];
    expect(docs.map((doc) => doc.body)).toEqual([
      { Name: 'Bitnami Charts', FeedType: 'Helm', FeedUri: 'https://charts.bitnami.com/bitnami', PackageAcquisitionLocationOptions: both },
      {
        Name: 'Docker Hub',
        ApiVersion: 'v2',
        DownloadAttempts: 5,
        DownloadRetryBackoffSeconds: 10,
        FeedType: 'Docker',
        FeedUri: 'https://index.docker.io',
        PackageAcquisitionLocationOptions: both,
        Password: hasValue,
        Username: 'octosync',
      },
      { Name: 'ECR eu-west-1', AccessKey: 'AKIAIOSFODNN7EXAMPLE', FeedType: 'AwsElasticContainerRegistry', PackageAcquisitionLocationOptions: both, Region: 'eu-west-1', SecretKey: hasValue, UseMachineCredentials: false },
      { Name: 'Maven Central', DownloadAttempts: 5, DownloadRetryBackoffSeconds: 10, FeedType: 'Maven', FeedUri: 'https://repo.maven.apache.org/maven2/', PackageAcquisitionLocationOptions: ['Server'] },
      { Name: 'NuGet.org', DownloadAttempts: 3, DownloadRetryBackoffSeconds: 20, EnhancedMode: true, FeedType: 'NuGet', FeedUri: 'https://api.nuget.org/v3/index.json', PackageAcquisitionLocationOptions: both },
    ]);
    expect(docs.flatMap((doc) => idsIn(doc.body))).toEqual([]);
  });

  it('creates the feeds in a fresh server with secrets from an overlay, reads back the same documents, and never the secrets', async () => {
    const sim = await simulator();
    const docs = feeds.toDocuments(captured, new NameResolver(buildRefTable(captured)));
    expect(await applyDocuments(sim, docs, overlay)).toEqual([]);
    const readBack = await readDocuments(sim);
    expect(readBack).toEqual(byFile(docs));
    const secrets = sim.instance.store.secretValues();
    expect(secrets).toEqual(expect.arrayContaining(['overlay-docker-password', 'overlay-ecr-secret-key']));
    const written = JSON.stringify(readBack);
    expect(secrets.filter((secret) => written.includes(secret))).toEqual([]);
  });

  it("keeps the destination's credentials when a document only says a value is held", async () => {
    const sim = await simulator();
    const docs = feeds.toDocuments(captured, new NameResolver(buildRefTable(captured)));
    await applyDocuments(sim, docs, overlay);
    expect(feeds.toPayload(docs.find((doc) => doc.name === 'Docker Hub')!, new IdResolver(buildRefTable({}))).Password).toEqual(hasValue);
    expect(await applyDocuments(sim, docs)).toEqual([]);
    expect(sim.instance.store.secretValues().sort()).toEqual(['overlay-docker-password', 'overlay-ecr-secret-key']);
    expect(await readDocuments(sim)).toEqual(byFile(docs));
  });

  it('refers to nothing: a payload is the document', () => {
    const ids = new IdResolver(buildRefTable({}));
    for (const doc of feeds.toDocuments(captured, new NameResolver(buildRefTable(captured)))) expect(feeds.toPayload(doc, ids)).toEqual(doc.body);
    expect(ids.problems).toEqual([]);
  });

  it('writes the same documents whatever order the server lists feeds in', () => {
    const shuffled: LiveSpace = { feeds: [...(captured.feeds ?? [])].reverse() };
    const docs = (live: LiveSpace) => byFile(feeds.toDocuments(live, new NameResolver(buildRefTable(live))));
    expect(docs(shuffled)).toEqual(docs(captured));
  });

  it('documents satisfy the schema; built-in feed types and secret values do not', () => {
    for (const doc of feeds.toDocuments(captured, new NameResolver(buildRefTable(captured)))) expect(schemas.validate('feeds', doc.body)).toEqual([]);
    expect(invalidAt({ Name: 'Octopus Server (built-in)', FeedType: 'BuiltIn' })).toEqual(['/FeedType']);
    expect(invalidAt({ Name: 'Docker Hub', FeedType: 'Docker', Password: 'hunter2' })).toEqual(['/Password']);
    expect(invalidAt({ Name: 'Docker Hub', FeedType: 'Docker', Password: { HasValue: true, NewValue: 'hunter2' } })).toEqual(['/Password/NewValue']);
    expect(invalidAt({ Name: 'Docker Hub' })).toEqual(['']);
    expect(invalidAt({ Name: 'Docker Hub', FeedType: 'Docker', PackageAcquisitionLocationOptions: ['Somewhere'] })).toEqual(['/PackageAcquisitionLocationOptions/0']);
    expect(invalidAt({ Name: 'npm', FeedType: 'Npm', SomethingNewer: true })).toEqual([]);
  });
});
