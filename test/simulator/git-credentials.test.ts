// Git credentials (`/api/{spaceId}/git-credentials`, reference-2026 spaces.md): a paged list,
// create answering only `{Id, Links}`, the password never returned.
import { describe, expect, it } from 'vitest';
import { emptySimulatorForFile } from '../support/sim-http.js';

const { http } = emptySimulatorForFile();

describe('git credentials', () => {
  it('are created, listed in pages and read by id, never showing the password', async () => {
    const body = { Name: 'GitHub bot', Description: 'Reads the deployment repositories', Details: { Type: 'UsernamePassword', Username: 'octobot', Password: { HasValue: true, NewValue: 'ghp-secret' } }, RepositoryRestrictions: { Enabled: false, AllowedRepositories: [] } };
    const created = await http.post('/api/Spaces-1/git-credentials', body);
    expect(created.status, created.text).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual(['Id', 'Links']);
    expect(created.body.Id).toMatch(/^GitCredentials-\d+$/);
    const read = await http.get(`/api/Spaces-1/git-credentials/${created.body.Id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ Name: 'GitHub bot', SpaceId: 'Spaces-1', Details: { Type: 'UsernamePassword', Username: 'octobot', Password: { HasValue: true } } });
    expect(read.text).not.toContain('ghp-secret');
    const list = await http.get('/api/spaces/Spaces-1/git-credentials?take=2147483647');
    expect(list.body).toMatchObject({ ItemType: 'GitCredential', TotalResults: 1, Items: [{ Id: created.body.Id, Name: 'GitHub bot' }] });
    expect((await http.get('/api/Spaces-1/git-credentials?name=bot')).body.Items).toHaveLength(1);
    expect((await http.get('/api/Spaces-1/git-credentials?name=nothing')).body.Items).toHaveLength(0);
  });

  it('need a name, a username and a password, and names are unique', async () => {
    const details = { Type: 'UsernamePassword', Username: 'u', Password: { HasValue: true, NewValue: 'p' } };
    expect((await http.post('/api/Spaces-1/git-credentials', { Name: 'Unique', Details: details })).status).toBe(201);
    expect((await http.post('/api/Spaces-1/git-credentials', { Name: 'unique', Details: details })).status).toBe(400);
    expect((await http.post('/api/Spaces-1/git-credentials', { Name: '', Details: details })).status).toBe(400);
    expect((await http.post('/api/Spaces-1/git-credentials', { Name: 'No user', Details: { ...details, Username: '' } })).status).toBe(400);
  });
});
