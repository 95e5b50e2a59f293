// A full apply reads what it wrote per kind, never per document: a new runbook's process is read
// with every other runbook process in one read of the kind, not one GET each, so the reads of an
// apply to an empty destination do not grow with the number of projects. Counted by the
// destination simulator.
import { afterEach, describe, expect, it } from 'vitest';
import { runApply } from '../../src/commands/apply.js';
import { preparePlan } from '../../src/commands/plan.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';

const open: { close(): Promise<void> }[] = [];
const repos: StateRepo[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((sim) => sim.close()));
  await Promise.all(repos.splice(0).map((repo) => repo.cleanup()));
});

/** A snapshot of `synthetic:<projects>` and an empty destination 'copy' following it, its counts reset. */
async function emptyCopyOf(projects: number) {
  const source: Simulator = await startSimulator({ seed: `synthetic:${projects}`, tenantVariableScoping: false });
  const destination: Simulator = await startSimulator({ seed: 'empty', tenantVariableScoping: false });
  open.push(source, destination);
  const repo = await stateRepo();
  repos.push(repo);
  await repo.snapshot(source);
  await repo.writeDestination('copy', { server: destination.url, apiKey: { env: 'DEST_KEY' }, branch: 'source', missingSecrets: 'placeholder' });
  destination.knobs.resetCounts();
  return { destination, repo, env: { DEST_KEY: destination.apiKey } };
}

/** The GETs by route of a full apply of `synthetic:<projects>` to an empty destination, once it converged. */
async function readsOfFullApply(projects: number): Promise<Record<string, number>> {
  const { destination, repo, env } = await emptyCopyOf(projects);
  const result = await runApply({ repo: repo.dir, destination: 'copy', env });
  expect(result.result).toBe('success');
  const counts = destination.knobs.requestCounts();
  // What was written is whole: the destination now plans no change (processes included).
  const again = await preparePlan({ repo: repo.dir, destination: 'copy', env });
  await again.client.close();
  expect(again.plan.changes.map((change) => `${change.action} ${change.kind} ${change.name}`)).toEqual([]);
  return Object.fromEntries(Object.entries(counts.byRoute).filter(([route]) => route.startsWith('GET ')));
}

describe('a full apply', () => {
  it('reads new runbooks\' processes per kind, and its reads do not grow with the number of projects', { timeout: 240_000 }, async () => {
    const few = await readsOfFullApply(2);
    const more = await readsOfFullApply(12);
    expect(more['GET /api/:spaceId/runbookProcesses/:id'] ?? 0).toBe(0);
    // Tenant variables are read per connected tenant (the tenants are the same few at every size).
    const perProject = (reads: Record<string, number>) => Object.fromEntries(Object.entries(reads).filter(([route]) => !route.includes('/tenants/:id/')));
    expect(perProject(more)).toEqual(perProject(few));
  });

  it('checks what it wrote against the reads it made after writing, without reading the written kinds again', { timeout: 120_000 }, async () => {
    const { destination, repo, env } = await emptyCopyOf(2);
    const result = await runApply({ repo: repo.dir, destination: 'copy', env });
    expect(result.result).toBe('success');
    const spans = destination.knobs.requestSpans();
    const lastWrite = Math.max(...spans.filter((span) => span.method !== 'GET').map((span) => span.end));
    const after = spans.filter((span) => span.start >= lastWrite).map((span) => `${span.method} ${span.route}`);
    // The last kind written reads its collections back once; nothing is read a second time to check them.
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((route) => route.startsWith('GET '))).toBe(true);
    expect(after.filter((route, index) => after.indexOf(route) !== index)).toEqual([]);
    expect(after).not.toContain('GET /api/:spaceId/projects/all');
  });
});
