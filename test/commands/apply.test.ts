// Plan and apply end to end for every kind: a source and a destination simulator over real
// HTTP, real Git repositories in temporary folders.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runApply } from '../../src/commands/apply.js';
import { preparePlan } from '../../src/commands/plan.js';
import { readStatus } from '../../src/state/status-store.js';
import type { ResourceOutcome } from '../../src/state/status-store.js';
import { readFiles } from '../../src/repo/state-files.js';
import { SAMPLE_CERTIFICATE_PEM } from '../../src/simulator/seeds/sample-certificate.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { simHttp } from '../support/sim-http.js';
import { createAccounts, snapshotOf, writes } from '../support/destinations.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';

let source: Simulator;
let destination: Simulator;
let repo: StateRepo;
let secretsDir: string;
let env: Record<string, string>;

const PRODUCTION_OVERLAY = {
  variables: {
    projects: {
      'Web Shop': [
        { name: 'Cdn.DistributionId', value: 'E2PRODUCTIONCDN1' },
        { name: 'ConnectionStrings:Shop', scope: { Environment: ['Production'] }, value: { valueFrom: { env: 'PROD_SHOP_DB' } } },
      ],
    },
  },
  lifecycles: { 'Dev to Production': { editPhases: { Production: { MinimumEnvironmentsBeforePromotion: 1 } } } },
  secrets: {
    'certificates/Web Shop TLS': { CertificateData: { valueFrom: { file: 'webshop-tls.b64' } }, Password: { valueFrom: { env: 'TLS_PASSWORD' } } },
    'git-credentials/GitHub deploy bot': { 'Details.Password': { valueFrom: { env: 'PROD_GITHUB_TOKEN' } } },
  },
};

async function writeDestination(extra: Record<string, unknown> = {}): Promise<void> {
  await repo.writeDestination('production', {
    server: destination.url,
    apiKey: { env: 'DEST_KEY' },
    branch: 'source',
    missingSecrets: 'placeholder',
    overlays: PRODUCTION_OVERLAY,
    ...extra,
  });
}

function apply(extra: Partial<Parameters<typeof runApply>[0]> = {}) {
  return runApply({ repo: repo.dir, destination: 'production', env, ...extra });
}

async function plan() {
  const prepared = await preparePlan({ repo: repo.dir, destination: 'production', env });
  await prepared.client.close();
  return prepared.plan;
}

beforeEach(async () => {
  source = await startSimulator({ seed: 'sample' });
  destination = await startSimulator({ seed: 'empty' });
  await createAccounts(source, destination);
  repo = await stateRepo();
  secretsDir = await mkdtemp(path.join(tmpdir(), 'octosync-secrets-'));
  await repo.writeSecret('webshop-tls.b64', Buffer.from(SAMPLE_CERTIFICATE_PEM).toString('base64'));
  env = { DEST_KEY: destination.apiKey, PROD_SHOP_DB: 'Server=prod-sql;Password=prod-only-secret', TLS_PASSWORD: 'prod-tls-password', PROD_GITHUB_TOKEN: 'prod-github-token-7' };
  await repo.snapshot(source);
  await writeDestination();
});

afterEach(async () => {
  await source.close();
  await destination.close();
  await repo.cleanup();
  await rm(secretsDir, { recursive: true, force: true });
});

describe('apply', () => {
  it('round-trips: the destination snapshots like the source, except exactly what the overlay changes', async () => {
    const result = await apply();
    expect(result.result).toBe('success');
    const [want, got] = [await snapshotOf(source), await snapshotOf(destination)];
    expect([...got.keys()]).toEqual([...want.keys()]);
    const differing = [...want.keys()].filter((file) => want.get(file) !== got.get(file));
    expect(differing.sort()).toEqual(['spaces/default/lifecycles/dev-to-production.yaml', 'spaces/default/projects/web-shop/variables.yaml']);
    expect(got.get('spaces/default/projects/web-shop/variables.yaml')).toContain('Value: E2PRODUCTIONCDN1');
    // The source's values never leak into production.
    expect(got.get('spaces/default/projects/web-shop/variables.yaml')).not.toContain('E2SAMPLE0CDN42');
    expect(destination.instance.store.secretValues()).toContain(env.PROD_SHOP_DB);
    for (const secret of source.instance.store.secretValues()) {
      if (secret.length > 8 && !secret.startsWith('LS0t')) expect(destination.instance.store.secretValues()).not.toContain(secret);
    }
    // The version-controlled project: in Git here too, its credential resolved by name, the
    // credential's password from the overlay, its process read from the repository.
    const http = simHttp(destination);
    const clinic = ((await http.get('/api/Spaces-1/projects/all')).body as { Name: string; Id: string; PersistenceSettings: { Credentials: { Id: string } } }[]).find((p) => p.Name === 'Pet Clinic');
    const credentials = (await http.get('/api/Spaces-1/git-credentials')).body.Items as { Id: string; Name: string }[];
    expect(clinic?.PersistenceSettings).toMatchObject({ Type: 'VersionControlled', Credentials: { Type: 'Reference', Id: credentials.find((c) => c.Name === 'GitHub deploy bot')?.Id } });
    expect(destination.instance.store.secretValues()).toContain(env.PROD_GITHUB_TOKEN);
    expect((await http.get(`/api/Spaces-1/projects/${String(clinic?.Id)}/main/deploymentprocesses`)).body.Steps.map((s: { Name: string }) => s.Name)).toEqual(['Migrate database', 'Deploy clinic']);
    expect((await http.get(`/api/Spaces-1/projects/${String(clinic?.Id)}/deploymentprocesses`)).status).toBe(400);
    const stateFiles = await readFiles(repo.dir, [...want.keys()]);
    expect([...stateFiles.values()].some((text) => text.includes(env.PROD_GITHUB_TOKEN ?? '') || text.includes('sample-github-token'))).toBe(false);
  }, 120_000);

  it('is idempotent: after an apply the plan is empty and a second apply writes nothing', async () => {
    await apply();
    expect((await plan()).changes).toEqual([]);
    destination.knobs.resetCounts();
    const again = await apply();
    expect(again.result).toBe('no-changes');
    expect(writes(destination)).toEqual({ POST: 0, PUT: 0, DELETE: 0 });
  });

  it('turns one changed variable in the repository into one PUT', async () => {
    await apply();
    const file = 'spaces/default/projects/web-shop/variables.yaml';
    const text = (await readFiles(repo.dir, [file])).get(file) as string;
    await repo.commitFile(file, text.replace('Value: "60"', 'Value: "90"'), 'longer smoke tests');
    const changed = await plan();
    expect(changed.changes.map((c) => [c.action, c.kind, c.name, c.fields.map((f) => f.path)])).toEqual([
      ['update', 'project-variables', 'Web Shop', ['Variables[SmokeTest.TimeoutSeconds{Action=Run smoke tests}].Value']],
    ]);
    destination.knobs.resetCounts();
    await apply();
    expect(writes(destination)).toEqual({ POST: 0, PUT: 1, DELETE: 0 });
  });

  it('sets a secret from valueFrom and keeps it on the next apply without one', async () => {
    await apply();
    expect(destination.instance.store.secretValues()).toContain(env.PROD_SHOP_DB);
    const overlay = structuredClone(PRODUCTION_OVERLAY);
    overlay.variables.projects['Web Shop'] = overlay.variables.projects['Web Shop'].slice(0, 1);
    await repo.writeDestination('production', { server: destination.url, apiKey: { env: 'DEST_KEY' }, branch: 'source', missingSecrets: 'placeholder', overlays: overlay });
    await apply();
    expect(destination.instance.store.secretValues()).toContain(env.PROD_SHOP_DB);
    // Giving it a source again sets it: the plan says so without reading the value.
    await writeDestination();
    const sourced = await plan();
    expect(sourced.changes.flatMap((c) => c.secrets)).toEqual([{ path: 'Variables[ConnectionStrings:Shop{Environment=Production}]', action: 'set', from: 'env:PROD_SHOP_DB' }]);
    await apply();
    // Rotating the value behind the same source is one more apply (which reads it; a plan does not).
    env.PROD_SHOP_DB = 'Server=prod-sql;Password=rotated';
    expect((await plan()).changes).toEqual([]);
    const rotated = await apply();
    expect(rotated.plan.changes.flatMap((c) => c.secrets)).toEqual([{ path: 'Variables[ConnectionStrings:Shop{Environment=Production}]', action: 'set', from: 'env:PROD_SHOP_DB' }]);
    expect(destination.instance.store.secretValues()).toContain('Server=prod-sql;Password=rotated');
  });

  it('sets a rotated secret again when the write that carried it failed', async () => {
    await apply();
    env.PROD_SHOP_DB = 'Server=prod-sql;Password=rotated-but-failed';
    // Another change in the same apply succeeds (a lifecycle is written before variables).
    const overlay = structuredClone(PRODUCTION_OVERLAY);
    overlay.lifecycles['Dev to Production'].editPhases.Production.MinimumEnvironmentsBeforePromotion = 2;
    await writeDestination({ overlays: overlay });
    destination.knobs.addFault({ method: 'PUT', path: '/variables/', status: 400, times: 1 });
    await expect(apply()).rejects.toThrow(/failed/);
    destination.knobs.clearFaults();
    const retry = await apply();
    expect(retry.plan.changes.flatMap((c) => c.secrets)).toEqual([{ path: 'Variables[ConnectionStrings:Shop{Environment=Production}]', action: 'set', from: 'env:PROD_SHOP_DB' }]);
    expect(destination.instance.store.secretValues()).toContain('Server=prod-sql;Password=rotated-but-failed');
  });

  it('records status per destination: last applied commit, result, outcomes, history', async () => {
    const result = await apply();
    const status = await readStatus(path.join(repo.dir, '.octosync'), 'production');
    expect(status.lastApplied?.commit).toBe(result.plan.commit);
    expect(status.lastAttempt?.result).toBe('success');
    expect(status.lastAttempt?.outcomes.length).toBe(result.plan.changes.length);
    expect(status.history).toHaveLength(1);
    expect(JSON.stringify(status)).not.toContain(env.PROD_SHOP_DB);
    // The state directory never shows up in the state repository's Git status.
    expect((await repo.git().status()).not_added.filter((file) => file.startsWith('.octosync'))).toEqual([]);
  });
});

describe('a field the destination does not keep', () => {
  it('fails the apply naming the file and the field, and is not written again until the file changes', async () => {
    await apply();
    const file = 'spaces/default/projects/web-shop/deployment-process.yaml';
    const original = (await readFiles(repo.dir, [file])).get(file) as string;
    // A misspelled field in a step action: the server drops what it does not know.
    await repo.commitFile(file, original.replace('        IsDisabled: false\n', '        IsDisabled: false\n        IsDisabeld: true\n'), 'a typo');
    await expect(apply()).rejects.toThrow(/IsDisabeld \(the document: true; the destination: absent\) from projects\/web-shop\/deployment-process\.yaml/);
    destination.knobs.resetCounts();
    const again = await plan();
    expect(again.changes).toEqual([]);
    expect(again.notices.join('\n')).toMatch(/deployment process 'Web Shop' is left out: the destination did not keep .*IsDisabeld/);
    expect((await apply()).result).toBe('no-changes');
    expect(writes(destination)).toEqual({ POST: 0, PUT: 0, DELETE: 0 });
    // Corrected, it applies again.
    await repo.commitFile(file, original.replace('        IsDisabled: false\n', '        IsDisabled: true\n'), 'disable it, spelled right');
    await apply();
    expect((await plan()).changes).toEqual([]);
  });
});

describe('apply under faults', () => {
  it('converges with 20% of writes failing and connections dropped, duplicating and losing nothing', async () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    await destination.close();
    destination = await startSimulator({ seed: 'empty', random });
    await createAccounts(source, destination);
    env.DEST_KEY = destination.apiKey;
    await writeDestination();
    for (const method of ['POST', 'PUT', 'DELETE']) destination.knobs.addFault({ method, status: 503, rate: 0.2 });
    destination.knobs.addFault({ method: 'PUT', drop: true, rate: 0.05 });
    destination.knobs.addFault({ method: 'POST', dropAfterHandling: true, rate: 0.05 });
    let attempts = 0;
    for (; attempts < 15; attempts += 1) {
      try {
        await apply();
        break;
      } catch {
        // A failed attempt leaves what it wrote; the next one plans the rest.
      }
    }
    expect(attempts).toBeLessThan(15);
    destination.knobs.clearFaults();
    expect((await plan()).changes).toEqual([]);
    const [want, got] = [await snapshotOf(source), await snapshotOf(destination)];
    expect([...got.keys()]).toEqual([...want.keys()]);
  });

  it('stops when cancelled: no write starts after the signal, the status says why, a rerun converges', async () => {
    destination.knobs.latencyMs = 15;
    const cancel = new AbortController();
    const applying = apply({ signal: cancel.signal });
    while (writes(destination).POST < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    cancel.abort(new Error('cancelled by the test'));
    await expect(applying).rejects.toThrow(/cancelled by the test/);
    const afterCancel = writes(destination);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(writes(destination)).toEqual(afterCancel);
    const status = await readStatus(path.join(repo.dir, '.octosync'), 'production');
    expect(status.lastAttempt?.result).toBe('failed');
    expect(status.lastAttempt?.error).toContain('cancelled by the test');
    destination.knobs.latencyMs = 0;
    await apply();
    expect((await plan()).changes).toEqual([]);
  });

  it('a failed write stops only what needs it: the rest is applied, and the output says what was skipped because of what', async () => {
    destination.knobs.addFault({ method: 'POST', path: '/tagsets', status: 500 });
    const failure = (await apply().then(
      () => undefined,
      (error: unknown) => error,
    )) as Error & { data: { outcomes: ResourceOutcome[] } };
    expect(failure).toBeInstanceOf(Error);
    const outcomes = failure.data.outcomes;
    const result = (kind: string, name: string) => outcomes.find((o) => o.kind === kind && o.name === name);
    expect(outcomes.filter((o) => o.result === 'failed').map((o) => `${o.kind} ${o.name}`).sort()).toEqual(['tag-sets Region', 'tag-sets Tier']);
    // Independent of tag sets: written, including kinds after them.
    for (const [kind, name] of [['environments', 'Production'], ['feeds', 'Internal NuGet'], ['lifecycles', 'Dev to Production'], ['projects', 'Web Shop'], ['deployment-processes', 'Web Shop'], ['teams', 'Release Managers']]) {
      expect(result(kind as string, name as string)?.result, `${kind} ${name}`).toBe('applied');
    }
    // Tagged with a tag of a set that failed: skipped, saying so.
    for (const [kind, name] of [['tenants', 'Acme Corp'], ['certificates', 'Web Shop TLS']]) {
      expect(result(kind as string, name as string), `${kind} ${name}`).toMatchObject({ result: 'skipped', error: expect.stringMatching(/needs the creation of tag set '(Tier|Region)', which failed/) });
    }
    expect(failure.message).toMatch(/skipped:\n(.|\n)*tenants Acme Corp: skipped: it needs the creation of tag set/);
    destination.knobs.clearFaults();
    await apply();
    expect((await plan()).changes).toEqual([]);
  });

  it('converges after failing midway, with no duplicates', async () => {
    destination.knobs.addFault({ method: 'POST', path: '/runbooks', status: 500 });
    await expect(apply()).rejects.toThrow(/apply to 'production' failed/);
    const status = await readStatus(path.join(repo.dir, '.octosync'), 'production');
    expect(status.lastAttempt?.result).toBe('failed');
    expect(status.lastAttempt?.outcomes.some((o) => o.result === 'applied')).toBe(true);
    destination.knobs.clearFaults();
    await apply();
    expect((await plan()).changes).toEqual([]);
    const http = simHttp(destination);
    const projects = (await http.get('/api/Spaces-1/projects/all')).body as { Name: string }[];
    expect(new Set(projects.map((p) => p.Name)).size).toBe(projects.length);
    const runbooks = (await http.get('/api/Spaces-1/runbooks/all')).body as { Name: string; ProjectId: string }[];
    expect(new Set(runbooks.map((r) => `${r.ProjectId}/${r.Name}`)).size).toBe(runbooks.length);
  });
});

describe('apply refuses bad input before any write', () => {
  it.each([
    ['an overlay naming a project that does not exist', { overlays: { variables: { projects: { Ghost: [{ name: 'x', value: 'y' }] } } } }, /names 'Ghost', which is not in the repository/],
    ['an overlay naming a variable that does not exist', { overlays: { variables: { projects: { 'Web Shop': [{ name: 'Nope', value: 'y' }] } } } }, /'Web Shop' has no variable 'Nope'/],
    ['an overlay scoping to an environment that does not exist', { overlays: { variables: { projects: { 'Web Shop': [{ name: 'Cdn.DistributionId', scope: { Environment: ['Mars'] }, value: 'y' }] } } } }, /no variable 'Cdn.DistributionId' \{Environment=Mars\}/],
    ['a missing environment variable for a secret', { overlays: PRODUCTION_OVERLAY, missingSecrets: 'error', _env: { PROD_SHOP_DB: undefined } }, /env:PROD_SHOP_DB .* is not available/],
    ['an unreachable server', { server: 'http://127.0.0.1:1' }, /could not reach http:\/\/127\.0\.0\.1:1/],
    ['a followed branch that does not exist', { branch: 'productoin' }, /follows the branch 'productoin', which .* does not have/],
    ['a wrong API key', { apiKey: { env: 'WRONG_KEY' } }, /401.*API key was rejected/],
  ])('%s', async (_name, extra, message) => {
    const { _env, ...destinationFields } = extra as Record<string, unknown> & { _env?: Record<string, undefined> };
    await writeDestination(destinationFields);
    destination.knobs.resetCounts();
    await expect(apply({ env: { ...env, WRONG_KEY: 'API-WRONG', ...(_env ?? {}) } as never })).rejects.toThrow(message);
    expect(writes(destination)).toEqual({ POST: 0, PUT: 0, DELETE: 0 });
  });
});
