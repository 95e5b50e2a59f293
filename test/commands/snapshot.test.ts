// Snapshot end to end: a simulator over real HTTP, a real Git repository in a temporary folder.
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSnapshot } from '../../src/commands/snapshot.js';
import { runValidate } from '../../src/commands/validate.js';
import { createOctopusClient } from '../../src/octopus/index.js';
import type { OctopusClient } from '../../src/octopus/index.js';
import { gitEnvironment } from '../../src/repo/git.js';
import { STAGING_PREFIX } from '../../src/repo/staged-files.js';
import { listFiles, readFiles } from '../../src/repo/state-files.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator, SimulatorOptions } from '../../src/simulator/index.js';
import { simHttp } from '../support/sim-http.js';

let dir: string;
let sim: Simulator;
let client: OctopusClient;

async function snapshot(extra: { message?: string; collectGarbage?: boolean } = {}) {
  return runSnapshot({ api: client, server: sim.url, apiKeyEnv: 'OCTOPUS_API_KEY', repo: dir, ...extra });
}

function git() {
  return simpleGit(dir).env(gitEnvironment(process.env));
}

async function start(seed: string, options: SimulatorOptions = {}): Promise<void> {
  sim = await startSimulator({ seed, ...options });
  client = createOctopusClient({ server: sim.url, apiKey: sim.apiKey });
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'octosync-snapshot-'));
});

afterEach(async () => {
  await client?.close();
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('snapshot', () => {
  it('commits the sample instance to the source branch, a valid repository', async () => {
    await start('sample');
    const result = await snapshot();
    expect(result.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(result.branch).toBe('source');
    expect(result.message).toMatch(/^snapshot: \d+ added, 0 changed, 0 removed\n\n\+ tag set Region\n/);
    const files = await listFiles(dir);
    expect(files).toContain('octosync.yaml');
    expect(files).toContain('spaces/default/environments/production.yaml');
    expect(files).toContain('schemas/environments.schema.json');
    const production = await readFile(path.join(dir, 'spaces/default/environments/production.yaml'), 'utf8');
    expect(production.split('\n')[0]).toBe('# yaml-language-server: $schema=../../../schemas/environments.schema.json');
    const report = await runValidate({ repo: dir });
    expect(report.errors).toEqual([]);
  });

  it('gives a first snapshot\'s working tree the index git itself would write: same entries and stat data, status clean', async () => {
    await start('sample');
    await snapshot();
    const ours = await git().raw(['ls-files', '--debug', '--stage']);
    expect(await git().raw(['status', '--porcelain', '--untracked-files=all'])).toBe('');
    await rm(path.join(dir, '.git', 'index'));
    await git().raw(['read-tree', 'HEAD']);
    await git().raw(['update-index', '-q', '--refresh']);
    expect(ours).toBe(await git().raw(['ls-files', '--debug', '--stage']));
    expect(ours).toContain('spaces/default/environments/production.yaml');
  });

  it('commits the same tree when it collects garbage once the source is read (as the snapshot command does)', async () => {
    await start('sample');
    await snapshot();
    const tree = await git().revparse(['HEAD^{tree}']);
    await rm(dir, { recursive: true, force: true });
    dir = await mkdtemp(path.join(tmpdir(), 'octosync-snapshot-'));
    const result = await snapshot({ collectGarbage: true });
    expect(result.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(await git().revparse(['HEAD^{tree}'])).toBe(tree);
  });

  it('makes no commit when nothing changed, and writes byte-identical files', async () => {
    await start('sample');
    const first = await snapshot();
    const before = await readFiles(dir, await listFiles(dir));
    const second = await snapshot();
    expect(second.commit).toBeUndefined();
    expect(second.changes).toEqual({ added: [], changed: [], removed: [] });
    expect(await readFiles(dir, await listFiles(dir))).toEqual(before);
    expect((await git().log()).total).toBe(1);
    expect((await git().revparse(['HEAD'])).trim()).toBe(first.commit);
  });

  it('shows a changed lifecycle phase as a diff of only those lines, and removes deleted resources', async () => {
    await start('sample');
    await snapshot();
    const http = simHttp(sim);
    const lifecycle = (await http.get('/api/Spaces-1/lifecycles/all')).body.find((l: { Name: string }) => l.Name === 'Dev to Production');
    lifecycle.Phases[0].MinimumEnvironmentsBeforePromotion = 1;
    expect((await http.put(`/api/Spaces-1/lifecycles/${lifecycle.Id}`, lifecycle)).status).toBe(200);
    const staging = (await http.get('/api/Spaces-1/machinepolicies/all')).body.find((p: { Name: string }) => p.Name === 'Linux Targets');
    expect((await http.del(`/api/Spaces-1/machinepolicies/${staging.Id}`)).status).toBe(200);

    const result = await snapshot();
    expect(result.message?.split('\n')[0]).toBe('snapshot: 0 added, 1 changed, 1 removed');
    const diff = await git().diff(['HEAD~1', 'HEAD', '--unified=0', '--', 'spaces/default/lifecycles']);
    const changed = diff.split('\n').filter((line) => /^[-+][^-+]/.test(line));
    expect(changed).toEqual(['-    MinimumEnvironmentsBeforePromotion: 0', '+    MinimumEnvironmentsBeforePromotion: 1']);
    expect(await listFiles(dir, 'spaces/default/machine-policies')).toEqual(['spaces/default/machine-policies/default-machine-policy.yaml']);
  });

  it('shows one changed variable and one changed script line as exactly those lines', async () => {
    await start('sample');
    await snapshot();
    const http = simHttp(sim);
    const project = (await http.get('/api/Spaces-1/projects/all')).body.find((p: { Name: string }) => p.Name === 'Web Shop');
    const variables = (await http.get(`/api/Spaces-1/variables/${project.VariableSetId}`)).body;
    const plain = variables.Variables.find((v: { IsSensitive: boolean; Value: string | null; Scope: object }) => !v.IsSensitive && v.Value && !v.Value.includes('\n'));
    const oldValue = plain.Value as string;
    plain.Value = `${oldValue}-changed`;
    expect((await http.put(`/api/Spaces-1/variables/${project.VariableSetId}`, variables)).status).toBe(200);
    const process = (await http.get(`/api/Spaces-1/deploymentprocesses/${project.DeploymentProcessId}`)).body;
    const action = process.Steps.flatMap((step: { Actions: { Properties: Record<string, unknown> }[] }) => step.Actions).find(
      (a: { Properties: Record<string, unknown> }) => typeof a.Properties['Octopus.Action.Script.ScriptBody'] === 'string' && String(a.Properties['Octopus.Action.Script.ScriptBody']).split('\n').length > 2,
    );
    const script = String(action.Properties['Octopus.Action.Script.ScriptBody']).split('\n');
    const oldLine = script[1] as string;
    script[1] = `${oldLine} # changed`;
    action.Properties['Octopus.Action.Script.ScriptBody'] = script.join('\n');
    expect((await http.put(`/api/Spaces-1/deploymentprocesses/${project.DeploymentProcessId}`, process)).status).toBe(200);

    const result = await snapshot();
    expect(result.changes.changed.sort()).toEqual(['spaces/default/projects/web-shop/deployment-process.yaml', 'spaces/default/projects/web-shop/variables.yaml']);
    const diff = await git().diff(['HEAD~1', 'HEAD', '--unified=0']);
    const changed = diff.split('\n').filter((line) => /^[-+](?![-+]{2} )/.test(line));
    expect(changed).toHaveLength(4);
    expect(changed.filter((line) => line.startsWith('-')).map((line) => line.slice(1).trim())).toEqual([oldLine.trim(), expect.stringContaining(oldValue)]);
    expect(changed.filter((line) => line.startsWith('+')).map((line) => line.slice(1).trim())).toEqual([`${oldLine.trim()} # changed`, expect.stringContaining(`${oldValue}-changed`)]);
  });

  it('never writes a secret: the whole history holds none of the instance’s secret values', async () => {
    await start('sample');
    await snapshot();
    const http = simHttp(sim);
    const feed = (await http.get('/api/Spaces-1/feeds/all')).body.find((f: { Password?: { HasValue: boolean } }) => f.Password?.HasValue);
    await http.put(`/api/Spaces-1/feeds/${feed.Id}`, { ...feed, Description: 'rotated', Password: { HasValue: true, NewValue: 'rotated-secret-9917' } });
    await snapshot();
    const secrets = sim.instance.store.secretValues();
    expect(secrets.length).toBeGreaterThan(5);
    const history = await git().raw(['log', '-p', '--all', '--format=%H %s%n%b']);
    expect(history.length).toBeGreaterThan(10_000);
    const leaked = secrets.filter((secret) => secret.length >= 6 && history.includes(secret));
    expect(leaked).toEqual([]);
  });

  it('commits only its own files, never what someone else staged in the working tree', async () => {
    await start('sample');
    await snapshot();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(dir, 'NOTES.md'), 'work in progress\n');
    await git().add('NOTES.md');
    const dev = (await simHttp(sim).get('/api/Spaces-1/environments/all')).body.find((e: { Name: string }) => e.Name === 'Dev');
    await simHttp(sim).put(`/api/Spaces-1/environments/${dev.Id}`, { ...dev, Description: 'changed' });
    const result = await snapshot();
    expect((await git().show(['--name-only', '--format=', String(result.commit)])).trim().split('\n')).toEqual(['spaces/default/environments/dev.yaml']);
    expect((await git().status()).staged).toEqual(['NOTES.md']);
  });

  it('takes its config from the branch it commits to, not from the current checkout', async () => {
    await start('sample');
    await snapshot();
    const { writeFile } = await import('node:fs/promises');
    await git().checkoutLocalBranch('feature');
    await writeFile(path.join(dir, 'octosync.yaml'), 'source:\n  server: http://elsewhere\nspaces:\n  - Default\nexclude:\n  - kind: environments\n');
    await git().add('octosync.yaml');
    await git().commit('an experiment on a branch of its own');
    const result = await snapshot();
    expect(result.branch).toBe('source');
    // The feature branch's exclusion of environments does not apply to the source branch.
    expect(result.changes.removed).toEqual([]);
    expect(await listFiles(dir, 'spaces/default/environments')).toHaveLength(4);
  });

  it('keeps an existing octosync.yaml and uses its spaces', async () => {
    await start('sample');
    await snapshot();
    const config = await readFile(path.join(dir, 'octosync.yaml'), 'utf8');
    expect(config).toContain('spaces:\n  - Default\n');
    await snapshot();
    expect(await readFile(path.join(dir, 'octosync.yaml'), 'utf8')).toBe(config);
  });

  it('a first snapshot whose commit a hook refuses leaves its files and no staging folder, and the next one commits them', async () => {
    await start('sample');
    await git().init();
    const hook = path.join(dir, '.git', 'hooks', 'pre-commit');
    await writeFile(hook, '#!/bin/sh\nexit 1\n');
    await chmod(hook, 0o755);
    await expect(snapshot()).rejects.toThrow(/commit/i);
    expect(await git().raw(['rev-parse', '--verify', '--quiet', 'source']).catch(() => '')).toBe('');
    expect((await readdir(dir)).filter((name) => name.startsWith(STAGING_PREFIX))).toEqual([]);
    const written = (await listFiles(dir)).filter((file) => file.startsWith('spaces/') || file.startsWith('schemas/'));
    expect(written).toContain('spaces/default/environments/production.yaml');
    await rm(hook);
    const result = await snapshot();
    const committed = (await git().raw(['ls-tree', '-r', '--name-only', String(result.commit)])).trim().split('\n');
    expect(committed.filter((file) => file.startsWith('spaces/') || file.startsWith('schemas/')).sort()).toEqual(written);
    // The configuration and the .gitignore the first one wrote are committed too.
    expect(committed).toEqual(expect.arrayContaining(['octosync.yaml', '.gitignore']));
  });

  it('a first snapshot its self-check refuses leaves the folder as it was: no file, no staging folder, no .git', async () => {
    await start('empty');
    const http = simHttp(sim);
    const dev = (await http.post('/api/Spaces-1/environments', { Name: 'Dev' })).body;
    // The server refuses such a name through its API; the store can hold it, as a corrupt database would.
    sim.instance.store.put('environments', { ...dev, Name: 'D'.repeat(60) });
    await expect(snapshot()).rejects.toThrow(/validate rejects[\s\S]*Name/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('a snapshot its self-check refuses, on the branch already checked out, commits nothing and leaves the working tree as it was', async () => {
    await start('empty');
    const http = simHttp(sim);
    await http.post('/api/Spaces-1/environments', { Name: 'Dev' });
    const first = await snapshot();
    const test = (await http.post('/api/Spaces-1/environments', { Name: 'Test' })).body;
    sim.instance.store.put('environments', { ...test, Name: 'T'.repeat(60) });
    await expect(snapshot()).rejects.toThrow(/validate rejects/);
    expect((await git().revparse(['HEAD'])).trim()).toBe(first.commit);
    expect(await git().raw(['status', '--porcelain', '--untracked-files=all', '--ignored'])).toBe('');
  });

  it('writes nothing when the source has a dangling reference', async () => {
    await start('empty');
    const http = simHttp(sim);
    const dev = (await http.post('/api/Spaces-1/environments', { Name: 'Dev' })).body;
    await http.post('/api/Spaces-1/projectgroups', { Name: 'Web', EnvironmentIds: [dev.Id] });
    // The server never lets this happen through its API; the store can, as a corrupt database would.
    sim.instance.store.remove('environments', dev.Id);
    await expect(snapshot()).rejects.toThrow(/project group 'Web' EnvironmentIds: refers to environments 'Environments-\d+', which does not exist/);
    expect(await listFiles(dir)).toEqual([]);
  });
});

describe('snapshot costs', () => {
  /** Requests of a snapshot of synthetic:10 and synthetic:200 (1 and 20 tenanted projects; 3 and all 10 tenants connected). */
  async function costs(options: SimulatorOptions): Promise<number[]> {
    const counts: number[] = [];
    for (const seed of ['synthetic:10', 'synthetic:200']) {
      await start(seed, options);
      sim.knobs.resetCounts();
      await snapshot();
      counts.push(sim.knobs.requestCounts().total);
      await client.close();
      await sim.close();
      await rm(dir, { recursive: true, force: true });
      dir = await mkdtemp(path.join(tmpdir(), 'octosync-snapshot-'));
    }
    return counts;
  }

  it('makes the same number of requests for 10 and for 200 projects (tenant variables read space-wide)', async () => {
    const counts = await costs({ tenantVariableScoping: false });
    expect(counts[0]).toBeGreaterThan(10);
    expect(counts[1]).toBe(counts[0]);
  });

  it('with scoped tenant variables, which have no space-wide read: two requests more per connected tenant, none per project', async () => {
    const counts = await costs({ tenantVariableScoping: true });
    expect(counts[0]).toBeGreaterThan(10);
    expect((counts[1] ?? 0) - (counts[0] ?? 0)).toBe(2 * (10 - 3));
  });
});
