// Drift is checked on a clock of its own: with a poll far away, a change made by hand is reported
// within seconds, for a destination that applies by itself and for one that waits for a manual
// apply with a commit pending.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runApply } from '../../src/commands/apply.js';
import type { Simulator } from '../../src/simulator/index.js';
import type { StateRepo } from '../support/gitops.js';
import { LIFECYCLE, changeByHand, requireEnvironments, twoDestinations } from '../support/watch-harness.js';
import type { TwoDestinations, WatchHarness } from '../support/watch-harness.js';

let staging: Simulator;
let production: Simulator;
let repo: StateRepo;
let h: WatchHarness;

let setup: TwoDestinations;

beforeEach(async () => {
  setup = await twoDestinations({ sync: 'manual' });
  ({ staging, production, repo, h } = setup);
});

afterEach(() => setup.close());

describe('drift on its own clock', () => {
  it('reports a change made by hand within 10 s with a 600 s poll and drift checks every 5 s, for sync auto and manual (with a commit pending)', async () => {
    const env = { STAGING_KEY: staging.apiKey, PRODUCTION_KEY: production.apiKey, GIT_TOKEN: 'test-git-token', TLS_DATA: 'eA==' };
    // Production applies by hand: applied once, then a commit waits.
    await runApply({ repo: repo.dir, destination: 'production', env });
    const applied = await h.head('production');
    await h.commitOn('production', LIFECYCLE, requireEnvironments(2), 'two first');
    await h.start({ env, pollIntervalMs: 600_000, driftIntervalMs: 5_000 });
    await h.untilApplied('staging', 'staging');
    await h.eventually('production is held', async () => (await h.json<{ destinations: { destination: string; pending?: string }[] }>('/status')).body.destinations.find((d) => d.destination === 'production')?.pending);

    await changeByHand(staging);
    await changeByHand(production);
    const changed = Date.now();
    const found = await h.eventually(
      'both report the drift',
      async () => {
        const [s, p] = await Promise.all([h.status('staging'), h.status('production')]);
        return (s.drift?.changes ?? 0) > 0 && (p.drift?.changes ?? 0) > 0 && { s, p };
      },
      10_000,
    );
    expect(Date.now() - changed).toBeLessThan(10_000);
    // Against what was applied, not the pending commit; and said field by field.
    expect(found.p.drift).toMatchObject({ changes: 1, commit: applied });
    expect(found.p.drift?.diff).toContain('~ environment Dev');
    expect(found.p.drift?.diff).toContain('Description');
    expect((await h.status('production')).lastApplied?.commit).toBe(applied);
    // /status says when drift was last checked.
    const { body } = await h.json<{ destinations: { destination: string; driftCheck?: { at: string; result: string } }[] }>('/status');
    for (const d of body.destinations) expect(d.driftCheck).toMatchObject({ result: 'checked', at: expect.stringMatching(/^\d{4}-/) });
  });
});
