// What a snapshot and a no-op plan cost against a simulator with latency, for growing numbers of
// projects: requests, time, memory, and the ratio of requests to the lower bound (one request per
// collection read, plus the server check). Run with `npm run bench`; it prints a table.
// Each size runs against a server with the scoped tenant variable API (2026; it has no
// space-wide read, so two requests per tenant connected to a project) and one without it
// (`/tenantvariables/all`, one request); BENCH_TENANT_APIS=scoped or legacy runs one.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { it } from 'vitest';
import { preparePlan } from '../src/commands/plan.js';
import { runSnapshot } from '../src/commands/snapshot.js';
import { alwaysRead } from '../src/kinds/read-live.js';
import { kindsInOrder } from '../src/kinds/registry.js';
import { checkServer, createOctopusClient } from '../src/octopus/index.js';
import { formatYaml } from '../src/repo/yaml.js';
import { commitPaths } from '../src/repo/git.js';
import { writeFile, mkdir } from 'node:fs/promises';
import { startSimulator } from '../src/simulator/index.js';

const SIZES = (process.env.BENCH_SIZES ?? '10,100,500').split(',').map(Number);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 5);
const TENANT_APIS = (process.env.BENCH_TENANT_APIS ?? 'scoped,legacy').split(',') as ('scoped' | 'legacy')[];

interface Row {
  projects: number;
  tenantApi: string;
  connectedTenants: number;
  step: string;
  requests: number;
  lowerBound: number;
  ms: number;
  heapMb: number;
}

it('measures snapshot and no-op plan costs', { timeout: 600_000 }, async () => {
  const rows: Row[] = [];
  const collections = alwaysRead(kindsInOrder()).length;
  for (const projects of SIZES) for (const tenantApi of TENANT_APIS) {
    const sim = await startSimulator({ seed: `synthetic:${projects}`, latencyMs: LATENCY_MS, tenantVariableScoping: tenantApi === 'scoped' });
    const connectedTenants = sim.instance.list('tenants', 'Spaces-1').filter((tenant) => Object.keys((tenant.ProjectEnvironments ?? {}) as object).length > 0).length;
    const dir = await mkdtemp(path.join(tmpdir(), 'octosync-bench-'));
    const client = createOctopusClient({ server: sim.url, apiKey: sim.apiKey });
    try {
      await checkServer(client);
      sim.knobs.resetCounts();
      let started = performance.now();
      await runSnapshot({ api: client, server: sim.url, repo: dir });
      rows.push({ projects, tenantApi, connectedTenants, step: 'snapshot', requests: sim.knobs.requestCounts().total, lowerBound: collections + 2, ms: performance.now() - started, heapMb: heap() });

      // The same instance as the destination: a plan with nothing to do.
      await mkdir(path.join(dir, 'destinations'), { recursive: true });
      await writeFile(path.join(dir, 'destinations/self.yaml'), formatYaml({ server: sim.url, apiKey: { env: 'BENCH_KEY' }, branch: 'source' }));
      await commitPaths(dir, ['destinations/self.yaml'], 'destination');
      sim.knobs.resetCounts();
      started = performance.now();
      const prepared = await preparePlan({ repo: dir, destination: 'self', ref: 'HEAD', env: { BENCH_KEY: sim.apiKey } });
      await prepared.client.close();
      if (prepared.plan.changes.length > 0) throw new Error(`a plan against the snapshotted instance itself should be empty, got ${prepared.plan.changes.length} changes`);
      rows.push({ projects, tenantApi, connectedTenants, step: 'no-op plan', requests: sim.knobs.requestCounts().total, lowerBound: collections + 3, ms: performance.now() - started, heapMb: heap() });
    } finally {
      await client.close();
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    }
  }
  console.log(`\nlatency ${LATENCY_MS} ms per request; lower bound = collections read (${collections}) + server check and space lookup\n`);
  console.table(rows.map((row) => ({ ...row, ratio: (row.requests / row.lowerBound).toFixed(2), ms: Math.round(row.ms), heapMb: row.heapMb.toFixed(0) })));
});

function heap(): number {
  return process.memoryUsage().heapUsed / 1024 / 1024;
}
