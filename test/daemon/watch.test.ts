// The GitOps loop end to end: a watch process follows branches of a real Git repository and keeps
// two simulated destinations in step, with no command run by hand.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/daemon/logger.js';
import { readStatus } from '../../src/state/status-store.js';
import { startWatch } from '../../src/daemon/watch.js';
import type { Watch } from '../../src/daemon/watch.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { createAccounts, snapshotOf } from '../support/destinations.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { simHttp } from '../support/sim-http.js';

let source: Simulator;
let staging: Simulator;
let production: Simulator;
let repo: StateRepo;
let watch: Watch | undefined;
let logs: string[];

const LIFECYCLE = 'spaces/default/lifecycles/dev-to-production.yaml';

function destinationBody(sim: Simulator, branch: string, extra: Record<string, unknown> = {}) {
  return {
    server: sim.url,
    apiKey: { env: `${branch.toUpperCase()}_KEY` },
    branch,
    missingSecrets: 'placeholder',
    overlays: { secrets: { 'certificates/Web Shop TLS': { CertificateData: { valueFrom: { env: 'TLS_DATA' } } } } },
    ...extra,
  };
}

async function start(extra: Partial<Parameters<typeof startWatch>[0]> = {}): Promise<Watch> {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  watch = await startWatch({
    repo: repo.dir,
    env: { STAGING_KEY: staging.apiKey, PRODUCTION_KEY: production.apiKey, TLS_DATA: Buffer.from('cert-data').toString('base64') },
    logger: createLogger({ level: 'debug', destination: sink }),
    pollIntervalMs: 400,
    driftIntervalMs: 0,
    retry: { baseMs: 100, maxMs: 400 },
    ...extra,
  });
  return watch;
}

/** Waits until a condition holds, checking every 100 ms (bounded: a test that hangs fails). */
async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}\nlogs:\n${logs.slice(-20).join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function head(branch: string): Promise<string> {
  return (await repo.git().revparse([branch])).trim();
}

async function appliedCommit(destination: string): Promise<string | undefined> {
  return (await readStatus(path.join(repo.dir, '.octosync'), destination)).lastApplied?.commit;
}

async function untilApplied(destination: string, branch: string): Promise<void> {
  const want = await head(branch);
  await eventually(`${destination} has applied ${branch} (${want.slice(0, 8)})`, async () => (await appliedCommit(destination)) === want);
}

/** Commits a change to one file on a branch, without leaving the current one. */
async function commitOn(branch: string, file: string, change: (text: string) => string, message: string): Promise<void> {
  const git = repo.git();
  await git.checkout(branch);
  const full = path.join(repo.dir, file);
  await writeFile(full, change(await readFile(full, 'utf8')));
  await git.add(file);
  await git.commit(message);
  await git.checkout('source');
}

async function promoteTo(target: string, from: string): Promise<void> {
  const git = repo.git();
  await git.checkout(target);
  await git.merge([from, '--no-edit']);
  await git.checkout('source');
}

async function revertOn(branch: string): Promise<void> {
  const git = repo.git();
  await git.checkout(branch);
  await git.raw(['revert', '--no-edit', 'HEAD']);
  await git.checkout('source');
}

async function minimumOf(sim: Simulator): Promise<number> {
  const lifecycle = (await simHttp(sim).get('/api/Spaces-1/lifecycles/all')).body.find((l: { Name: string }) => l.Name === 'Dev to Production');
  return lifecycle?.Phases.find((p: { Name: string }) => p.Name === 'Production')?.MinimumEnvironmentsBeforePromotion;
}

beforeEach(async () => {
  logs = [];
  source = await startSimulator({ seed: 'sample' });
  staging = await startSimulator({ seed: 'empty' });
  production = await startSimulator({ seed: 'empty' });
  await createAccounts(source, staging);
  await createAccounts(source, production);
  repo = await stateRepo();
  await repo.snapshot(source);
  await repo.writeDestination('staging', destinationBody(staging, 'staging'));
  await repo.writeDestination('production', destinationBody(production, 'production', { drift: 'correct' }));
  await repo.git().branch(['staging']);
  await repo.git().branch(['production']);
});

afterEach(async () => {
  await watch?.stop();
  watch = undefined;
  await Promise.all([source.close(), staging.close(), production.close()]);
  await repo.cleanup();
});

describe('watch', () => {
  it('applies commits to staging, promotion to production, and a revert to both, with no command run', async () => {
    await start();
    await untilApplied('staging', 'staging');
    await untilApplied('production', 'production');
    const before = await snapshotOf(production);

    await commitOn('staging', LIFECYCLE, (text) => text.replace(/(- Name: Production\n(?: {4}.*\n)*? {4}MinimumEnvironmentsBeforePromotion: )0/, '$13'), 'production needs 3 environments first');
    await untilApplied('staging', 'staging');
    expect(await minimumOf(staging)).toBe(3);
    expect(await minimumOf(production)).toBe(0);

    await promoteTo('production', 'staging');
    await untilApplied('production', 'production');
    expect(await minimumOf(production)).toBe(3);

    await revertOn('staging');
    await promoteTo('production', 'staging');
    await untilApplied('staging', 'staging');
    await untilApplied('production', 'production');
    expect(await minimumOf(staging)).toBe(0);
    expect(await snapshotOf(production)).toEqual(before);

    const status = (await (await fetch(`${watch?.url}/status`)).json()) as { destinations: { destination: string; branch: string }[] };
    expect(status.destinations.map((d: { destination: string; branch: string }) => [d.destination, d.branch])).toEqual([
      ['production', 'production'],
      ['staging', 'staging'],
    ]);
    const metrics = await (await fetch(`${watch?.url}/metrics`)).text();
    expect(metrics).toMatch(/octosync_applies_total\{destination="staging",result="success"\} [3-9]/);
    expect((await fetch(`${watch?.url}/healthz`)).status).toBe(200);
    expect(logs.join('')).not.toContain(staging.apiKey);
  });

  it('marks a commit that cannot apply as failed with the reason, and applies the next good one', async () => {
    await start();
    await untilApplied('staging', 'staging');
    const good = await head('staging');
    await commitOn(
      'staging',
      'spaces/default/projects/web-shop/variables.yaml',
      (text) => text.replace('Variables:\n', 'Variables:\n  - Name: Aws.Extra\n    Type: AmazonWebServicesAccount\n    Value: AWS Nowhere\n'),
      'use an account staging does not have',
    );
    const bad = await head('staging');
    const failed = await eventually('the bad commit is marked failed', async () => {
      const status = await readStatus(path.join(repo.dir, '.octosync'), 'staging');
      return status.lastAttempt?.commit === bad && status.lastAttempt.result === 'failed' ? status : undefined;
    });
    expect(failed.lastAttempt?.error).toContain("'AWS Nowhere'");
    expect(failed.lastApplied?.commit).toBe(good);

    await revertOn('staging');
    await untilApplied('staging', 'staging');
    // The bad commit wrote nothing, so its revert has nothing to change: the destination is current again.
    expect((await readStatus(path.join(repo.dir, '.octosync'), 'staging')).lastAttempt?.result).toBe('no-changes');
  });

  it('reports a change made by hand as drift (warn) and undoes it (correct)', async () => {
    await start({ driftIntervalMs: 300 });
    await untilApplied('staging', 'staging');
    await untilApplied('production', 'production');
    for (const sim of [staging, production]) {
      const env = (await simHttp(sim).get('/api/Spaces-1/environments/all')).body.find((e: { Name: string }) => e.Name === 'Dev');
      await simHttp(sim).put(`/api/Spaces-1/environments/${env.Id}`, { ...env, Description: 'changed by hand' });
    }
    await eventually('staging reports drift', async () => ((await readStatus(path.join(repo.dir, '.octosync'), 'staging')).drift?.changes ?? 0) > 0);
    await eventually('production is corrected', async () => {
      const env = (await simHttp(production).get('/api/Spaces-1/environments/all')).body.find((e: { Name: string }) => e.Name === 'Dev');
      return env.Description !== 'changed by hand';
    });
    const devOnStaging = (await simHttp(staging).get('/api/Spaces-1/environments/all')).body.find((e: { Name: string }) => e.Name === 'Dev');
    expect(devOnStaging.Description).toBe('changed by hand');
    expect(await (await fetch(`${watch?.url}/metrics`)).text()).toMatch(/octosync_drift_changes\{destination="staging"\} 1/);
  });

  it('checks drift in a few requests while nothing happens at the destination, and in full once something does', async () => {
    await start({ driftIntervalMs: 300, destinations: ['staging'] });
    await untilApplied('staging', 'staging');
    const stateDir = path.join(repo.dir, '.octosync');
    const checkedAt = async () => (await readStatus(stateDir, 'staging')).drift?.at;
    const checks = async (count: number) => {
      let last = await checkedAt();
      for (let n = 0; n < count; n += 1) {
        const before = last;
        last = await eventually(`drift check ${n + 1} of ${count}`, async () => {
          const at = await checkedAt();
          return at !== undefined && at !== before ? at : undefined;
        });
      }
    };
    // The first checks after the apply see its events and plan in full; then the destination is idle.
    await checks(2);
    staging.knobs.resetCounts();
    await checks(3);
    // A full check reads every collection (about 30 requests); an idle one asks the events log.
    expect(staging.knobs.requestCounts().total).toBeLessThanOrEqual(5 * 4);
    expect((await readStatus(stateDir, 'staging')).drift?.changes).toBe(0);

    const env = (await simHttp(staging).get('/api/Spaces-1/environments/all')).body.find((e: { Name: string }) => e.Name === 'Dev');
    await simHttp(staging).put(`/api/Spaces-1/environments/${env.Id}`, { ...env, Description: 'changed by hand' });
    await eventually('the change by hand is reported', async () => ((await readStatus(stateDir, 'staging')).drift?.changes ?? 0) > 0);
  });

  it('resumes after a restart without applying what was applied', async () => {
    await start();
    await untilApplied('staging', 'staging');
    await untilApplied('production', 'production');
    await watch?.stop();
    staging.knobs.resetCounts();
    await start();
    await watch?.sync();
    const { byMethod } = staging.knobs.requestCounts();
    expect([byMethod.POST, byMethod.PUT, byMethod.DELETE]).toEqual([undefined, undefined, undefined]);
  });

  it('takes over its own lock left before a restart (same host, same pid, another process: node as PID 1)', async () => {
    const lock = path.join(repo.dir, '.octosync', 'destinations', 'staging', 'apply.lock');
    await mkdir(path.dirname(lock), { recursive: true });
    await writeFile(lock, JSON.stringify({ pid: process.pid, host: hostname(), since: '2026-01-01T00:00:00Z', token: 'before-the-restart', startTime: 1 }));
    await start();
    await untilApplied('staging', 'staging');
    expect(existsSync(lock)).toBe(false);
  });

  it('follows a remote repository: a push and a webhook reach the destination', async () => {
    const bare = `${repo.dir}.git`;
    await repo.git().raw(['clone', '--bare', repo.dir, bare]);
    const remoteRepo = repo.dir;
    try {
      await start({ repo: `file://${bare}`, destinations: ['staging'], stateDir: path.join(remoteRepo, '.octosync-remote'), pollIntervalMs: 60_000, webhookSecret: 'hook-secret' });
      const statusOf = () => readStatus(path.join(remoteRepo, '.octosync-remote'), 'staging');
      await eventually('staging is applied from the remote', async () => (await statusOf()).lastApplied?.commit === (await head('staging')));
      await commitOn('staging', LIFECYCLE, (text) => text.replace(/(- Name: Production\n(?: {4}.*\n)*? {4}MinimumEnvironmentsBeforePromotion: )0/, '$12'), 'two first');
      await repo.git().push(bare, 'staging');
      expect((await fetch(`${watch?.url}/hooks/git`, { method: 'POST' })).status).toBe(401);
      expect((await fetch(`${watch?.url}/hooks/git`, { method: 'POST', headers: { Authorization: 'Bearer hook-secret' } })).status).toBe(202);
      await eventually('the pushed commit is applied', async () => (await statusOf()).lastApplied?.commit === (await head('staging')));
      expect(await minimumOf(staging)).toBe(2);
    } finally {
      await watch?.stop();
      watch = undefined;
      await repo.git().raw(['worktree', 'prune']);
      const { rm } = await import('node:fs/promises');
      await rm(bare, { recursive: true, force: true });
    }
  });

  it('snapshots the source when it changed (asking the events log first) and the change flows to a destination', async () => {
    // A destination of its own: two destinations may not write one space of one server.
    const edge = await startSimulator({ seed: 'empty' });
    await createAccounts(source, edge);
    try {
      await repo.writeDestination('edge', destinationBody(edge, 'source'));
      await start({ destinations: ['edge'], snapshotIntervalMs: 300, env: { SOURCE_KEY: edge.apiKey, SOURCE_API_KEY: source.apiKey, TLS_DATA: 'eA==' } });
      await untilApplied('edge', 'source');
      const before = await head('source');
      await eventually('an unchanged source is not snapshotted again', async () => /octosync_snapshots_total\{result="unchanged"\} [1-9]/.test(await (await fetch(`${watch?.url}/metrics`)).text()));
      const dev = (await simHttp(source).get('/api/Spaces-1/environments/all')).body.find((e: { Name: string }) => e.Name === 'Dev');
      await simHttp(source).put(`/api/Spaces-1/environments/${dev.Id}`, { ...dev, Description: 'changed at the source' });
      await eventually('the change is committed to the source branch', async () => (await head('source')) !== before);
      await untilApplied('edge', 'source');
      const onEdge = (await simHttp(edge).get('/api/Spaces-1/environments/all')).body.find((e: { Name: string }) => e.Name === 'Dev');
      expect(onEdge.Description).toBe('changed at the source');
    } finally {
      await watch?.stop();
      watch = undefined;
      await edge.close();
    }
  });

  it('picks up a destination added while it runs, without a restart', async () => {
    const late = await startSimulator({ seed: 'empty' });
    try {
      await createAccounts(source, late);
      await start({ env: { STAGING_KEY: staging.apiKey, PRODUCTION_KEY: production.apiKey, LATE_KEY: late.apiKey, TLS_DATA: 'eA==' } });
      await untilApplied('staging', 'staging');
      expect(watch?.reconcilers().map((r) => r.name)).toEqual(['production', 'staging']);
      // A destination is planned with its file as of the commit applied: it follows the branch its file is on.
      await repo.writeDestination('late', { ...destinationBody(late, 'source'), apiKey: { env: 'LATE_KEY' } });
      await eventually('the destination committed while watching is applied', async () => (await appliedCommit('late')) === (await head('source')));
      expect(watch?.reconcilers().map((r) => r.name)).toEqual(['production', 'staging', 'late']);
    } finally {
      await late.close();
    }
  });

  it('keeps running, and reconciling the others, when one destination\'s status is unreadable', async () => {
    const { mkdir } = await import('node:fs/promises');
    const file = path.join(repo.dir, '.octosync', 'destinations', 'production', 'status.json');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, '{ broken');
    await start();
    await untilApplied('staging', 'staging');
    await eventually('the broken status is logged', async () => logs.join('').includes('evaluation failed'));
    expect((await fetch(`${watch?.url}/healthz`)).status).toBe(200);
  });

  it('never shows secret digests on /status', async () => {
    await start({ env: { STAGING_KEY: staging.apiKey, PRODUCTION_KEY: production.apiKey, TLS_DATA: Buffer.from('cert-data').toString('base64') } });
    await untilApplied('staging', 'staging');
    const status = await readStatus(path.join(repo.dir, '.octosync'), 'staging');
    expect(Object.keys(status.lastApplied?.secretDigests ?? {}).length).toBeGreaterThan(0);
    const served = await (await fetch(`${watch?.url}/status`)).text();
    expect(served).not.toContain('secretDigests');
    for (const digest of Object.values(status.lastApplied?.secretDigests ?? {})) expect(served).not.toContain(digest);
  });

  it('snapshots into a remote repository: commits the change and pushes it', async () => {
    const bare = `${repo.dir}.git`;
    await repo.git().raw(['clone', '--bare', repo.dir, bare]);
    try {
      const headOfRemote = async () => (await repo.git().raw(['--git-dir', bare, 'rev-parse', 'source'])).trim();
      const before = await headOfRemote();
      await start({
        repo: `file://${bare}`,
        destinations: ['staging'],
        stateDir: path.join(repo.dir, '.octosync-remote'),
        snapshotIntervalMs: 300,
        env: { STAGING_KEY: staging.apiKey, SOURCE_API_KEY: source.apiKey, TLS_DATA: 'eA==' },
      });
      await eventually('an unchanged source is not snapshotted again', async () => /octosync_snapshots_total\{result="unchanged"\} [1-9]/.test(await (await fetch(`${watch?.url}/metrics`)).text()));
      expect(await headOfRemote(), `nothing changed at the source, yet the remote moved:\n${logs.join('')}`).toBe(before);
      const dev = (await simHttp(source).get('/api/Spaces-1/environments/all')).body.find((e: { Name: string }) => e.Name === 'Dev');
      await simHttp(source).put(`/api/Spaces-1/environments/${dev.Id}`, { ...dev, Description: 'changed at the source' });
      await eventually('the snapshot is pushed to the remote', async () => (await headOfRemote()) !== before);
      const pushed = await repo.git().raw(['--git-dir', bare, 'show', 'source:spaces/default/environments/dev.yaml']);
      expect(pushed, logs.join('')).toContain('changed at the source');
      // The rest of the branch is the remote's, untouched: the destinations are still there.
      expect(await repo.git().raw(['--git-dir', bare, 'ls-tree', '--name-only', 'source', 'destinations/'])).toContain('destinations/staging.yaml');
    } finally {
      await watch?.stop();
      watch = undefined;
      await repo.git().raw(['worktree', 'prune']);
      const { rm } = await import('node:fs/promises');
      await rm(bare, { recursive: true, force: true });
    }
  });
});
