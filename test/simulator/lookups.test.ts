// The simulator's name, slug and owner checks look documents up in indexes kept by its store:
// they must see every rename, move and delete exactly as a scan of the space would.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { simHttp } from '../support/sim-http.js';
import type { SimHttp } from '../support/sim-http.js';

let sim: Simulator;
let http: SimHttp;

beforeEach(async () => {
  sim = await startSimulator({ seed: 'empty', idOffset: 0 });
  http = simHttp(sim);
});

afterEach(async () => {
  await sim.close();
});

async function createProject(Name: string): Promise<{ Id: string }> {
  const lifecycle = (await http.post('/api/Spaces-1/lifecycles', { Name: `${Name} lifecycle` })).body;
  const group = (await http.post('/api/Spaces-1/projectgroups', { Name: `${Name} group` })).body;
  const created = await http.post('/api/Spaces-1/projects', { Name, LifecycleId: lifecycle.Id, ProjectGroupId: group.Id });
  expect(created.status).toBe(201);
  return created.body;
}

describe('lookups by name, slug and owner', () => {
  it('sees a renamed or deleted document: its old name is free, its new name is taken', async () => {
    const created = await http.post('/api/Spaces-1/environments', { Name: 'Alpha' });
    expect(created.status).toBe(201);
    const renamed = await http.put(`/api/Spaces-1/environments/${created.body.Id}`, { ...created.body, Name: 'Beta' });
    expect(renamed.status).toBe(200);
    expect((await http.post('/api/Spaces-1/environments', { Name: 'alpha' })).status).toBe(201);
    const clash = await http.post('/api/Spaces-1/environments', { Name: 'BETA' });
    expect(clash.status).toBe(400);
    expect(clash.body.Errors.join(' ')).toContain("The name 'BETA' is already in use");
    expect((await http.del(`/api/Spaces-1/environments/${created.body.Id}`)).status).toBe(200);
    expect((await http.post('/api/Spaces-1/environments', { Name: 'Beta' })).status).toBe(201);
  });

  it('finds a document by its id in any case, and not once it is deleted', async () => {
    const created = await http.post('/api/Spaces-1/environments', { Name: 'Gamma' });
    expect((await http.get(`/api/Spaces-1/environments/${created.body.Id.toUpperCase()}`)).body.Name).toBe('Gamma');
    await http.del(`/api/Spaces-1/environments/${created.body.Id}`);
    expect((await http.get(`/api/Spaces-1/environments/${created.body.Id.toLowerCase()}`)).status).toBe(404);
  });

  it('makes slugs unique per project for channels, and across the space for projects', async () => {
    const first = await createProject('Shop');
    const second = await createProject('Shop 2');
    const channels = async (projectId: string) => (await http.get(`/api/Spaces-1/projects/${projectId}/channels`)).body.Items as { Id: string; Name: string; Slug: string }[];
    // Every project's first channel is `Default`, slug `default`: slugs are per project.
    expect((await channels(first.Id)).map((c) => c.Slug)).toEqual(['default']);
    expect((await channels(second.Id)).map((c) => c.Slug)).toEqual(['default']);
    const extra = await http.post('/api/Spaces-1/channels', { Name: 'default ', ProjectId: first.Id, Slug: 'default' });
    expect(extra.status).toBe(201);
    expect(extra.body.Slug).toBe('default-1');
    // A name is unique within the project, whatever its case.
    expect((await http.post('/api/Spaces-1/channels', { Name: 'DEFAULT', ProjectId: first.Id })).status).toBe(400);
    expect((await http.post('/api/Spaces-1/channels', { Name: 'Hotfix', ProjectId: second.Id })).status).toBe(201);
    const projects = (await http.get('/api/Spaces-1/projects/all')).body as { Name: string; Slug: string }[];
    expect(projects.map((p) => p.Slug).sort()).toEqual(['shop', 'shop-2']);
  });

  it('scopes a variable only to the channels of its own project', async () => {
    const first = await createProject('Billing');
    const second = await createProject('Billing 2');
    const otherChannel = (await http.get(`/api/Spaces-1/projects/${second.Id}/channels`)).body.Items[0].Id as string;
    const ownChannel = (await http.get(`/api/Spaces-1/projects/${first.Id}/channels`)).body.Items[0].Id as string;
    const set = (await http.get(`/api/Spaces-1/projects/${first.Id}/variables`)).body;
    const write = (channel: string, Version: number) =>
      http.put(`/api/Spaces-1/projects/${first.Id}/variables`, { ...set, Version, Variables: [{ Name: 'A', Value: '1', Type: 'String', Scope: { Channel: [channel] } }] });
    const refused = await write(otherChannel, set.Version);
    expect(refused.status).toBe(400);
    expect(refused.body.Errors.join(' ')).toContain(`the Channel scope value '${otherChannel}' does not exist`);
    const accepted = await write(ownChannel.toUpperCase(), set.Version);
    expect(accepted.status).toBe(200);
    expect(accepted.body.ScopeValues.Channels.map((c: { Id: string }) => c.Id)).toEqual([ownChannel]);
  });
});
