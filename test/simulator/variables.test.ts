// Variable sets over real HTTP: owned documents, Version, sensitive values, scopes, routes.
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../src/simulator/http-error.js';
import { emptySimulatorForFile } from '../support/sim-http.js';

const server = emptySimulatorForFile();
const { http, created } = server;
let counter = 0;

async function newProject(name = `Project ${++counter}`) {
  return created('/api/Spaces-1/projects', { Name: name, ProjectGroupId: 'ProjectGroups-1', LifecycleId: 'Lifecycles-1' });
}

async function newEnvironment(name = `Env ${++counter}`) {
  return created('/api/Spaces-1/environments', { Name: name });
}

function variable(name: string, extra: Record<string, unknown> = {}) {
  return { Name: name, Value: 'v', Type: 'String', ...extra };
}

/** PUTs the set with new variables at its current Version. */
async function putVariables(setId: string, variables: unknown[]) {
  const current = await http.get(`/api/Spaces-1/variables/${setId}`);
  return http.put(`/api/Spaces-1/variables/${setId}`, { ...current.body, Variables: variables });
}

describe('owned variable sets', () => {
  it('exist from the moment a project or library variable set is created', async () => {
    const project = await newProject();
    expect(project.VariableSetId).toBe(`variableset-${project.Id}`);
    const set = await http.get(`/api/Spaces-1/variables/${project.VariableSetId}`);
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ Id: project.VariableSetId, OwnerId: project.Id, SpaceId: 'Spaces-1', Version: 0, Variables: [] });
    expect(Object.keys(set.body.ScopeValues).sort()).toEqual(['Actions', 'Channels', 'EnvironmentParameters', 'Environments', 'Machines', 'ProcessTemplateSteps', 'Processes', 'Roles', 'TargetTagParameters', 'TenantTagParameters', 'TenantTags']);
    expect(set.body.Links.Self).toBe(`/api/Spaces-1/variables/${project.VariableSetId}`);

    const library = await created('/api/Spaces-1/libraryvariablesets', { Name: `Library ${++counter}` });
    const librarySet = await http.get(`/api/Spaces-1/variables/${library.VariableSetId}`);
    expect(librarySet.body).toMatchObject({ Id: `variableset-${library.Id}`, OwnerId: library.Id, Version: 0 });
  });

  it('is served in all three route forms and under the project (by id or slug)', async () => {
    const project = await newProject();
    for (const path of [
      `/api/Spaces-1/variables/${project.VariableSetId}`,
      `/api/spaces/Spaces-1/variables/${project.VariableSetId}`,
      `/api/variables/${project.VariableSetId}`,
      `/api/Spaces-1/projects/${project.Id}/variables`,
      `/api/spaces/Spaces-1/projects/${project.Id}/variables`,
      `/api/projects/${project.Id}/variables`,
      `/api/Spaces-1/projects/${project.Slug}/variables`,
    ]) {
      const response = await http.get(path);
      expect(response.status, path).toBe(200);
      expect(response.body.Id, path).toBe(project.VariableSetId);
    }
  });

  it('is listed space-wide by /variables/all as a bare array, with an ids filter', async () => {
    const a = await newProject();
    const b = await newProject();
    const all = await http.get('/api/Spaces-1/variables/all');
    expect(Array.isArray(all.body)).toBe(true);
    expect(all.body.map((s: { Id: string }) => s.Id)).toEqual(expect.arrayContaining([a.VariableSetId, b.VariableSetId]));
    expect(all.body[0].ScopeValues).toBeDefined();
    const some = await http.get(`/api/variables/all?ids=${a.VariableSetId}`);
    expect(some.body.map((s: { Id: string }) => s.Id)).toEqual([a.VariableSetId]);
  });

  it('is deleted with its project', async () => {
    const project = await newProject();
    await putVariables(project.VariableSetId, [variable('Secret', { Type: 'Sensitive', Value: 'gone-with-the-project' })]);
    expect(server.sim.instance.store.secretValues()).toContain('gone-with-the-project');
    expect((await http.del(`/api/Spaces-1/projects/${project.Id}`)).status).toBe(200);
    expect((await http.get(`/api/Spaces-1/variables/${project.VariableSetId}`)).status).toBe(404);
    expect(server.sim.instance.store.secretValues()).not.toContain('gone-with-the-project');
  });
});

describe('Version', () => {
  it('increments on each save and a stale or missing Version is refused with 400', async () => {
    const project = await newProject();
    const first = await putVariables(project.VariableSetId, [variable('A')]);
    expect(first.status, first.text).toBe(200);
    expect(first.body.Version).toBe(1);
    const second = await putVariables(project.VariableSetId, [variable('A'), variable('B')]);
    expect(second.body.Version).toBe(2);

    const stale = await http.put(`/api/Spaces-1/variables/${project.VariableSetId}`, { ...first.body, Variables: [] });
    expect(stale.status).toBe(400);
    expect(stale.body.ErrorMessage).toMatch(/another user has made changes to the variables/);
    const { Version: _dropped, ...withoutVersion } = second.body;
    const missing = await http.put(`/api/Spaces-1/variables/${project.VariableSetId}`, withoutVersion);
    expect(missing.status).toBe(400);
    expect((await http.get(`/api/Spaces-1/variables/${project.VariableSetId}`)).body.Variables).toHaveLength(2);
  });

  it('is checked on the project-scoped PUT too', async () => {
    const project = await newProject();
    const current = (await http.get(`/api/Spaces-1/projects/${project.Id}/variables`)).body;
    const ok = await http.put(`/api/Spaces-1/projects/${project.Id}/variables`, { ...current, Variables: [variable('X')] });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.Version).toBe(1);
    const stale = await http.put(`/api/Spaces-1/projects/${project.Id}/variables`, { ...current, Variables: [] });
    expect(stale.status).toBe(400);
  });
});

describe('variables', () => {
  it('get an Id, defaults for absent fields, and keep the Ids sent', async () => {
    const project = await newProject();
    const response = await putVariables(project.VariableSetId, [
      { Name: 'Plain', Value: 'x', Type: 'String' },
      { Id: 'b0bbd035-4ecc-a448-677a-1b15523b92dc', Name: 'Kept', Value: 1234, Type: 'String', IsEditable: false },
    ]);
    expect(response.status, response.text).toBe(200);
    const [plain, kept] = response.body.Variables;
    expect(plain).toEqual({
      Id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      Name: 'Plain',
      Value: 'x',
      Description: null,
      Scope: {},
      IsEditable: true,
      Prompt: null,
      Type: 'String',
      IsSensitive: false,
    });
    expect(kept).toMatchObject({ Id: 'b0bbd035-4ecc-a448-677a-1b15523b92dc', Value: '1234', IsEditable: false });
  });

  it('must have a Name and a known Type, and unique Ids', async () => {
    const project = await newProject();
    const noType = await putVariables(project.VariableSetId, [{ Name: 'NoType', Value: 'x' }]);
    expect(noType.status).toBe(400);
    expect(noType.body.Errors.join('\n')).toMatch(/Type field is required/);
    expect((await putVariables(project.VariableSetId, [{ Value: 'x', Type: 'String' }])).status).toBe(400);
    expect((await putVariables(project.VariableSetId, [variable('A', { Type: 'Number' })])).status).toBe(400);
    const duplicateIds = await putVariables(project.VariableSetId, [variable('A', { Id: 'same' }), variable('B', { Id: 'same' })]);
    expect(duplicateIds.status).toBe(400);
    expect(duplicateIds.body.Errors).toContain('Variable ids must be unique.');
  });

  it('may share a name when scopes differ, and even when they do not (the server allows it)', async () => {
    const project = await newProject();
    const env = await newEnvironment();
    const response = await putVariables(project.VariableSetId, [
      variable('Conn', { Value: 'default' }),
      variable('Conn', { Value: 'scoped', Scope: { Environment: [env.Id] } }),
      variable('Conn', { Value: 'again' }),
    ]);
    expect(response.status, response.text).toBe(200);
    expect(response.body.Variables).toHaveLength(3);
  });

  it('keep IsSensitive and Type consistent', async () => {
    const project = await newProject();
    const response = await putVariables(project.VariableSetId, [
      variable('OldClient', { Type: 'String', IsSensitive: true, Value: 'legacy-secret' }),
      variable('NewClient', { Type: 'Sensitive', IsSensitive: false, Value: 'modern-secret' }),
    ]);
    expect(response.body.Variables.map((v: { Type: string; IsSensitive: boolean }) => [v.Type, v.IsSensitive])).toEqual([
      ['Sensitive', true],
      ['Sensitive', true],
    ]);
  });

  it('that are typed must refer to an existing document', async () => {
    const project = await newProject();
    const missing = await putVariables(project.VariableSetId, [variable('Pool', { Type: 'WorkerPool', Value: 'WorkerPools-999' })]);
    expect(missing.status).toBe(400);
    const ok = await putVariables(project.VariableSetId, [variable('Pool', { Type: 'WorkerPool', Value: 'WorkerPools-1' })]);
    expect(ok.status, ok.text).toBe(200);
  });
});

describe('sensitive variables', () => {
  async function secretSet() {
    const project = await newProject();
    const secret = `hunter2-${++counter}`;
    const saved = await putVariables(project.VariableSetId, [variable('Password', { Type: 'Sensitive', Value: secret })]);
    expect(saved.status, saved.text).toBe(200);
    const setId = project.VariableSetId as string;
    const read = async () => (await http.get(`/api/Spaces-1/variables/${setId}`)).body;
    return { setId, saved, secret, read };
  }

  const secrets = () => server.sim.instance.store.secretValues();

  it('are never returned: Value is null in every read', async () => {
    const { setId, saved, secret } = await secretSet();
    expect(saved.text).not.toContain(secret);
    expect(saved.body.Variables[0]).toMatchObject({ Value: null, Type: 'Sensitive', IsSensitive: true });
    for (const path of [`/api/Spaces-1/variables/${setId}`, '/api/Spaces-1/variables/all', `/api/variables/all?ids=${setId}`]) {
      expect((await http.get(path)).text).not.toContain(secret);
    }
    expect(secrets()).toContain(secret);
    expect(JSON.stringify(server.sim.instance.get('variables', 'Spaces-1', setId))).not.toContain(secret);
  });

  it('keep their secret when the Id comes back with Value null or ""', async () => {
    const { setId, secret, read } = await secretSet();
    expect((await http.put(`/api/Spaces-1/variables/${setId}`, await read())).status).toBe(200);
    expect(secrets()).toContain(secret);
    const again = await read();
    again.Variables[0].Value = '';
    again.Variables[0].Name = 'Renamed';
    expect((await http.put(`/api/Spaces-1/variables/${setId}`, again)).status).toBe(200);
    expect(secrets()).toContain(secret);
  });

  it('are wiped when sent without their Id', async () => {
    const { setId, secret, read } = await secretSet();
    const current = await read();
    const { Id: _id, ...withoutId } = current.Variables[0];
    expect((await http.put(`/api/Spaces-1/variables/${setId}`, { ...current, Variables: [withoutId] })).status).toBe(200);
    expect(secrets()).not.toContain(secret);
    expect((await read()).Variables[0]).toMatchObject({ Name: 'Password', Value: null, IsSensitive: true });
  });

  it('are replaced by a non-empty Value', async () => {
    const { setId, secret, read } = await secretSet();
    const current = await read();
    current.Variables[0].Value = `${secret}-replacement`;
    const response = await http.put(`/api/Spaces-1/variables/${setId}`, current);
    expect(response.text).not.toContain(`${secret}-replacement`);
    expect(secrets()).toContain(`${secret}-replacement`);
    expect(secrets()).not.toContain(secret);
  });

  it('lose their secret when removed from the set, or when the Id was not a sensitive variable', async () => {
    const { setId, secret, read } = await secretSet();
    expect((await http.put(`/api/Spaces-1/variables/${setId}`, { ...(await read()), Variables: [] })).status).toBe(200);
    expect(secrets()).not.toContain(secret);

    const plain = await putVariables(setId, [variable('Was plain', { Value: 'not a secret' })]);
    const promoted = { ...plain.body.Variables[0], Type: 'Sensitive', Value: null };
    const response = await http.put(`/api/Spaces-1/variables/${setId}`, { ...plain.body, Variables: [promoted] });
    expect(response.body.Variables[0]).toMatchObject({ Value: null, IsSensitive: true });
    expect(secrets()).not.toContain('not a secret');
  });
});

describe('scopes', () => {
  it('refer to existing environments, channels, actions, processes, tenant tags and tenants', async () => {
    const project = await newProject();
    const env = await newEnvironment();
    const channel = (await http.get(`/api/Spaces-1/projects/${project.Id}/channels`)).body.Items[0];
    await created('/api/Spaces-1/tagsets', { Name: `Region ${++counter}`, Tags: [{ Name: 'East' }] });
    const tagSets = (await http.get('/api/Spaces-1/tagsets/all')).body;
    const tag = tagSets[tagSets.length - 1].Tags[0].CanonicalTagName;
    const tenant = await created('/api/Spaces-1/tenants', { Name: `Tenant ${++counter}` });
    const runbook = await created(`/api/Spaces-1/projects/${project.Id}/runbooks`, { Name: 'Restart' });
    const process = (await http.get(`/api/Spaces-1/projects/${project.Id}/deploymentprocesses`)).body;
    const withStep = await http.put(`/api/Spaces-1/deploymentprocesses/${process.Id}`, {
      ...process,
      Steps: [{ Name: 'Run', Properties: { 'Octopus.Action.TargetRoles': 'web' }, Actions: [{ Name: 'Run', ActionType: 'Octopus.Script' }] }],
    });
    const actionId = withStep.body.Steps[0].Actions[0].Id;

    const scope = {
      Environment: [env.Id],
      Channel: [channel.Id],
      Action: [actionId],
      ProcessOwner: [project.Id, runbook.Id],
      TenantTag: [tag],
      Tenant: [tenant.Id],
      Role: ['any-role-is-free-text'],
    };
    const response = await putVariables(project.VariableSetId, [variable('Scoped', { Scope: scope })]);
    expect(response.status, response.text).toBe(200);
    expect(response.body.Variables[0].Scope).toEqual(scope);

    const values = response.body.ScopeValues;
    expect(values.Environments).toContainEqual({ Id: env.Id, Name: env.Name });
    expect(values.Channels).toEqual([{ Id: channel.Id, Name: 'Default' }]);
    expect(values.Actions).toEqual([{ Id: actionId, Name: 'Run' }]);
    expect(values.Processes).toEqual([
      { Id: project.Id, Name: project.Name, ProcessType: 'Deployment' },
      { Id: runbook.Id, Name: 'Restart', ProcessType: 'Runbook' },
    ]);
    expect(values.Roles.map((r: { Id: string }) => r.Id)).toEqual(expect.arrayContaining(['web', 'any-role-is-free-text']));
    expect(values.TenantTags).toContainEqual({ Id: tag, Name: tag });
  });

  it('refuse unknown scope fields and values that do not exist', async () => {
    const project = await newProject();
    const other = await newProject();
    const otherChannel = (await http.get(`/api/Spaces-1/projects/${other.Id}/channels`)).body.Items[0];
    for (const scope of [
      { Environment: ['Environments-999'] },
      { Planet: ['Mars'] },
      { Channel: [otherChannel.Id] },
      { Action: ['not-an-action'] },
      { TenantTag: ['No Such/Tag'] },
      { Machine: ['Machines-999'] },
      { Environment: 'Environments-1' },
    ]) {
      const response = await putVariables(project.VariableSetId, [variable('Scoped', { Scope: scope })]);
      expect(response.status, JSON.stringify(scope)).toBe(400);
    }
  });

  it('of library variables cannot name project-only things', async () => {
    const library = await created('/api/Spaces-1/libraryvariablesets', { Name: `Library ${++counter}` });
    const project = await newProject();
    const channel = (await http.get(`/api/Spaces-1/projects/${project.Id}/channels`)).body.Items[0];
    const response = await putVariables(library.VariableSetId, [variable('X', { Scope: { Channel: [channel.Id] } })]);
    expect(response.status).toBe(400);
    const set = (await http.get(`/api/Spaces-1/variables/${library.VariableSetId}`)).body;
    expect(set.ScopeValues).toMatchObject({ Channels: [], Actions: [], Processes: [] });
  });

  it('drop empty scope fields, and prompted variables may only be scoped by environment', async () => {
    const project = await newProject();
    const env = await newEnvironment();
    const prompt = { Label: 'Pick', Description: 'Which', Required: true, DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } };
    const ok = await putVariables(project.VariableSetId, [variable('Asked', { Prompt: prompt, Scope: { Environment: [env.Id], Role: [] } })]);
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.Variables[0]).toMatchObject({ Prompt: prompt, Scope: { Environment: [env.Id] } });
    const refused = await putVariables(project.VariableSetId, [variable('Asked', { Prompt: prompt, Scope: { Role: ['web'] } })]);
    expect(refused.status).toBe(400);
    expect(refused.body.Errors.join('\n')).toContain('Prompted variables cannot be scoped to anything except an environment.');
  });
});

describe('script modules', () => {
  it('keep their body and syntax as two variables of their library variable set', async () => {
    const module = await created('/api/Spaces-1/libraryvariablesets', { Name: 'Retry', ContentType: 'ScriptModule' });
    const response = await putVariables(module.VariableSetId, [
      variable('Octopus.Script.Module[Retry]', { Value: 'function Retry { }' }),
      variable('Octopus.Script.Module.Language[Retry]', { Value: 'PowerShell' }),
    ]);
    expect(response.status, response.text).toBe(200);
    const read = (await http.get(`/api/variables/${module.VariableSetId}`)).body;
    expect(read.Variables.map((v: { Name: string; Value: string }) => [v.Name, v.Value])).toEqual([
      ['Octopus.Script.Module[Retry]', 'function Retry { }'],
      ['Octopus.Script.Module.Language[Retry]', 'PowerShell'],
    ]);
  });
});

describe('instance.update from code', () => {
  it('behaves exactly as an HTTP PUT', async () => {
    const env = await newEnvironment();
    const viaHttp = await newProject();
    const viaCode = await newProject();
    const body = (id: string) => ({
      Version: 0,
      OwnerId: 'ignored',
      Variables: [
        variable('Plain', { Scope: { Environment: [env.Id] } }),
        variable('Secret', { Id: `${id}-secret`, Type: 'Sensitive', Value: `code-or-http-${id}` }),
      ],
    });
    const put = await http.put(`/api/Spaces-1/variables/${viaHttp.VariableSetId}`, body('a'));
    expect(put.status, put.text).toBe(200);
    server.sim.instance.update('variables', 'Spaces-1', viaCode.VariableSetId, body('b'));

    const strip = (set: { Variables: Record<string, unknown>[] }) => set.Variables.map(({ Id: _id, ...rest }) => rest);
    const a = (await http.get(`/api/Spaces-1/variables/${viaHttp.VariableSetId}`)).body;
    const b = (await http.get(`/api/Spaces-1/variables/${viaCode.VariableSetId}`)).body;
    expect(strip(b)).toEqual(strip(a));
    expect([a.Version, b.Version, a.OwnerId, b.OwnerId]).toEqual([1, 1, viaHttp.Id, viaCode.Id]);
    expect(server.sim.instance.store.secretValues()).toEqual(expect.arrayContaining(['code-or-http-a', 'code-or-http-b']));

    // The same refusals: a stale Version, a bad scope.
    expect(() => server.sim.instance.update('variables', 'Spaces-1', viaCode.VariableSetId, body('b'))).toThrow(HttpError);
    expect((await http.put(`/api/Spaces-1/variables/${viaHttp.VariableSetId}`, body('a'))).status).toBe(400);
    const badScope = { Version: 1, Variables: [variable('X', { Scope: { Environment: ['Environments-999'] } })] };
    const refusal = (() => {
      try {
        server.sim.instance.update('variables', 'Spaces-1', viaCode.VariableSetId, badScope);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refusal).toBeInstanceOf(HttpError);
    expect((refusal as HttpError).status).toBe(400);
    expect((refusal as HttpError).errors.join('\n')).toContain('Environments-999');
  });
});
