import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Json, JsonObject, LiveSpace } from '../../src/core/document.js';
import { IdResolver, NameResolver, buildRefTable } from '../../src/core/refs.js';
import { certificates } from '../../src/kinds/certificates/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { byFile, fixturesIn, idsIn, kindChecks, productSchemas, simulatorsClosedAfterEach } from '../support/kind-checks.js';
import { readLive } from '../support/live.js';
import { simHttp } from '../support/sim-http.js';

const fixtures = new URL('./certificates/fixtures/', import.meta.url);
const fixture = fixturesIn(fixtures);
const captured: LiveSpace = {
  certificates: fixture<JsonObject[]>('certificates-all-simulator.json'),
  environments: fixture<JsonObject[]>('environments-all-simulator.json'),
  tenants: fixture<JsonObject[]>('tenants-all-simulator.json'),
};
/** A self-signed public test certificate, base64 as Octopus takes CertificateData. */
const certificateData = Buffer.from(readFileSync(new URL('test-certificate.pem', fixtures), 'utf8')).toString('base64');
/** What a destination's overlay supplies: the snapshot never has certificate data or passwords. */
const overlay: Record<string, JsonObject> = {
  'Acme TLS': { CertificateData: { NewValue: certificateData }, Password: { NewValue: 'overlay-certificate-password' } },
  'Internal CA': { CertificateData: { NewValue: certificateData } },
};
const hasValue = { HasValue: true };

const schemas = productSchemas();
const simulator = simulatorsClosedAfterEach();
const { document, applyDocuments, readDocuments, invalidAt } = kindChecks(certificates, 'certificates');

describe('certificates kind', () => {
  it('writes metadata only: names for ids, secrets as held, nothing the server computes from the data', () => {
    const names = new NameResolver(buildRefTable(captured));
    const docs = byFile(certificates.toDocuments(captured, names));
    expect(names.problems).toEqual([]);
    expect(docs).toEqual([
      {
        kind: 'certificates',
        name: 'Acme TLS',
        file: 'certificates/acme-tls.yaml',
        body: {
          Name: 'Acme TLS',
          CertificateData: hasValue,
          Environments: ['Development', 'Production'],
          Notes: 'TLS certificate for acme.example.',
          Password: hasValue,
          TenantTags: ['Region/EU', 'Region/US'],
          TenantedDeploymentParticipation: 'TenantedOrUntenanted',
          Tenants: ['Acme Corp'],
        },
      },
      {
        kind: 'certificates',
        name: 'Internal CA',
        file: 'certificates/internal-ca.yaml',
        body: { Name: 'Internal CA', CertificateData: hasValue, Environments: [], TenantTags: [], TenantedDeploymentParticipation: 'Untenanted', Tenants: [] },
      },
    ]);
    expect(docs.flatMap((doc) => idsIn(doc.body))).toEqual([]);
  });

  it('leaves out archived certificates (the history a replace leaves behind, under the same name)', () => {
    const current = (captured.certificates ?? []).find((certificate) => certificate.Name === 'Acme TLS')!;
    const archived = { ...current, Id: 'Certificates-9', Archived: '2025-06-01T10:00:00.000+00:00', ReplacedBy: String(current.Id), Thumbprint: 'AAAA' };
    const live = { ...captured, certificates: [archived, ...(captured.certificates ?? [])] };
    const docs = byFile(certificates.toDocuments(live, new NameResolver(buildRefTable(live))));
    expect(docs.map((doc) => doc.file)).toEqual(['certificates/acme-tls.yaml', 'certificates/internal-ca.yaml']);
  });

  it('creates the certificates in a fresh server with data from an overlay, reads back the same documents, and never the secrets', async () => {
    const sim = await simulator();
    await createReferencedResources(sim);
    const docs = certificates.toDocuments(captured, new NameResolver(buildRefTable(captured)));
    expect(await applyDocuments(sim, docs, overlay)).toEqual([]);
    const readBack = await readDocuments(sim);
    expect(readBack).toEqual(byFile(docs));
    const secrets = sim.instance.store.secretValues();
    expect(secrets).toEqual(expect.arrayContaining([certificateData, 'overlay-certificate-password']));
    const written = JSON.stringify(readBack);
    expect(secrets.filter((secret) => written.includes(secret))).toEqual([]);
    expect(written).not.toContain('BEGIN CERTIFICATE');
  });

  it("keeps the destination's certificate data when a document only says it is held", async () => {
    const sim = await simulator();
    await createReferencedResources(sim);
    const docs = certificates.toDocuments(captured, new NameResolver(buildRefTable(captured)));
    await applyDocuments(sim, docs, overlay);
    const thumbprints = async () => ((await readLive(sim!, ['certificates'])).certificates ?? []).map((certificate) => [certificate.Name, certificate.Thumbprint, certificate.Password]);
    const before = await thumbprints();
    expect(await applyDocuments(sim, docs)).toEqual([]);
    expect(await thumbprints()).toEqual(before);
    expect(await readDocuments(sim)).toEqual(byFile(docs));
  });

  it('names the document and field of an environment or tenant the destination lacks', () => {
    const doc = document({ Name: 'Acme TLS', Environments: ['Production', 'Nowhere'], Tenants: ['Ghost Corp'], TenantTags: ['Region/EU'] });
    const ids = new IdResolver(buildRefTable({ environments: [{ Id: 'Environments-7', Name: 'Production' }], tenants: [] }));
    expect(certificates.toPayload(doc, ids)).toEqual({ Name: 'Acme TLS', EnvironmentIds: ['Environments-7', ''], TenantIds: [''], TenantTags: ['Region/EU'] });
    expect(ids.problems).toEqual([
      { where: "certificate 'Acme TLS' Environments", message: "refers to environment 'Nowhere', which does not exist in the destination" },
      { where: "certificate 'Acme TLS' Tenants", message: "refers to tenant 'Ghost Corp', which does not exist in the destination" },
    ]);
  });

  it('names the document and field of an id the source cannot resolve', () => {
    const live = { ...captured, tenants: [] };
    const names = new NameResolver(buildRefTable(live));
    certificates.toDocuments(live, names);
    expect(names.problems).toEqual([{ where: "certificate 'Acme TLS' TenantIds", message: "refers to tenants 'Tenants-1', which does not exist on the server" }]);
  });

  it('writes the same documents whatever order the server lists things in', () => {
    const reversed = (value: Json | undefined) => [...((value as Json[] | undefined) ?? [])].reverse();
    const shuffled: LiveSpace = {
      certificates: reversed(captured.certificates as Json[]).map((certificate) => {
        const c = certificate as JsonObject;
        return { ...c, EnvironmentIds: reversed(c.EnvironmentIds), TenantIds: reversed(c.TenantIds), TenantTags: reversed(c.TenantTags) };
      }),
      environments: [...(captured.environments ?? [])].reverse(),
      tenants: [...(captured.tenants ?? [])].reverse(),
    };
    const docs = (live: LiveSpace) => byFile(certificates.toDocuments(live, new NameResolver(buildRefTable(live))));
    expect(docs(shuffled)).toEqual(docs(captured));
  });

  it('tells validate which environments, tenants and tenant tags a certificate names', () => {
    const acme = certificates.toDocuments(captured, new NameResolver(buildRefTable(captured))).find((doc) => doc.name === 'Acme TLS')!;
    expect(certificates.references?.(acme)).toEqual([
      { pointer: '/Environments/0', kind: 'environments', name: 'Development' },
      { pointer: '/Environments/1', kind: 'environments', name: 'Production' },
      { pointer: '/Tenants/0', kind: 'tenants', name: 'Acme Corp' },
      { pointer: '/TenantTags/0', kind: 'tag-sets', name: 'Region/EU' },
      { pointer: '/TenantTags/1', kind: 'tag-sets', name: 'Region/US' },
    ]);
  });

  it('documents satisfy the schema; ids, computed fields and secret values do not', () => {
    for (const doc of certificates.toDocuments(captured, new NameResolver(buildRefTable(captured)))) expect(schemas.validate('certificates', doc.body)).toEqual([]);
    expect(invalidAt({ Name: 'Acme TLS', EnvironmentIds: ['Environments-1'], TenantIds: ['Tenants-1'] })).toEqual(['/EnvironmentIds', '/TenantIds']);
    expect(invalidAt({ Name: 'Acme TLS', Thumbprint: '0E36E71F54B06D9AC5BABF82C27C912DF2718D35' })).toEqual(['/Thumbprint']);
    expect(invalidAt({ Name: 'Acme TLS', CertificateData: certificateData })).toEqual(['/CertificateData']);
    expect(invalidAt({ Name: 'Acme TLS', Password: { HasValue: true, NewValue: 'x' } })).toEqual(['/Password/NewValue']);
    expect(invalidAt({ Name: 'Acme TLS', TenantedDeploymentParticipation: 'Sometimes' })).toEqual(['/TenantedDeploymentParticipation']);
    expect(invalidAt({ Name: 'Acme TLS', TenantTags: ['EU'] })).toEqual(['/TenantTags/0']);
    expect(invalidAt({ Name: 'Acme TLS', SomethingNewer: 1 })).toEqual([]);
  });
});

/** What the captured certificates refer to: two environments, a tag set, a tenant. */
async function createReferencedResources(target: Simulator): Promise<void> {
  const http = simHttp(target);
  for (const Name of ['Production', 'Development']) expect((await http.post('/api/Spaces-1/environments', { Name })).status).toBe(201);
  expect((await http.post('/api/Spaces-1/tagsets', { Name: 'Region', Tags: [{ Name: 'EU' }, { Name: 'US' }] })).status).toBe(201);
  expect((await http.post('/api/Spaces-1/tenants', { Name: 'Acme Corp', TenantTags: ['Region/EU'] })).status).toBe(201);
}
