// What a destination does is what its file on the branch it follows says, whatever is checked
// out; destinations are found on every branch; health and readiness say when nothing was checked,
// nothing is there to check, or a destination was not reconciled yet.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatYaml } from '../../src/repo/yaml.js';
import type { Json } from '../../src/core/document.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { createAccounts } from '../support/destinations.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { LIFECYCLE, WatchHarness, destinationBody, requireEnvironments } from '../support/watch-harness.js';

let source: Simulator;
let staging: Simulator;
let repo: StateRepo;
let h: WatchHarness;

const destinationYaml = (body: Record<string, unknown>) => formatYaml(body as Json, '../schemas/destination.schema.json');

beforeEach(async () => {
  source = await startSimulator({ seed: 'sample' });
  staging = await startSimulator({ seed: 'empty' });
  await createAccounts(source, staging);
  repo = await stateRepo();
  h = new WatchHarness(repo);
  await repo.snapshot(source);
});

afterEach(async () => {
  await h.stop();
  await Promise.all([source.close(), staging.close()]);
  await repo.cleanup();
});

const env = () => ({ STAGING_KEY: staging.apiKey, GIT_TOKEN: 'test-git-token', TLS_DATA: 'eA==' });

describe('watch policies', () => {
  it('holds a commit when the followed branch says sync: manual, while the checked-out branch says auto', async () => {
    // The checkout (source) has the destination with sync: auto; the branch it follows says manual.
    await repo.writeDestination('staging', destinationBody(staging, 'staging'));
    await repo.git().branch(['staging']);
    await h.commitOn('staging', 'destinations/staging.yaml', () => destinationYaml(destinationBody(staging, 'staging', { sync: 'manual' })), 'staging applies by hand');
    staging.knobs.resetCounts();
    await h.start({ env: env(), pollIntervalMs: 300, driftIntervalMs: 0 });
    const ready = await h.eventually('the daemon is ready', async () => {
      const answer = await h.json('/readyz');
      return answer.status === 200 && answer;
    });
    expect(ready.body).toEqual({ status: 'ready' });
    const { body } = await h.json<{ destinations: { destination: string; pending?: string; policy?: { sync: string } }[] }>('/status');
    expect(body.destinations).toEqual([expect.objectContaining({ destination: 'staging', pending: await h.head('staging'), policy: { sync: 'manual', drift: 'warn', prune: false } })]);
    // Another commit on the followed branch is held too.
    await h.commitOn('staging', LIFECYCLE, requireEnvironments(3), 'three first');
    await h.watch?.sync();
    expect((await h.json<{ destinations: { pending?: string }[] }>('/status')).body.destinations[0]?.pending).toBe(await h.head('staging'));
    expect(await h.appliedCommit('staging')).toBeUndefined();
    expect(staging.knobs.requestCounts().byMethod.POST).toBeUndefined();
  });

  it('reconciles a destination added on a branch other than the checked-out one', async () => {
    await h.start({ env: env(), pollIntervalMs: 300, driftIntervalMs: 0 });
    await repo.git().checkoutLocalBranch('staging');
    await repo.writeDestination('staging', destinationBody(staging, 'staging'));
    await repo.git().checkout('source');
    await h.untilApplied('staging', 'staging');
    expect(h.watch?.reconcilers().map((r) => [r.name, r.branch])).toEqual([['staging', 'staging']]);
  });

  it('is unhealthy and says why with no destination, and neither healthy nor ready before anything was checked', async () => {
    // A destination file that names a branch nobody has: found, but followed by none.
    await repo.writeDestination('staging', destinationBody(staging, 'stagign'));
    await h.start({ env: env(), pollIntervalMs: 60_000, driftIntervalMs: 0 });
    const health = await h.eventually('the first check is done', async () => {
      const answer = await h.json<{ status: string; reason?: string }>('/healthz');
      return answer.body.status !== 'starting' && answer;
    });
    expect(health.status).toBe(503);
    expect(health.body.reason).toContain('no destination to reconcile');
    expect(health.body.reason).toContain("destination 'staging' is followed by no branch: destinations/staging.yaml names 'stagign'");
    expect((await h.json('/readyz')).status).toBe(503);
  });

  it('is ready only once every destination was reconciled', async () => {
    const production = await startSimulator({ seed: 'empty' });
    try {
      await createAccounts(source, production);
      await repo.writeDestination('staging', destinationBody(staging, 'staging'));
      await repo.writeDestination('production', destinationBody(production, 'production'));
      await repo.git().branch(['staging']);
      await repo.git().branch(['production']);
      // No PRODUCTION_KEY: production cannot be applied.
      await h.start({ env: env(), pollIntervalMs: 300, driftIntervalMs: 0, retry: { baseMs: 100, maxMs: 200 } });
      expect((await h.json('/healthz')).body).toEqual({ status: 'starting', reason: 'no destination checked yet' });
      await h.untilApplied('staging', 'staging');
      await h.eventually('production failed', async () => (await h.status('production')).lastAttempt?.result === 'failed');
      // The round ends (and readiness is known) a moment after the failure is recorded.
      const notReady = await h.eventually('readiness known', async () => {
        const answer = await h.json<{ status: string; reason: string }>('/readyz');
        return answer.body.reason !== 'no destination checked yet' && answer;
      });
      expect(notReady).toEqual({ status: 503, body: { status: 'not ready', reason: 'not reconciled yet: production' } });
      expect((await h.json('/healthz')).status).toBe(200);
    } finally {
      await h.stop();
      await production.close();
    }
  });
});
