// Tenant variable values through the legacy TenantVariableResource (a server without the scoped
// API: CommonVariableScopingFeatureToggle off) over real HTTP and through api-client.
import { Client, TenantRepository } from '@octopusdeploy/api-client';
import type { Tenant } from '@octopusdeploy/api-client';
import { describe, expect, it } from 'vitest';
import { emptySimulatorForFile } from '../support/sim-http.js';

const server = emptySimulatorForFile({ tenantVariableScoping: false });
const { http, created } = server;
let counter = 0;

const textTemplate = (name: string) => ({ Name: name, Label: name, HelpText: null, DefaultValue: null, DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } });
const sensitiveTemplate = (name: string) => ({ Name: name, Label: name, HelpText: null, DefaultValue: null, DisplaySettings: { 'Octopus.ControlType': 'Sensitive' } });

/** A project with two templates (one sensitive), an included library set with one, and a tenant connected in Dev. */
async function fixture() {
  const n = ++counter;
  const dev = await created('/api/Spaces-1/environments', { Name: `Dev ${n}` });
  const prod = await created('/api/Spaces-1/environments', { Name: `Prod ${n}` });
  const library = await created('/api/Spaces-1/libraryvariablesets', { Name: `Common ${n}`, Templates: [textTemplate('Customer.Email')] });
  const untemplated = await created('/api/Spaces-1/libraryvariablesets', { Name: `Plain ${n}` });
  const project = await created('/api/Spaces-1/projects', {
    Name: `Tenanted ${n}`,
    ProjectGroupId: 'ProjectGroups-1',
    LifecycleId: 'Lifecycles-1',
    TenantedDeploymentMode: 'Tenanted',
    IncludedLibraryVariableSetIds: [library.Id, untemplated.Id],
    Templates: [textTemplate('Tenant.Url'), sensitiveTemplate('Tenant.ApiKey')],
  });
  const unconnected = await created('/api/Spaces-1/projects', { Name: `Other ${n}`, ProjectGroupId: 'ProjectGroups-1', LifecycleId: 'Lifecycles-1' });
  const tenant = await created('/api/Spaces-1/tenants', { Name: `Customer ${n}`, ProjectEnvironments: { [project.Id]: [dev.Id] } });
  const [url, apiKey] = project.Templates.map((t: { Id: string }) => t.Id);
  const email = library.Templates[0].Id;
  const path = `/api/Spaces-1/tenants/${tenant.Id}/variables`;
  return { dev, prod, library, project, unconnected, tenant, url, apiKey, email, path };
}

describe('reading', () => {
  it('follows the tenant connections: connected projects and environments, and included library sets with templates', async () => {
    const f = await fixture();
    const response = await http.get(f.path);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ TenantId: f.tenant.Id, TenantName: f.tenant.Name, SpaceId: 'Spaces-1' });
    expect(Object.keys(response.body.ProjectVariables)).toEqual([f.project.Id]);
    expect(response.body.ProjectVariables[f.project.Id]).toMatchObject({
      ProjectId: f.project.Id,
      ProjectName: f.project.Name,
      Templates: f.project.Templates,
      Variables: { [f.dev.Id]: {} },
    });
    expect(Object.keys(response.body.LibraryVariables)).toEqual([f.library.Id]);
    expect(response.body.LibraryVariables[f.library.Id]).toMatchObject({
      LibraryVariableSetId: f.library.Id,
      LibraryVariableSetName: f.library.Name,
      Templates: f.library.Templates,
      Variables: {},
    });
  });

  it('is served in all three route forms, and 404s for an unknown tenant', async () => {
    const f = await fixture();
    for (const path of [f.path, `/api/spaces/Spaces-1/tenants/${f.tenant.Id}/variables`, `/api/tenants/${f.tenant.Id}/variables`]) {
      const response = await http.get(path);
      expect(response.status, path).toBe(200);
      expect(response.body.TenantId).toBe(f.tenant.Id);
    }
    expect((await http.get('/api/Spaces-1/tenants/Tenants-999/variables')).status).toBe(404);
  });
});

describe('writing', () => {
  it('round-trips values, with a sensitive template value kept as a secret', async () => {
    const f = await fixture();
    const body = (await http.get(f.path)).body;
    body.ProjectVariables[f.project.Id].Variables[f.dev.Id] = { [f.url]: 'https://dev.example.com', [f.apiKey]: { HasValue: true, NewValue: `tenant-s3cret-${counter}` } };
    body.LibraryVariables[f.library.Id].Variables = { [f.email]: 'ops@example.com' };
    const saved = await http.put(f.path, body);
    expect(saved.status, saved.text).toBe(200);
    expect(saved.text).not.toContain(`tenant-s3cret-${counter}`);
    expect(saved.body.ProjectVariables[f.project.Id].Variables[f.dev.Id]).toEqual({
      [f.url]: 'https://dev.example.com',
      [f.apiKey]: { HasValue: true, NewValue: null, Hint: null },
    });
    expect(saved.body.LibraryVariables[f.library.Id].Variables).toEqual({ [f.email]: 'ops@example.com' });
    expect(server.sim.instance.store.secretValues()).toContain(`tenant-s3cret-${counter}`);

    // Sending back what was read keeps the secret; the read never shows it.
    const read = await http.get(f.path);
    expect(read.text).not.toContain(`tenant-s3cret-${counter}`);
    expect((await http.put(f.path, read.body)).status).toBe(200);
    expect(server.sim.instance.store.secretValues()).toContain(`tenant-s3cret-${counter}`);
    const { LastModifiedOn: _before, ...readValues } = read.body;
    const { LastModifiedOn: _after, ...againValues } = (await http.get(f.path)).body;
    expect(againValues).toEqual(readValues);

    // HasValue false clears it; a null value removes a plain value.
    const cleared = read.body;
    cleared.ProjectVariables[f.project.Id].Variables[f.dev.Id] = { [f.url]: null, [f.apiKey]: { HasValue: false } };
    const after = await http.put(f.path, cleared);
    expect(after.body.ProjectVariables[f.project.Id].Variables[f.dev.Id]).toEqual({});
    expect(server.sim.instance.store.secretValues()).not.toContain(`tenant-s3cret-${counter}`);
  });

  it('refuses values for unconnected projects or environments, unknown templates and misplaced secrets', async () => {
    const f = await fixture();
    const base = (await http.get(f.path)).body;
    const attempts = [
      { ...base, ProjectVariables: { ...base.ProjectVariables, [f.unconnected.Id]: { ProjectId: f.unconnected.Id, Variables: {} } } },
      { ...base, ProjectVariables: { [f.project.Id]: { Variables: { [f.prod.Id]: { [f.url]: 'x' } } } } },
      { ...base, ProjectVariables: { [f.project.Id]: { Variables: { [f.dev.Id]: { 'no-such-template': 'x' } } } } },
      { ...base, ProjectVariables: { [f.project.Id]: { Variables: { [f.dev.Id]: { [f.url]: { HasValue: true, NewValue: 'x' } } } } } },
      { ...base, LibraryVariables: { 'LibraryVariableSets-999': { Variables: {} } } },
    ];
    for (const attempt of attempts) {
      const response = await http.put(f.path, attempt);
      expect(response.status, JSON.stringify(attempt.ProjectVariables)).toBe(400);
    }
  });

  it('shows only values that still have a connection and a template', async () => {
    const f = await fixture();
    const body = (await http.get(f.path)).body;
    body.ProjectVariables[f.project.Id].Variables[f.dev.Id] = { [f.url]: 'kept while connected' };
    expect((await http.put(f.path, body)).status).toBe(200);
    const tenant = (await http.get(`/api/Spaces-1/tenants/${f.tenant.Id}`)).body;
    await http.put(`/api/Spaces-1/tenants/${f.tenant.Id}`, { ...tenant, ProjectEnvironments: { [f.project.Id]: [f.prod.Id] } });
    const read = (await http.get(f.path)).body;
    expect(read.ProjectVariables[f.project.Id].Variables).toEqual({ [f.prod.Id]: {} });
  });

  it('works with api-client TenantRepository getVariables and setVariables', async () => {
    const f = await fixture();
    const client = await Client.create({ instanceURL: server.sim.url, apiKey: server.sim.apiKey, userAgentApp: 'tenant-variables-test' });
    const repository = new TenantRepository(client, 'Default');
    const variables = await repository.getVariables(f.tenant as Tenant);
    const projectVariables = variables.ProjectVariables[f.project.Id];
    if (!projectVariables) throw new Error('the connected project is missing');
    projectVariables.Variables[f.dev.Id] = { [f.url]: 'from api-client', [f.apiKey]: { HasValue: true, NewValue: 'client-secret' } };
    const saved = await repository.setVariables(f.tenant as Tenant, variables);
    expect(saved.ProjectVariables[f.project.Id]?.Variables[f.dev.Id]).toEqual({
      [f.url]: 'from api-client',
      [f.apiKey]: { HasValue: true, NewValue: null, Hint: null },
    });
  });
});

describe('/tenantvariables/all', () => {
  it('lists every tenant of the space as a bare array, filtered by projectId', async () => {
    const f = await fixture();
    const lonely = await created('/api/Spaces-1/tenants', { Name: `Lonely ${counter}` });
    const all = await http.get('/api/Spaces-1/tenantvariables/all');
    expect(Array.isArray(all.body)).toBe(true);
    const ids = all.body.map((t: { TenantId: string }) => t.TenantId);
    expect(ids).toEqual(expect.arrayContaining([f.tenant.Id, lonely.Id]));
    expect([...ids].sort()).toEqual(ids);
    const filtered = await http.get(`/api/tenantvariables/all?projectId=${f.project.Id}`);
    expect(filtered.body.map((t: { TenantId: string }) => t.TenantId)).toEqual([f.tenant.Id]);
    const other = await http.get(`/api/spaces/Spaces-1/tenantvariables/all?projectId=${f.unconnected.Id}`);
    expect(other.body).toEqual([]);
  });

  it('never shows a secret and forgets them with the tenant', async () => {
    const f = await fixture();
    const body = (await http.get(f.path)).body;
    body.ProjectVariables[f.project.Id].Variables[f.dev.Id] = { [f.apiKey]: `all-secret-${counter}` };
    expect((await http.put(f.path, body)).status).toBe(200);
    expect((await http.get('/api/Spaces-1/tenantvariables/all')).text).not.toContain(`all-secret-${counter}`);
    expect(server.sim.instance.store.secretValues()).toContain(`all-secret-${counter}`);
    expect((await http.del(`/api/Spaces-1/tenants/${f.tenant.Id}`)).status).toBe(200);
    expect(server.sim.instance.store.secretValues()).not.toContain(`all-secret-${counter}`);
  });
});
