// The apply lock across machines: a ref in the state repository's remote. Two clones with state
// directories of their own stand for two machines.
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runApply } from '../../src/commands/apply.js';
import { LockedError } from '../../src/state/lock.js';
import { acquireRemoteLock, remoteLockRef } from '../../src/state/remote-lock.js';
import { gitEnvironment } from '../../src/repo/git.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { createAccounts } from '../support/destinations.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { simHttp } from '../support/sim-http.js';

let work: string;
let origin: string;
let machineA: string;
let machineB: string;
const git = (dir: string) => simpleGit(dir).env(gitEnvironment(process.env));

/** Writes a lock commit into the origin by hand, as another applier would have. */
async function lockHeldBy(holder: Record<string, unknown>): Promise<void> {
  const tree = (await git(machineA).raw(['hash-object', '-t', 'tree', '-w', '/dev/null'])).trim();
  const commit = (await git(machineA).raw(['commit-tree', tree, '-m', JSON.stringify(holder)])).trim();
  await git(machineA).raw(['push', '--quiet', '--force', 'origin', `${commit}:${remoteLockRef('production')}`]);
}

async function remoteLockExists(): Promise<boolean> {
  return (await git(origin).raw(['for-each-ref', remoteLockRef('production')])).trim() !== '';
}

beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'octosync-remote-lock-'));
  origin = path.join(work, 'origin.git');
  await git(work).raw(['init', '--quiet', '--bare', origin]);
  const seed = path.join(work, 'seed');
  await git(work).raw(['init', '--quiet', seed]);
  await git(seed).raw(['commit', '--quiet', '--allow-empty', '-m', 'first']);
  await git(seed).raw(['push', '--quiet', origin, 'HEAD:refs/heads/main']);
  machineA = path.join(work, 'a');
  machineB = path.join(work, 'b');
  await git(work).clone(origin, machineA);
  await git(work).clone(origin, machineB);
});

afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('the apply lock in the state repository', () => {
  it('is held by one machine at a time, and released', async () => {
    const lock = await acquireRemoteLock(machineA, 'production');
    expect(lock).toBeDefined();
    const error = await acquireRemoteLock(machineB, 'production').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockedError);
    expect((error as LockedError).holder).toMatchObject({ pid: process.pid, host: hostname() });
    await (await acquireRemoteLock(machineB, 'staging'))?.release();
    await lock?.release();
    expect(await remoteLockExists()).toBe(false);
    await (await acquireRemoteLock(machineB, 'production'))?.release();
  });

  it('is not needed without a remote: a local repository has the lock file only', async () => {
    const local = path.join(work, 'local');
    await git(work).raw(['init', '--quiet', local]);
    expect(await acquireRemoteLock(local, 'production')).toBeUndefined();
  });

  it('is respected while another machine renews it', async () => {
    await lockHeldBy({ pid: 4242, host: 'another-machine', since: new Date().toISOString(), renewedAt: new Date().toISOString(), ttlMs: 60_000, token: 't' });
    await expect(acquireRemoteLock(machineB, 'production')).rejects.toBeInstanceOf(LockedError);
  });

  it('is taken over when its holder stopped renewing it', async () => {
    await lockHeldBy({ pid: 4242, host: 'another-machine', since: '2026-01-01T00:00:00Z', renewedAt: '2026-01-01T00:00:00Z', ttlMs: 60_000, token: 't' });
    const lock = await acquireRemoteLock(machineB, 'production');
    expect(lock).toBeDefined();
    await lock?.release();
  });

  it('is taken over at once when its holder on this host is gone', async () => {
    const now = new Date().toISOString();
    await lockHeldBy({ pid: 4_194_305, host: hostname(), since: now, renewedAt: now, ttlMs: 60_000, token: 't' });
    await (await acquireRemoteLock(machineB, 'production'))?.release();
  });

  it('stays held while renewed past its time to live', async () => {
    const lock = await acquireRemoteLock(machineA, 'production', { ttlMs: 400, renewMs: 100 });
    await new Promise((resolve) => setTimeout(resolve, 900));
    // Another host would judge by the lease alone; this one runs the holder, so the lease decides too.
    await expect(acquireRemoteLock(machineB, 'production')).rejects.toBeInstanceOf(LockedError);
    await lock?.release();
  });

  it('tells its holder when another took it over', async () => {
    let lost: Error | undefined;
    const lock = await acquireRemoteLock(machineA, 'production', { ttlMs: 60_000, renewMs: 100, onLost: (error) => (lost = error) });
    await lockHeldBy({ pid: 4242, host: 'another-machine', since: new Date().toISOString(), renewedAt: new Date().toISOString(), ttlMs: 60_000, token: 'theirs' });
    const deadline = Date.now() + 15_000;
    while (!lost && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(lost?.message, String(lost)).toMatch(/taken over/);
    await lock?.release();
    expect(await remoteLockExists()).toBe(true); // theirs, left alone
  });
});

describe('two appliers on different machines', () => {
  let source: Simulator;
  let destination: Simulator;
  let repo: StateRepo;

  beforeAll(async () => {
    source = await startSimulator({ seed: 'sample' });
  });

  afterAll(async () => {
    await source.close();
  });

  beforeEach(async () => {
    destination = await startSimulator({ seed: 'empty', latencyMs: 5 });
    await createAccounts(source, destination);
    repo = await stateRepo();
    await repo.snapshot(source);
    await repo.writeDestination('production', {
      server: destination.url,
      apiKey: { env: 'DEST_KEY' },
      branch: 'source',
      missingSecrets: 'placeholder',
      overlays: { secrets: { 'certificates/Web Shop TLS': { CertificateData: { valueFrom: { env: 'TLS_DATA' } } }, 'git-credentials/GitHub deploy bot': { 'Details.Password': { valueFrom: { env: 'GIT_TOKEN' } } } } },
    });
    await git(repo.dir).raw(['push', '--quiet', origin, 'source']);
    for (const machine of [machineA, machineB]) await git(machine).raw(['fetch', '--quiet', 'origin', 'source:source']);
  });

  afterEach(async () => {
    await destination.close();
    await repo.cleanup();
  });

  it('never apply one destination at once: one applies, the other is told who holds it', async () => {
    const env = { DEST_KEY: destination.apiKey, GIT_TOKEN: 'test-git-token', TLS_DATA: Buffer.from('not really a certificate').toString('base64') };
    const apply = (dir: string) => runApply({ repo: dir, destination: 'production', env, stateDir: path.join(dir, '.state') });
    const results = await Promise.allSettled([apply(machineA), apply(machineB)]);
    const applied = results.filter((r) => r.status === 'fulfilled');
    const locked = results.filter((r) => r.status === 'rejected' && r.reason instanceof LockedError);
    expect(applied).toHaveLength(1);
    expect(locked).toHaveLength(1);
    const roles = (await simHttp(destination).get('/api/Spaces-1/scopeduserroles/all')).body as Record<string, unknown>[];
    const keys = roles.map((role) => JSON.stringify([role.TeamId, role.UserRoleId, role.EnvironmentIds, role.ProjectIds, role.TenantIds]));
    expect(keys.filter((key, index) => keys.indexOf(key) !== index)).toEqual([]);
    expect(await remoteLockExists()).toBe(false);
  });
});
