// The daemon's snapshotter reads the source incrementally: nothing changed (also after a restart)
// costs a few requests; a change re-reads only the collections its events name and commits what
// a full snapshot commits. A source simulator over real HTTP, a real Git repository.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncrementalRead } from '../../src/commands/incremental-reads.js';
import type { JsonObject } from '../../src/core/document.js';
import { createLogger } from '../../src/daemon/logger.js';
import { createMetrics } from '../../src/daemon/metrics.js';
import { Snapshotter } from '../../src/daemon/snapshotter.js';
import type { SnapshotRun } from '../../src/daemon/snapshotter.js';
import { resolveRef } from '../../src/repo/git.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { simHttp } from '../support/sim-http.js';

let source: Simulator;
let repo: StateRepo;
let stateDir: string;

beforeAll(async () => {
  source = await startSimulator({ seed: 'sample' });
  repo = await stateRepo();
  await repo.snapshot(source);
  stateDir = await mkdtemp(path.join(tmpdir(), 'octosync-snapshotter-'));
}, 120_000);

afterAll(async () => {
  await source.close();
  await repo.cleanup();
  await rm(stateDir, { recursive: true, force: true });
});

/** A snapshotter as a (re)started daemon makes one: nothing in memory, only the state directory. */
async function snapshotOnce(): Promise<{ run: SnapshotRun | undefined; reads: IncrementalRead[]; requests: number; collectionReads: string[] }> {
  const reads: IncrementalRead[] = [];
  const snapshotter = new Snapshotter({ repo: repo.dir, stateDir, env: { SOURCE_API_KEY: source.apiKey }, logger: createLogger({ level: 'silent' }), metrics: createMetrics(), onRead: (read) => reads.push(read) });
  source.knobs.resetCounts();
  await snapshotter.trigger();
  const counts = source.knobs.requestCounts();
  const collectionReads = Object.keys(counts.byRoute).filter((route) => route.startsWith('GET /api/:spaceId/') && /\/all$|\/deploymentprocesses$|\/runbookProcesses$/i.test(route));
  return { run: snapshotter.lastRun, reads, requests: counts.total, collectionReads };
}

describe('the snapshotter', () => {
  it('after a restart with nothing changed asks only the events log; a change re-reads only what its events name, and a full snapshot finds nothing more', async () => {
    const first = await snapshotOnce();
    expect(first.run).toMatchObject({ result: 'unchanged' });
    expect(first.reads.map((read) => read.reason)).toEqual(['first read']);

    // A restart: a new snapshotter, the same state directory.
    const idle = await snapshotOnce();
    expect(idle.run).toMatchObject({ result: 'unchanged' });
    expect(idle.reads).toEqual([]);
    expect(idle.requests).toBeLessThanOrEqual(5);

    // One environment changed at the source.
    const http = simHttp(source);
    const staging = ((await http.get('/api/Spaces-1/environments/all')).body as JsonObject[]).find((env) => env.Name === 'Staging') as JsonObject;
    expect((await http.put(`/api/Spaces-1/environments/${String(staging.Id)}`, { ...staging, Description: 'Changed at the source.' })).status).toBe(200);
    const changed = await snapshotOnce();
    expect(changed.run).toMatchObject({ result: 'committed' });
    expect(changed.reads).toEqual([{ spaceId: 'Spaces-1', full: false, reason: 'events', collections: ['environments', 'parentenvironments'] }]);
    expect(changed.collectionReads).toEqual(['GET /api/:spaceId/environments/all']);
    const committed = await resolveRef(repo.dir, 'source');

    // A full snapshot of the source commits nothing more: the incremental one was complete.
    expect(await repo.snapshot(source)).toBeUndefined();
    expect(await resolveRef(repo.dir, 'source')).toBe(committed);

    // Restarted again: the mark kept after the commit holds.
    const again = await snapshotOnce();
    expect(again.run).toMatchObject({ result: 'unchanged' });
    expect(again.requests).toBeLessThanOrEqual(5);
  }, 180_000);
});
