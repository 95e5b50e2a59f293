// Writes in an order real servers accept: every fresh destination converges in one apply. Each
// source is built through the simulator's API; what the destination holds is checked through
// its API, not through octosync.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runApply } from '../../src/commands/apply.js';
import { preparePlan } from '../../src/commands/plan.js';
import { SAMPLE_CERTIFICATE_PEM } from '../../src/simulator/seeds/sample-certificate.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { defaultProjectFields, postCreated, simHttp } from '../support/sim-http.js';
import type { SimHttp } from '../support/sim-http.js';

let source: Simulator;
let destination: Simulator;
let repo: StateRepo;
const TLS_DATA = Buffer.from(SAMPLE_CERTIFICATE_PEM).toString('base64');
const env = () => ({ DEST_KEY: destination.apiKey, TLS_DATA });

beforeEach(async () => {
  source = await startSimulator({ seed: 'empty' });
  destination = await startSimulator({ seed: 'empty' });
  repo = await stateRepo();
});

afterEach(async () => {
  await source.close();
  await destination.close();
  await repo.cleanup();
});

async function snapshotAndApply(overlays: Record<string, unknown> = {}): Promise<void> {
  await repo.snapshot(source);
  await repo.writeDestination('production', {
    server: destination.url,
    apiKey: { env: 'DEST_KEY' },
    branch: 'source',
    missingSecrets: 'placeholder',
    overlays,
  });
  const result = await runApply({ repo: repo.dir, destination: 'production', env: env() });
  expect(result.result).not.toBe('failed');
}

async function planChanges(): Promise<string[]> {
  const prepared = await preparePlan({ repo: repo.dir, destination: 'production', env: env() });
  await prepared.client.close();
  return prepared.plan.changes.map((change) => `${change.action} ${change.kind} ${change.name}`);
}

async function byName(http: SimHttp, collection: string, name: string): Promise<Record<string, unknown>> {
  const found = ((await http.get(`/api/Spaces-1/${collection}/all`)).body as Record<string, unknown>[]).find((resource) => resource.Name === name);
  if (!found) throw new Error(`no ${collection} '${name}'`);
  return found;
}

/** A project whose release versions come from a package step, and whose package pushes create releases. */
async function projectWithStepReferences(http: SimHttp, step: string): Promise<Record<string, unknown>> {
  const project = await postCreated(http, '/api/Spaces-1/projects', { Name: 'Web Shop', ...(await defaultProjectFields(http)) });
  await putProcess(http, project, [packageStep(step), scriptStep('Smoke test')]);
  return setStepReferences(http, project, step);
}

async function setStepReferences(http: SimHttp, project: Record<string, unknown>, step: string): Promise<Record<string, unknown>> {
  const current = (await http.get(`/api/Spaces-1/projects/${String(project.Id)}`)).body;
  const saved = await http.put(`/api/Spaces-1/projects/${String(project.Id)}`, {
    ...current,
    AutoCreateRelease: true,
    VersioningStrategy: { Template: null, DonorPackage: { DeploymentAction: step, PackageReference: '' } },
    ReleaseCreationStrategy: { ChannelId: null, ReleaseCreationPackage: { DeploymentAction: step, PackageReference: '' } },
  });
  expect(saved.status, saved.text).toBe(200);
  return saved.body;
}

async function putProcess(http: SimHttp, project: Record<string, unknown>, steps: unknown[]): Promise<void> {
  const path = `/api/Spaces-1/deploymentprocesses/${String(project.DeploymentProcessId)}`;
  const current = (await http.get(path)).body;
  const saved = await http.put(path, { ...current, Steps: steps });
  expect(saved.status, saved.text).toBe(200);
}

function packageStep(name: string) {
  return { Name: name, Actions: [{ Name: name, ActionType: 'Octopus.TentaclePackage', Packages: [{ Name: '', PackageId: 'WebShop', FeedId: 'feeds-builtin' }] }] };
}

function scriptStep(name: string) {
  return { Name: name, Actions: [{ Name: name, ActionType: 'Octopus.Script', Properties: { 'Octopus.Action.Script.ScriptBody': 'echo ok' } }] };
}

describe('step references of a project', () => {
  it('a project versioned from and released by a package step converges in one apply', async () => {
    await projectWithStepReferences(simHttp(source), 'Deploy web site');
    await snapshotAndApply();
    expect(await planChanges()).toEqual([]);
    const project = await byName(simHttp(destination), 'projects', 'Web Shop');
    expect(project).toMatchObject({
      AutoCreateRelease: true,
      VersioningStrategy: { DonorPackage: { DeploymentAction: 'Deploy web site', PackageReference: '' } },
      ReleaseCreationStrategy: { ReleaseCreationPackage: { DeploymentAction: 'Deploy web site', PackageReference: '' } },
    });
  });

  it('moving the references to a new step and removing the old one converges in one apply', async () => {
    const http = simHttp(source);
    const project = await projectWithStepReferences(http, 'Deploy web site');
    await snapshotAndApply();
    // In the source the references move to a new package step and the old step goes; in the
    // destination the project must let go of the old step before the process loses it.
    await putProcess(http, project, [packageStep('Deploy web site'), packageStep('Deploy site'), scriptStep('Smoke test')]);
    await setStepReferences(http, project, 'Deploy site');
    await putProcess(http, project, [packageStep('Deploy site'), scriptStep('Smoke test')]);
    await snapshotAndApply();
    expect(await planChanges()).toEqual([]);
    const copied = await byName(simHttp(destination), 'projects', 'Web Shop');
    expect(copied).toMatchObject({ VersioningStrategy: { DonorPackage: { DeploymentAction: 'Deploy site' } }, ReleaseCreationStrategy: { ReleaseCreationPackage: { DeploymentAction: 'Deploy site' } } });
    const process = (await simHttp(destination).get(`/api/Spaces-1/deploymentprocesses/${String(copied.DeploymentProcessId)}`)).body;
    expect(process.Steps.map((step: { Name: string }) => step.Name)).toEqual(['Deploy site', 'Smoke test']);
  });
});

describe('kinds that name what Octopus orders after them', () => {
  it('tag sets are written before the environments they tag', async () => {
    const http = simHttp(source);
    await postCreated(http, '/api/Spaces-1/tagsets', { Name: 'Region', Scopes: ['Environment'], Tags: [{ Name: 'EU', Color: '#3156B3' }] });
    await postCreated(http, '/api/Spaces-1/environments', { Name: 'Production', EnvironmentTags: ['Region/EU'] });
    await snapshotAndApply();
    expect(await planChanges()).toEqual([]);
    expect(await byName(simHttp(destination), 'environments', 'Production')).toMatchObject({ EnvironmentTags: ['Region/EU'] });
  });

  it('a library variable set, project and tenant naming a certificate and a tenant made in the same apply converge in one apply', async () => {
    const http = simHttp(source);
    const post = (path: string, body: unknown) => postCreated(http, `/api/Spaces-1/${path}`, body);
    const production = await post('environments', { Name: 'Production' });
    const certificate = await post('certificates', { Name: 'Web TLS', CertificateData: { HasValue: true, NewValue: TLS_DATA } });
    const certificateTemplate = { Name: 'Tls', Label: 'TLS', DefaultValue: certificate.Id, DisplaySettings: { 'Octopus.ControlType': 'Certificate' } };
    const set = await post('libraryvariablesets', { Name: 'Shared', ContentType: 'Variables', Templates: [certificateTemplate] });
    const project = await post('projects', { Name: 'Shop', ...(await defaultProjectFields(http)), TenantedDeploymentMode: 'TenantedOrUntenanted', IncludedLibraryVariableSetIds: [set.Id], Templates: [{ ...certificateTemplate, Name: 'Shop.Tls' }] });
    const tenant = await post('tenants', { Name: 'Acme', ProjectEnvironments: { [String(project.Id)]: [production.Id] } });
    const setVariables = `/api/Spaces-1/variables/${String(set.VariableSetId)}`;
    const variables = (await http.get(setVariables)).body;
    const saved = await http.put(setVariables, {
      ...variables,
      Variables: [
        { Name: 'Website.Certificate', Value: certificate.Id, Type: 'Certificate', Scope: {} },
        { Name: 'Support.Pin', Value: '1234', Type: 'String', Scope: { Tenant: [tenant.Id] } },
      ],
    });
    expect(saved.status, saved.text).toBe(200);
    // Through the scoped API (a 2026 server): the value for Production names the certificate.
    const tenantVariables = `/api/Spaces-1/tenants/${String(tenant.Id)}/projectvariables`;
    const current = (await http.get(tenantVariables)).body;
    const template = (project.Templates as Record<string, unknown>[])[0] as Record<string, unknown>;
    const put = await http.put(tenantVariables, {
      TenantId: tenant.Id,
      ConcurrencyToken: current.ConcurrencyToken,
      Variables: [{ OwnerId: project.Id, TemplateId: template.Id, Value: certificate.Id, Scope: { EnvironmentIds: [production.Id] } }],
    });
    expect(put.status, put.text).toBe(200);

    await snapshotAndApply({ secrets: { 'certificates/Web TLS': { CertificateData: { valueFrom: { env: 'TLS_DATA' } } } } });
    expect(await planChanges()).toEqual([]);
    const to = simHttp(destination);
    const certificateId = (await byName(to, 'certificates', 'Web TLS')).Id;
    const tenantId = (await byName(to, 'tenants', 'Acme')).Id;
    const copiedSet = await byName(to, 'libraryvariablesets', 'Shared');
    expect((copiedSet.Templates as { DefaultValue: unknown }[])[0]?.DefaultValue).toBe(certificateId);
    const copiedVariables = (await to.get(`/api/Spaces-1/variables/${String(copiedSet.VariableSetId)}`)).body.Variables as { Name: string; Value: string; Scope: Record<string, string[]> }[];
    expect(copiedVariables.find((v) => v.Name === 'Website.Certificate')?.Value).toBe(certificateId);
    expect(copiedVariables.find((v) => v.Name === 'Support.Pin')?.Scope).toEqual({ Tenant: [tenantId] });
    expect(((await byName(to, 'projects', 'Shop')).Templates as { DefaultValue: unknown }[])[0]?.DefaultValue).toBe(certificateId);
    const copiedTenantVariables = (await to.get(`/api/Spaces-1/tenants/${String(tenantId)}/variables`)).body;
    expect(JSON.stringify(copiedTenantVariables.ProjectVariables)).toContain(`"${String(certificateId)}"`);
  });
});
