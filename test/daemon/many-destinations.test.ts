// One daemon, many destinations: a few destinations are applied at once (each keeps its own order
// and lock), the others wait for a turn, and one that fails blocks none of the others. The
// destinations share the parsed files of the commits they apply: a file is parsed once, however
// many destinations read it, and one destination's overlay never reaches another.
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { formatYaml } from '../../src/repo/yaml.js';
import type { Json } from '../../src/core/document.js';
import { createAccounts } from '../support/destinations.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { lyingProxy } from '../support/lying-proxy.js';
import type { LyingProxy } from '../support/lying-proxy.js';
import { simHttp } from '../support/sim-http.js';
import { LIFECYCLE, WatchHarness, destinationBody, requireEnvironments, twoDestinations } from '../support/watch-harness.js';
import type { TwoDestinations } from '../support/watch-harness.js';

const SECRETS = { GIT_TOKEN: 'test-git-token', TLS_DATA: Buffer.from('cert-data').toString('base64') };
const closers: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

describe('a daemon with many destinations', () => {
  it('applies a bounded number of destinations at once, and one failing blocks none of the others', { timeout: 180_000 }, async () => {
    const source = await startSimulator({ seed: 'sample' });
    closers.push(() => source.close());
    const repo: StateRepo = await stateRepo();
    closers.push(() => repo.cleanup());
    await repo.snapshot(source);
    const branch = (await repo.git().raw(['symbolic-ref', '--short', 'HEAD'])).trim();

    // Three destinations behind proxies that hold each one's first write for a while: how many
    // destinations are writing at the same time?
    const HOLD_MS = 3_000;
    let holding = 0;
    let mostHolding = 0;
    const env: Record<string, string> = { ...SECRETS };
    const names = ['alpha', 'beta', 'gamma'];
    for (const name of names) {
      const sim: Simulator = await startSimulator({ seed: 'empty' });
      closers.push(() => sim.close());
      await createAccounts(source, sim);
      const proxy: LyingProxy = await lyingProxy(sim.url);
      closers.push(() => proxy.close());
      let held = false;
      proxy.delay = (method) => {
        if (method !== 'POST' || held) return 0;
        held = true;
        holding += 1;
        mostHolding = Math.max(mostHolding, holding);
        setTimeout(() => (holding -= 1), HOLD_MS);
        return HOLD_MS;
      };
      env[`${name.toUpperCase()}_KEY`] = sim.apiKey;
      await repo.writeDestination(name, { ...destinationBody(sim, branch), server: proxy.url, apiKey: { env: `${name.toUpperCase()}_KEY` } });
    }
    // A fourth destination whose server does not answer at all.
    const gone = await startSimulator({ seed: 'empty' });
    const goneUrl = gone.url;
    await gone.close();
    env.BROKEN_KEY = 'API-NOTHING';
    await repo.writeDestination('broken', { ...destinationBody(gone, branch), server: goneUrl, apiKey: { env: 'BROKEN_KEY' } });

    const h = new WatchHarness(repo);
    closers.push(() => h.stop());
    await h.start({ env, pollIntervalMs: 60_000, driftIntervalMs: 0, retry: { baseMs: 60_000, maxMs: 60_000 }, parallelDestinations: 2 });
    const head = await h.head(branch);
    // Patient: three applies of the sample, two at a time, each held for a while.
    await h.eventually('the three destinations applied', async () => (await Promise.all(names.map(async (name) => (await h.appliedCommit(name)) === head))).every(Boolean), 90_000);

    expect(mostHolding).toBe(2);
    const broken = await h.status('broken');
    expect(broken.lastAttempt?.result).toBe('failed');
    expect(broken.lastApplied).toBeUndefined();
  });

  describe('parsed files shared by the destinations', () => {
    let setup: TwoDestinations;
    afterEach(async () => setup.close());

    it('parses each file once for all destinations, and one destination\'s overlay never reaches another', { timeout: 120_000 }, async () => {
      setup = await twoDestinations({});
      const { h, staging, production } = setup;
      // Production patches an environment's description; staging takes the repository's.
      const patched = destinationBody(production, 'production', { overlays: { ...(destinationBody(production, 'production').overlays as Record<string, unknown>), patches: { 'environments/Dev': { Description: 'production only' } } } });
      await h.commitOn('production', 'destinations/production.yaml', () => formatYaml(patched as Json), 'production describes Dev its own way');
      await h.start({ env: { STAGING_KEY: staging.apiKey, PRODUCTION_KEY: production.apiKey, ...SECRETS }, pollIntervalMs: 60_000, driftIntervalMs: 0, retry: { baseMs: 100, maxMs: 400 }, parallelDestinations: 1 });
      await h.untilApplied('staging', 'staging');
      await h.untilApplied('production', 'production');
      const first = await parseCounts(h);
      // The branches differ only in production's destination file: the second destination
      // parsed that file alone, and found every other one parsed.
      expect(first.miss).toBeGreaterThan(10);
      expect(first.hit).toBe(first.miss - 2);
      expect(await devDescription(production)).toBe('production only');
      expect(await devDescription(staging)).not.toBe('production only');

      // One changed file, applied to both: parsed once.
      await h.commitOn('staging', LIFECYCLE, requireEnvironments(1), 'production needs one environment first');
      await h.promoteTo('production', 'staging');
      await h.untilApplied('staging', 'staging');
      await h.untilApplied('production', 'production');
      const second = await parseCounts(h);
      expect(second.miss - first.miss).toBe(1);
      expect(second.hit - first.hit).toBe(2 * (first.miss - 1) - 1);
      expect(await devDescription(production)).toBe('production only');
      expect(await devDescription(staging)).not.toBe('production only');
    });
  });
});

/** Files found parsed and parsed anew, as the daemon's /metrics says. */
async function parseCounts(h: WatchHarness): Promise<{ hit: number; miss: number }> {
  const text = await (await fetch(`${h.watch?.url}/metrics`)).text();
  const count = (result: string) => Number(new RegExp(`^octosync_parsed_files_total\\{result="${result}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  return { hit: count('hit'), miss: count('miss') };
}

async function devDescription(sim: Simulator): Promise<string | undefined> {
  const environments = (await simHttp(sim).get('/api/Spaces-1/environments/all')).body as { Name: string; Description?: string }[];
  return environments.find((e) => e.Name === 'Dev')?.Description;
}
