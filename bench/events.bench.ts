// What the daemon's work driven by the events log costs as instances grow, against a simulator
// with latency: a drift check with nothing changed and after a change by hand, and the
// snapshotter after a restart with nothing changed and after a change, each beside the full read
// it replaces. The steps run in this process as the daemon runs them (the drift check as its
// reconciler does: the events log first, then a plan reading only what the events name; the
// snapshotter as a freshly started one, with only its state directory), so CPU seconds include
// the simulator's; requests are counted by the simulator.
//
//   BENCH_SIZES=100,1000 npm run bench -- bench/events.bench.ts
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { destinationActivity } from '../src/commands/destination-activity.js';
import { DEFAULT_FULL_READ_EVERY_MS, incrementalSpaceReader } from '../src/commands/incremental-reads.js';
import type { IncrementalRead } from '../src/commands/incremental-reads.js';
import { preparePlan } from '../src/commands/plan.js';
import { runSnapshot } from '../src/commands/snapshot.js';
import { createLogger } from '../src/daemon/logger.js';
import { createMetrics } from '../src/daemon/metrics.js';
import { Snapshotter } from '../src/daemon/snapshotter.js';
import { createOctopusClient } from '../src/octopus/index.js';
import { commitPaths, resolveRef } from '../src/repo/git.js';
import { formatYaml } from '../src/repo/yaml.js';
import { startSimulator } from '../src/simulator/index.js';
import { changeOneVariable } from './change-by-hand.js';

const SIZES = (process.env.BENCH_SIZES ?? '100,1000').split(',').map(Number);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);

interface Row {
  projects: number;
  step: string;
  requests: number;
  /** What was read: the collections, or "full". */
  read: string;
  seconds: number;
  cpuSeconds: number;
}

it('measures drift checks and snapshots driven by the events log', { timeout: 3_600_000 }, async () => {
  const rows: Row[] = [];
  for (const projects of SIZES) {
    const sim = await startSimulator({ seed: `synthetic:${projects}`, latencyMs: LATENCY_MS, tenantVariableScoping: false });
    const dir = await mkdtemp(path.join(tmpdir(), 'octosync-events-'));
    const stateDir = path.join(dir, '.octosync');
    const env = { SOURCE_KEY: sim.apiKey, SELF_KEY: sim.apiKey };
    const measure = async <T>(step: string, work: (reads: IncrementalRead[]) => Promise<T>): Promise<T> => {
      const reads: IncrementalRead[] = [];
      sim.knobs.resetCounts();
      const started = performance.now();
      const cpu = process.cpuUsage();
      const result = await work(reads);
      const used = process.cpuUsage(cpu);
      const read = step.includes('full read (plan)') ? 'full' : reads.length === 0 ? 'events only' : reads.map((r) => (r.full ? `full (${r.reason})` : r.collections.join(', '))).join('; ');
      rows.push({ projects, step, requests: sim.knobs.requestCounts().total, read, seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6 });
      return result;
    };
    const reader = (reads: IncrementalRead[]) => incrementalSpaceReader({ stateDir, name: 'drift-self', fullReadEveryMs: DEFAULT_FULL_READ_EVERY_MS, onRead: (read) => reads.push(read) });
    const snapshotter = (reads: IncrementalRead[]) => new Snapshotter({ repo: dir, stateDir, env, logger: createLogger({ level: 'silent' }), metrics: createMetrics(), onRead: (read) => reads.push(read) });
    // The commit the drift is checked against (the daemon's: the one applied); set below.
    const planOptions = { repo: dir, destination: 'self', ref: '', env, stateDir };
    // As the reconciler: the events log, then (when it moved) a plan through the incremental reader.
    let lastActivity: string | undefined;
    const driftCheck = async (reads: IncrementalRead[]) => {
      const activity = await destinationActivity(planOptions);
      if (activity === lastActivity) return -1;
      lastActivity = activity;
      const prepared = await preparePlan({ ...planOptions, readSpace: reader(reads) });
      await prepared.client.close();
      return prepared.plan.changes.length;
    };
    const fullPlan = async () => {
      const prepared = await preparePlan(planOptions);
      await prepared.client.close();
      return prepared.plan.changes.length;
    };
    try {
      const client = createOctopusClient({ server: sim.url, apiKey: sim.apiKey });
      await runSnapshot({ api: client, server: sim.url, apiKeyEnv: 'SOURCE_KEY', repo: dir });
      await client.close();
      await mkdir(path.join(dir, 'destinations'), { recursive: true });
      await writeFile(path.join(dir, 'destinations', 'self.yaml'), formatYaml({ server: sim.url, apiKey: { env: 'SELF_KEY' }, branch: 'source', missingSecrets: 'placeholder' }));
      await commitPaths(dir, ['destinations/self.yaml'], 'destinations');

      await measure('snapshotter, first run (full read)', (reads) => snapshotter(reads).trigger());
      await measure('snapshotter restarted, nothing changed', (reads) => snapshotter(reads).trigger());
      await changeOneVariable(sim, 'App.Port', '9999');
      await measure('snapshotter restarted, one variable changed', (reads) => snapshotter(reads).trigger());

      planOptions.ref = await resolveRef(dir, 'source');
      expect(await measure('drift check, first (full read)', driftCheck)).toBe(0);
      expect(await measure('drift check, nothing changed', driftCheck)).toBe(-1);
      await changeOneVariable(sim, 'App.Name', 'changed by hand');
      // The repository was snapshotted before the change: the plan of `self` shows it as drift.
      expect(await measure('drift check after a change by hand', driftCheck)).toBe(1);
      expect(await measure('the same with a full read (plan)', () => fullPlan())).toBe(1);
    } finally {
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    }
  }
  console.log(`\nlatency ${LATENCY_MS} ms per request; CPU seconds of this process (the simulator's included)\n`);
  console.table(rows.map((row) => ({ projects: row.projects, step: row.step, requests: row.requests, read: row.read, seconds: row.seconds.toFixed(2), 'CPU seconds': row.cpuSeconds.toFixed(2) })));
});
