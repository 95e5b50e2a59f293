// The status page's actions over HTTP, as the CLI and a browser send them: only with the token,
// only from the page itself (a cross-site form post is refused even with a token), only POST; and
// what they do: suspend holds new commits (across a restart), resume applies them, check drift runs now.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { buildProgram } from '../../src/cli/program.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { createAccounts } from '../support/destinations.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { LIFECYCLE, WatchHarness, changeByHand, destinationBody, requireEnvironments } from '../support/watch-harness.js';

const TOKEN = 'action-token-0123456789';
let source: Simulator;
let staging: Simulator;
let repo: StateRepo;
let h: WatchHarness;

beforeEach(async () => {
  source = await startSimulator({ seed: 'sample' });
  staging = await startSimulator({ seed: 'empty' });
  await createAccounts(source, staging);
  repo = await stateRepo();
  h = new WatchHarness(repo);
  await repo.snapshot(source);
  await repo.writeDestination('staging', destinationBody(staging, 'staging'));
  await repo.git().branch(['staging']);
});

afterEach(async () => {
  await h.stop();
  await Promise.all([source.close(), staging.close()]);
  await repo.cleanup();
});

const startDaemon = (uiToken?: string) => h.start({ env: { STAGING_KEY: staging.apiKey, GIT_TOKEN: 'test-git-token', TLS_DATA: 'eA==' }, pollIntervalMs: 300, driftIntervalMs: 0, ...(uiToken ? { uiToken } : {}) });

const post = (path: string, init: { headers?: Record<string, string>; body?: string } = {}) => fetch(`${h.watch?.url}${path}`, { method: 'POST', redirect: 'manual', ...init });

describe('status page actions', () => {
  it('are refused without a configured token, without the right token, from another site, and by GET', async () => {
    await startDaemon();
    await h.untilApplied('staging', 'staging');
    expect((await post('/destinations/staging/suspend', { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(403);
    await h.stop();

    await startDaemon(TOKEN);
    expect((await post('/destinations/staging/suspend')).status).toBe(401);
    expect((await post('/destinations/staging/suspend', { headers: { Authorization: 'Bearer guess' } })).status).toBe(401);
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    // A form on another site posting to the daemon, even with the token, is refused.
    expect((await post('/destinations/staging/suspend', { headers: { ...form, Origin: 'https://evil.example' }, body: `token=${TOKEN}` })).status).toBe(403);
    expect((await post('/destinations/staging/suspend', { headers: { ...form, 'Sec-Fetch-Site': 'cross-site' }, body: `token=${TOKEN}` })).status).toBe(403);
    expect((await fetch(`${h.watch?.url}/destinations/staging/suspend`)).status).toBe(404);
    expect((await post('/destinations/nowhere/suspend', { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
    expect(h.watch?.reconcilers()[0]?.state().suspended).toBeUndefined();
    // The page's own form (same origin) with the token is accepted, and redirects back to the page.
    const accepted = await post('/destinations/staging/suspend', { headers: { ...form, Origin: String(h.watch?.url) }, body: `token=${TOKEN}` });
    expect(accepted.status).toBe(303);
    expect(accepted.headers.get('location')).toBe('/?message=staging%3A%20suspended#destination-staging');
  });

  it('suspend holds new commits across a restart, resume applies them, check drift runs at once', async () => {
    await startDaemon(TOKEN);
    await h.untilApplied('staging', 'staging');
    const auth = { headers: { Authorization: `Bearer ${TOKEN}` } };
    expect(await (await post('/destinations/staging/suspend', auth)).json()).toEqual({ done: true, message: 'staging: suspended' });
    const applied = await h.appliedCommit('staging');
    await h.commitOn('staging', LIFECYCLE, requireEnvironments(3), 'three first');
    await h.stop();
    await startDaemon(TOKEN);
    await h.eventually('the new commit is pending', async () => (await h.json<{ destinations: { pending?: string; suspended?: object }[] }>('/status')).body.destinations[0]?.pending === (await h.head('staging')));
    expect((await h.json<{ destinations: { suspended?: object }[] }>('/status')).body.destinations[0]?.suspended).toBeDefined();
    expect(await h.appliedCommit('staging')).toBe(applied);

    // From a shell: octosync daemon resume staging.
    const out: string[] = [];
    const io: CliIo = { out: (line) => out.push(line), err: (line) => out.push(line), status: () => undefined, isTerminal: false, env: { UI_TOKEN: TOKEN }, untilStopped: async () => undefined };
    await buildProgram(io).parseAsync(['node', 'octosync', 'daemon', 'resume', 'staging', '--url', String(h.watch?.url), '--token-env', 'UI_TOKEN']);
    expect(out).toEqual(['staging: resumed']);
    await h.untilApplied('staging', 'staging');

    await changeByHand(staging);
    const check = (await (await post('/destinations/staging/check-drift', auth)).json()) as { done: boolean; message: string };
    expect(check).toEqual({ done: true, message: 'staging: drift checked, 1 change made outside the repository' });
    expect((await h.status('staging')).drift?.changes).toBe(1);
  });
});
