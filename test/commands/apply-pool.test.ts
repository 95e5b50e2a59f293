// Apply keeps the pipe full: the writes of a kind go through a pool, so as many are in flight as
// the concurrency allows, and one slow write holds back none of the others (fixed batches made
// every write wait for the slowest of its batch). Seen from a proxy in front of the destination.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runApply } from '../../src/commands/apply.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { lyingProxy } from '../support/lying-proxy.js';
import type { LyingProxy } from '../support/lying-proxy.js';

let source: Simulator;
let destination: Simulator;
let proxy: LyingProxy;
let repo: StateRepo;

beforeEach(async () => {
  source = await startSimulator({ seed: 'synthetic:30' });
  destination = await startSimulator({ seed: 'empty', latencyMs: 20 });
  proxy = await lyingProxy(destination.url);
  repo = await stateRepo();
  await repo.snapshot(source);
  await repo.writeDestination('production', { server: proxy.url, apiKey: { env: 'DEST_KEY' }, branch: 'source', missingSecrets: 'placeholder' });
});

afterEach(async () => {
  await proxy.close();
  await source.close();
  await destination.close();
  await repo.cleanup();
});

describe('apply', () => {
  it('keeps its concurrency of writes in flight, and one slow write holds back no other', { timeout: 120_000 }, async () => {
    const SLOW_MS = 1_500;
    const isProjectCreate = (method: string, path: string) => method === 'POST' && /\/projects$/.test(path);
    let started = 0;
    let answered = 0;
    let answeredWhileSlow: number | undefined;
    proxy.delay = (method, path) => {
      if (!isProjectCreate(method, path)) return 0;
      started += 1;
      if (started > 1) return 0;
      // The first project takes long: how many others are created meanwhile?
      setTimeout(() => (answeredWhileSlow = answered), SLOW_MS - 50);
      return SLOW_MS;
    };
    proxy.onAnswer = (method, path) => {
      if (isProjectCreate(method, path)) answered += 1;
    };

    const result = await runApply({ repo: repo.dir, destination: 'production', env: { DEST_KEY: destination.apiKey }, concurrency: 6 });
    expect(result.result).toBe('success');
    expect(started).toBe(30);
    expect(proxy.maxInFlight.POST).toBe(6);
    // A batch would have let at most its other members through; a pool lets nearly all 29 through.
    expect(answeredWhileSlow).toBeGreaterThanOrEqual(20);
  });
});
