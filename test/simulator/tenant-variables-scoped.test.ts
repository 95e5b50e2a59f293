// Tenant variable values through the scoped API of a 2026 server (CommonVariableScopingFeatureToggle
// on, the default): `/tenants/{id}/commonvariables` and `/projectvariables`, values unscoped or
// scoped to several environments; the legacy write refused, its reads derived; and the toggle.
import { describe, expect, it } from 'vitest';
import { emptySimulatorForFile } from '../support/sim-http.js';

const server = emptySimulatorForFile();
const { http, created } = server;
let counter = 0;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are arbitrary JSON
type Body = any;

const textTemplate = (name: string, defaultValue: string | null = null) => ({ Name: name, Label: name, HelpText: null, DefaultValue: defaultValue, DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } });
const sensitiveTemplate = (name: string) => ({ Name: name, Label: name, HelpText: null, DefaultValue: null, DisplaySettings: { 'Octopus.ControlType': 'Sensitive' } });

/** A project with two templates (one sensitive) including a library set with one, and a tenant connected to it in Dev and Prod (not Test). */
async function fixture() {
  const n = ++counter;
  const [dev, prod, test] = [await created('/api/Spaces-1/environments', { Name: `Dev ${n}` }), await created('/api/Spaces-1/environments', { Name: `Prod ${n}` }), await created('/api/Spaces-1/environments', { Name: `Test ${n}` })];
  const library = await created('/api/Spaces-1/libraryvariablesets', { Name: `Common ${n}`, Templates: [textTemplate('Customer.Email')] });
  const project = await created('/api/Spaces-1/projects', {
    Name: `Tenanted ${n}`,
    ProjectGroupId: 'ProjectGroups-1',
    LifecycleId: 'Lifecycles-1',
    TenantedDeploymentMode: 'Tenanted',
    IncludedLibraryVariableSetIds: [library.Id],
    Templates: [textTemplate('Tenant.Url', 'https://default.example'), sensitiveTemplate('Tenant.ApiKey')],
  });
  const tenant = await created('/api/Spaces-1/tenants', { Name: `Customer ${n}`, ProjectEnvironments: { [project.Id]: [dev.Id, prod.Id] } });
  const [url, apiKey] = project.Templates.map((t: { Id: string }) => t.Id);
  const email = library.Templates[0].Id;
  const base = `/api/Spaces-1/tenants/${tenant.Id}`;
  return { dev, prod, test, library, project, tenant, url, apiKey, email, base, common: `${base}/commonvariables`, projectPath: `${base}/projectvariables` };
}

type Fixture = Awaited<ReturnType<typeof fixture>>;

async function putCommon(f: Fixture, variables: Body[], token?: string) {
  const current = (await http.get(f.common)).body;
  return http.put(f.common, { TenantId: f.tenant.Id, ConcurrencyToken: token ?? current.ConcurrencyToken, Variables: variables });
}

async function putProject(f: Fixture, variables: Body[]) {
  const current = (await http.get(f.projectPath)).body;
  return http.put(f.projectPath, { TenantId: f.tenant.Id, ConcurrencyToken: current.ConcurrencyToken, Variables: variables });
}

describe('reading', () => {
  it('lists nothing for a tenant without values, and the missing templates only when asked for', async () => {
    const f = await fixture();
    const common = (await http.get(f.common)).body;
    expect(common).toMatchObject({ TenantId: f.tenant.Id, Variables: [], MissingVariables: [] });
    expect(typeof common.ConcurrencyToken).toBe('string');
    const missing = (await http.get(`${f.projectPath}?includeMissingVariables=true`)).body.MissingVariables;
    expect(missing.map((m: Body) => [m.ProjectId, m.Template.Name, m.Value, m.Scope.EnvironmentIds])).toEqual([
      [f.project.Id, 'Tenant.Url', 'https://default.example', [f.dev.Id, f.prod.Id]],
      [f.project.Id, 'Tenant.ApiKey', null, [f.dev.Id, f.prod.Id]],
    ]);
    expect((await http.get(`${f.common}?includeMissingVariables=true`)).body.MissingVariables.map((m: Body) => [m.LibraryVariableSetId, m.TemplateId, m.Scope.EnvironmentIds])).toEqual([
      [f.library.Id, f.email, [f.dev.Id, f.prod.Id]],
    ]);
  });

  it('is reported by the feature toggles route, by name or in the list', async () => {
    const byName = (await http.get('/api/configuration/feature-toggles?Name=CommonVariableScopingFeatureToggle')).body;
    expect(byName.FeatureToggles).toEqual([{ Name: 'CommonVariableScopingFeatureToggle', IsEnabled: true }]);
    expect((await http.get('/api/configuration/feature-toggles')).body.FeatureToggles).toContainEqual({ Name: 'CommonVariableScopingFeatureToggle', IsEnabled: true });
  });
});

describe('writing', () => {
  it('keeps a common value scoped to several environments beside an unscoped one, and the legacy read shows per environment the value that applies', async () => {
    const f = await fixture();
    const saved = await putCommon(f, [
      { OwnerId: f.library.Id, TemplateId: f.email, Value: 'prod@example.com', Scope: { EnvironmentIds: [f.prod.Id] } },
      { OwnerId: f.library.Id, TemplateId: f.email, Value: 'all@example.com', Scope: { EnvironmentIds: [] } },
    ]);
    expect(saved.status, saved.text).toBe(200);
    const read = (await http.get(f.common)).body.Variables;
    expect(read.map((v: Body) => [v.LibraryVariableSetId, v.LibraryVariableSetName, v.Template.Name, v.Value, v.Scope.EnvironmentIds])).toEqual([
      [f.library.Id, f.library.Name, 'Customer.Email', 'prod@example.com', [f.prod.Id]],
      [f.library.Id, f.library.Name, 'Customer.Email', 'all@example.com', []],
    ]);
    // The legacy resource has one common value per template: the unscoped one.
    expect((await http.get(`${f.base}/variables`)).body.LibraryVariables[f.library.Id].Variables).toEqual({ [f.email]: 'all@example.com' });

    expect((await putProject(f, [{ OwnerId: f.project.Id, TemplateId: f.url, Value: 'https://both.example', Scope: { EnvironmentIds: [f.dev.Id, f.prod.Id] } }])).status).toBe(200);
    const legacy = (await http.get(`${f.base}/variables`)).body.ProjectVariables[f.project.Id].Variables;
    expect(legacy).toEqual({ [f.dev.Id]: { [f.url]: 'https://both.example' }, [f.prod.Id]: { [f.url]: 'https://both.example' } });
  });

  it('keeps a secret, never shows it, and keeps it when the value comes back as {HasValue: true} under its Id', async () => {
    const f = await fixture();
    const secret = `scoped-s3cret-${counter}`;
    const saved = await putProject(f, [{ OwnerId: f.project.Id, TemplateId: f.apiKey, Value: { HasValue: true, NewValue: secret }, Scope: { EnvironmentIds: [] } }]);
    expect(saved.status, saved.text).toBe(200);
    expect(saved.text).not.toContain(secret);
    const [value] = (await http.get(f.projectPath)).body.Variables;
    expect(value.Value).toMatchObject({ HasValue: true, NewValue: null });
    expect(server.sim.instance.store.secretValues()).toContain(secret);
    // Written back as read: the secret stays.
    expect((await putProject(f, [{ Id: value.Id, OwnerId: f.project.Id, TemplateId: f.apiKey, Value: { HasValue: true }, Scope: { EnvironmentIds: [] } }])).status).toBe(200);
    expect(server.sim.instance.store.secretValues()).toContain(secret);
    // Left out: the value and its secret are gone.
    expect((await putProject(f, [])).status).toBe(200);
    expect(server.sim.instance.store.secretValues()).not.toContain(secret);
  });

  it('refuses values the tenant cannot hold, naming them, and stores nothing', async () => {
    const f = await fixture();
    const cases: [Body[], RegExp][] = [
      [[{ OwnerId: f.project.Id, TemplateId: f.url, Value: 'x', Scope: { EnvironmentIds: [f.test.Id] } }], /not connected to the environment/],
      [[{ OwnerId: f.project.Id, TemplateId: 'missing', Value: 'x', Scope: { EnvironmentIds: [] } }], /template 'missing' does not exist/],
      [[{ OwnerId: 'Projects-999999', TemplateId: f.url, Value: 'x', Scope: { EnvironmentIds: [] } }], /not connected to the project/],
      [
        [
          { OwnerId: f.project.Id, TemplateId: f.url, Value: 'a', Scope: { EnvironmentIds: [f.dev.Id, f.prod.Id] } },
          { OwnerId: f.project.Id, TemplateId: f.url, Value: 'b', Scope: { EnvironmentIds: [f.prod.Id] } },
        ],
        /two values for the environment/,
      ],
      [
        [
          { OwnerId: f.project.Id, TemplateId: f.url, Value: 'a', Scope: { EnvironmentIds: [] } },
          { OwnerId: f.project.Id, TemplateId: f.url, Value: 'b', Scope: { EnvironmentIds: [] } },
        ],
        /two values for all environments/,
      ],
      [[{ OwnerId: f.project.Id, TemplateId: f.url, Value: { HasValue: true, NewValue: 'x' }, Scope: { EnvironmentIds: [] } }], /not sensitive/],
    ];
    for (const [variables, message] of cases) {
      const response = await putProject(f, variables);
      expect(response.status, JSON.stringify(variables)).toBe(400);
      expect(response.text).toMatch(message);
    }
    expect((await http.get(f.projectPath)).body.Variables).toEqual([]);
  });

  it('answers 409 to a write with a stale concurrency token; writing back what was read keeps the token', async () => {
    const f = await fixture();
    const first = (await http.get(f.common)).body.ConcurrencyToken;
    expect((await putCommon(f, [{ OwnerId: f.library.Id, TemplateId: f.email, Value: 'a@example.com', Scope: { EnvironmentIds: [] } }], first)).status).toBe(200);
    const second = (await http.get(f.common)).body.ConcurrencyToken;
    expect(second).not.toBe(first);
    const stale = await putCommon(f, [], first);
    expect(stale.status).toBe(409);
    const asRead = (await http.get(f.common)).body;
    expect((await http.put(f.common, asRead)).status).toBe(200);
    expect((await http.get(f.common)).body.ConcurrencyToken).toBe(second);
  });

  it('accepts POST as PUT (the reference documents both)', async () => {
    const f = await fixture();
    const current = (await http.get(f.common)).body;
    const response = await http.post(f.common, { TenantId: f.tenant.Id, ConcurrencyToken: current.ConcurrencyToken, Variables: [{ OwnerId: f.library.Id, TemplateId: f.email, Value: 'p@example.com', Scope: { EnvironmentIds: [] } }] });
    expect(response.status, response.text).toBe(200);
    expect(response.body.Variables[0].Value).toBe('p@example.com');
  });
});

describe('the legacy API on the same server', () => {
  it('refuses the legacy write while the toggle is on, and accepts it (the scoped routes gone) once it is off', async () => {
    const f = await fixture();
    const legacy = (await http.get(`${f.base}/variables`)).body;
    legacy.ProjectVariables[f.project.Id].Variables[f.dev.Id] = { [f.url]: 'https://dev.example' };
    const refused = await http.put(`${f.base}/variables`, legacy);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('/tenants/{id}/commonvariables');
    const settings = server.sim.instance.settings;
    settings.tenantVariableScoping = false;
    try {
      expect((await http.put(`${f.base}/variables`, legacy)).status).toBe(200);
      expect((await http.get(f.common)).status).toBe(404);
      expect((await http.get('/api/configuration/feature-toggles?Name=CommonVariableScopingFeatureToggle')).body.FeatureToggles).toEqual([{ Name: 'CommonVariableScopingFeatureToggle', IsEnabled: false }]);
    } finally {
      settings.tenantVariableScoping = true;
    }
    // What the legacy write stored is a value scoped to that one environment.
    expect((await http.get(f.projectPath)).body.Variables.map((v: Body) => [v.Value, v.Scope.EnvironmentIds])).toEqual([['https://dev.example', [f.dev.Id]]]);
  });

  it('lists the tenants missing values space-wide, per environment', async () => {
    const f = await fixture();
    await putProject(f, [{ OwnerId: f.project.Id, TemplateId: f.apiKey, Value: { HasValue: true, NewValue: 'k' }, Scope: { EnvironmentIds: [f.dev.Id] } }]);
    const [entry] = (await http.get(`/api/Spaces-1/tenants/variables-missing?tenantId=${f.tenant.Id}`)).body;
    // Tenant.Url has a default value, so it is not missing.
    expect(entry.MissingVariables.map((m: Body) => [m.VariableTemplateName, m.EnvironmentId])).toEqual([
      ['Tenant.ApiKey', f.prod.Id],
      ['Customer.Email', f.dev.Id],
      ['Customer.Email', f.prod.Id],
    ]);
  });
});
