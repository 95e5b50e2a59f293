// The GitOps loop end to end: a watch process follows branches of a real Git repository and keeps
// two simulated destinations in step, with no command run by hand.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readStatus } from '../../src/state/status-store.js';
import type { Watch, WatchOptions } from '../../src/daemon/watch.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { createAccounts, snapshotOf } from '../support/destinations.js';
import type { StateRepo } from '../support/gitops.js';
import { simHttp } from '../support/sim-http.js';
import { LIFECYCLE, destinationBody, minimumOf, twoDestinations } from '../support/watch-harness.js';
import type { TwoDestinations, WatchHarness } from '../support/watch-harness.js';

let source: Simulator;
let staging: Simulator;
let production: Simulator;
let repo: StateRepo;
let h: WatchHarness;

function start(extra: Partial<WatchOptions> = {}): Promise<Watch> {
  return h.start({
    env: { STAGING_KEY: staging.apiKey, PRODUCTION_KEY: production.apiKey, GIT_TOKEN: 'test-git-token', TLS_DATA: Buffer.from('cert-data').toString('base64') },
    pollIntervalMs: 400,
    driftIntervalMs: 0,
    retry: { baseMs: 100, maxMs: 400 },
    ...extra,
  });
}

let setup: TwoDestinations;

beforeEach(async () => {
  setup = await twoDestinations({ drift: 'correct' });
  ({ source, staging, production, repo, h } = setup);
});

afterEach(() => setup.close());

describe('watch', () => {
  it('applies commits to staging, promotion to production, and a revert to both, with no command run', async () => {
    await start();
    await h.untilApplied('staging', 'staging');
    await h.untilApplied('production', 'production');
    const before = await snapshotOf(production);

    await h.commitOn('staging', LIFECYCLE, (text) => text.replace(/(- Name: Production\n(?: {4}.*\n)*? {4}MinimumEnvironmentsBeforePromotion: )0/, '$13'), 'production needs 3 environments first');
    await h.untilApplied('staging', 'staging');
    expect(await minimumOf(staging)).toBe(3);
    expect(await minimumOf(production)).toBe(0);

    await h.promoteTo('production', 'staging');
    await h.untilApplied('production', 'production');
    expect(await minimumOf(production)).toBe(3);

    await h.revertOn('staging');
    await h.promoteTo('production', 'staging');
    await h.untilApplied('staging', 'staging');
    await h.untilApplied('production', 'production');
    expect(await minimumOf(staging)).toBe(0);
    expect(await snapshotOf(production)).toEqual(before);

    const status = (await (await fetch(`${h.watch?.url}/status`)).json()) as { destinations: { destination: string; branch: string }[] };
    expect(status.destinations.map((d: { destination: string; branch: string }) => [d.destination, d.branch])).toEqual([
      ['production', 'production'],
      ['staging', 'staging'],
    ]);
    const metrics = await (await fetch(`${h.watch?.url}/metrics`)).text();
    expect(metrics).toMatch(/octosync_applies_total\{destination="staging",result="success"\} [3-9]/);
    expect((await fetch(`${h.watch?.url}/healthz`)).status).toBe(200);
    expect(h.logs.join('')).not.toContain(staging.apiKey);
  });

  it('marks a commit that cannot apply as failed with the reason, and applies the next good one', async () => {
    await start();
    await h.untilApplied('staging', 'staging');
    const good = await h.head('staging');
    await h.commitOn(
      'staging',
      'spaces/default/projects/web-shop/variables.yaml',
      (text) => text.replace('Variables:\n', 'Variables:\n  - Name: Aws.Extra\n    Type: AmazonWebServicesAccount\n    Value: AWS Nowhere\n'),
      'use an account staging does not have',
    );
    const bad = await h.head('staging');
    const failed = await h.eventually('the bad commit is marked failed', async () => {
      const status = await readStatus(path.join(repo.dir, '.octosync'), 'staging');
      return status.lastAttempt?.commit === bad && status.lastAttempt.result === 'failed' ? status : undefined;
    });
    expect(failed.lastAttempt?.error).toContain("'AWS Nowhere'");
    expect(failed.lastApplied?.commit).toBe(good);

    await h.revertOn('staging');
    await h.untilApplied('staging', 'staging');
    // The bad commit wrote nothing, so its revert has nothing to change: the destination is current again.
    expect((await readStatus(path.join(repo.dir, '.octosync'), 'staging')).lastAttempt?.result).toBe('no-changes');
  });

  it('reports a change made by hand as drift (warn) and undoes it (correct)', async () => {
    await start({ driftIntervalMs: 300 });
    await h.untilApplied('staging', 'staging');
    await h.untilApplied('production', 'production');
    for (const sim of [staging, production]) {
      const env = (await simHttp(sim).get('/api/Spaces-1/environments/all')).body.find((e: { Name: string }) => e.Name === 'Dev');
      await simHttp(sim).put(`/api/Spaces-1/environments/${env.Id}`, { ...env, Description: 'changed by hand' });
    }
    await h.eventually('staging reports drift', async () => ((await readStatus(path.join(repo.dir, '.octosync'), 'staging')).drift?.changes ?? 0) > 0);
    await h.eventually('production is corrected', async () => {
      const env = (await simHttp(production).get('/api/Spaces-1/environments/all')).body.find((e: { Name: string }) => e.Name === 'Dev');
      return env.Description !== 'changed by hand';
    });
    const devOnStaging = (await simHttp(staging).get('/api/Spaces-1/environments/all')).body.find((e: { Name: string }) => e.Name === 'Dev');
    expect(devOnStaging.Description).toBe('changed by hand');
    expect(await (await fetch(`${h.watch?.url}/metrics`)).text()).toMatch(/octosync_drift_changes\{destination="staging"\} 1/);
  });

  it('checks drift in a few requests while nothing happens at the destination, and in full once something does', async () => {
    await start({ driftIntervalMs: 300, destinations: ['staging'] });
    await h.untilApplied('staging', 'staging');
    const stateDir = path.join(repo.dir, '.octosync');
    const checkedAt = async () => (await readStatus(stateDir, 'staging')).drift?.at;
    const checks = async (count: number) => {
      let last = await checkedAt();
      for (let n = 0; n < count; n += 1) {
        const before = last;
        last = await h.eventually(`drift check ${n + 1} of ${count}`, async () => {
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
    await h.eventually('the change by hand is reported', async () => ((await readStatus(stateDir, 'staging')).drift?.changes ?? 0) > 0);
  });

  it('resumes after a restart without applying what was applied', async () => {
    await start();
    await h.untilApplied('staging', 'staging');
    await h.untilApplied('production', 'production');
    await h.watch?.stop();
    staging.knobs.resetCounts();
    await start();
    await h.watch?.sync();
    const { byMethod } = staging.knobs.requestCounts();
    expect([byMethod.POST, byMethod.PUT, byMethod.DELETE]).toEqual([undefined, undefined, undefined]);
  });

  it('takes over its own lock left before a restart (same host, same pid, another process: node as PID 1)', async () => {
    const lock = path.join(repo.dir, '.octosync', 'destinations', 'staging', 'apply.lock');
    await mkdir(path.dirname(lock), { recursive: true });
    await writeFile(lock, JSON.stringify({ pid: process.pid, host: hostname(), since: '2026-01-01T00:00:00Z', token: 'before-the-restart', startTime: 1 }));
    await start();
    await h.untilApplied('staging', 'staging');
    expect(existsSync(lock)).toBe(false);
  });

  it('follows a remote repository: a push and a webhook reach the destination', async () => {
    const bare = `${repo.dir}.git`;
    await repo.git().raw(['clone', '--bare', repo.dir, bare]);
    const remoteRepo = repo.dir;
    try {
      await start({ repo: `file://${bare}`, destinations: ['staging'], stateDir: path.join(remoteRepo, '.octosync-remote'), pollIntervalMs: 60_000, webhookSecret: 'hook-secret' });
      const statusOf = () => readStatus(path.join(remoteRepo, '.octosync-remote'), 'staging');
      await h.eventually('staging is applied from the remote', async () => (await statusOf()).lastApplied?.commit === (await h.head('staging')));
      await h.commitOn('staging', LIFECYCLE, (text) => text.replace(/(- Name: Production\n(?: {4}.*\n)*? {4}MinimumEnvironmentsBeforePromotion: )0/, '$12'), 'two first');
      await repo.git().push(bare, 'staging');
      expect((await fetch(`${h.watch?.url}/hooks/git`, { method: 'POST' })).status).toBe(401);
      expect((await fetch(`${h.watch?.url}/hooks/git`, { method: 'POST', headers: { Authorization: 'Bearer hook-secret' } })).status).toBe(202);
      await h.eventually('the pushed commit is applied', async () => (await statusOf()).lastApplied?.commit === (await h.head('staging')));
      expect(await minimumOf(staging)).toBe(2);
    } finally {
      await h.stop();
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
      await start({ destinations: ['edge'], snapshotIntervalMs: 300, env: { SOURCE_KEY: edge.apiKey, SOURCE_API_KEY: source.apiKey, GIT_TOKEN: 'test-git-token', TLS_DATA: 'eA==' } });
      await h.untilApplied('edge', 'source');
      const before = await h.head('source');
      await h.eventually('an unchanged source is not snapshotted again', async () => /octosync_snapshots_total\{result="unchanged"\} [1-9]/.test(await (await fetch(`${h.watch?.url}/metrics`)).text()));
      const dev = (await simHttp(source).get('/api/Spaces-1/environments/all')).body.find((e: { Name: string }) => e.Name === 'Dev');
      await simHttp(source).put(`/api/Spaces-1/environments/${dev.Id}`, { ...dev, Description: 'changed at the source' });
      await h.eventually('the change is committed to the source branch', async () => (await h.head('source')) !== before);
      await h.untilApplied('edge', 'source');
      const onEdge = (await simHttp(edge).get('/api/Spaces-1/environments/all')).body.find((e: { Name: string }) => e.Name === 'Dev');
      expect(onEdge.Description).toBe('changed at the source');
    } finally {
      await h.stop();
      await edge.close();
    }
  });

  it('picks up a destination added while it runs, without a restart', async () => {
    const late = await startSimulator({ seed: 'empty' });
    try {
      await createAccounts(source, late);
      await start({ env: { STAGING_KEY: staging.apiKey, PRODUCTION_KEY: production.apiKey, LATE_KEY: late.apiKey, GIT_TOKEN: 'test-git-token', TLS_DATA: 'eA==' } });
      await h.untilApplied('staging', 'staging');
      expect(h.watch?.reconcilers().map((r) => r.name)).toEqual(['production', 'staging']);
      // A destination is planned with its file as of the commit applied: it follows the branch its file is on.
      await repo.writeDestination('late', { ...destinationBody(late, 'source'), apiKey: { env: 'LATE_KEY' } });
      await h.eventually('the destination committed while watching is applied', async () => (await h.appliedCommit('late')) === (await h.head('source')));
      expect(h.watch?.reconcilers().map((r) => r.name)).toEqual(['production', 'staging', 'late']);
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
    await h.untilApplied('staging', 'staging');
    await h.eventually('the broken status is logged', async () => h.logs.join('').includes('evaluation failed'));
    // Healthy once the first look at every destination ended, the broken one included.
    await h.eventually('the daemon is healthy', async () => (await fetch(`${h.watch?.url}/healthz`)).status === 200);
  });

  it('never shows secret digests on /status', async () => {
    await start({ env: { STAGING_KEY: staging.apiKey, PRODUCTION_KEY: production.apiKey, GIT_TOKEN: 'test-git-token', TLS_DATA: Buffer.from('cert-data').toString('base64') } });
    await h.untilApplied('staging', 'staging');
    const status = await readStatus(path.join(repo.dir, '.octosync'), 'staging');
    expect(Object.keys(status.lastApplied?.secretDigests ?? {}).length).toBeGreaterThan(0);
    const served = await (await fetch(`${h.watch?.url}/status`)).text();
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
        env: { STAGING_KEY: staging.apiKey, SOURCE_API_KEY: source.apiKey, GIT_TOKEN: 'test-git-token', TLS_DATA: 'eA==' },
      });
      await h.eventually('an unchanged source is not snapshotted again', async () => /octosync_snapshots_total\{result="unchanged"\} [1-9]/.test(await (await fetch(`${h.watch?.url}/metrics`)).text()));
      expect(await headOfRemote(), `nothing changed at the source, yet the remote moved:\n${h.logs.join('')}`).toBe(before);
      const dev = (await simHttp(source).get('/api/Spaces-1/environments/all')).body.find((e: { Name: string }) => e.Name === 'Dev');
      await simHttp(source).put(`/api/Spaces-1/environments/${dev.Id}`, { ...dev, Description: 'changed at the source' });
      await h.eventually('the snapshot is pushed to the remote', async () => (await headOfRemote()) !== before);
      const pushed = await repo.git().raw(['--git-dir', bare, 'show', 'source:spaces/default/environments/dev.yaml']);
      expect(pushed, h.logs.join('')).toContain('changed at the source');
      // The rest of the branch is the remote's, untouched: the destinations are still there.
      expect(await repo.git().raw(['--git-dir', bare, 'ls-tree', '--name-only', 'source', 'destinations/'])).toContain('destinations/staging.yaml');
    } finally {
      await h.stop();
      await repo.git().raw(['worktree', 'prune']);
      const { rm } = await import('node:fs/promises');
      await rm(bare, { recursive: true, force: true });
    }
  });
});
