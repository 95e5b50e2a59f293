// Promotion that survives a rollback: a promotion merge reverted on production, then promoted
// again, brings the reverted change back to the destination (a plain merge would not: Git's
// revert-of-a-merge trap), and says so.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runApply } from '../../src/commands/apply.js';
import type { CliIo } from '../../src/cli/io.js';
import { buildProgram } from '../../src/cli/program.js';
import { keptOutByReverts, promote } from '../../src/repo/promotion.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { createAccounts } from '../support/destinations.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { LIFECYCLE, WatchHarness, destinationBody, minimumOf, requireEnvironments } from '../support/watch-harness.js';

let source: Simulator;
let production: Simulator;
let repo: StateRepo;
let h: WatchHarness;
const env = () => ({ PRODUCTION_KEY: production.apiKey, GIT_TOKEN: 'test-git-token', TLS_DATA: 'eA==' });

beforeEach(async () => {
  source = await startSimulator({ seed: 'sample' });
  production = await startSimulator({ seed: 'empty' });
  await createAccounts(source, production);
  repo = await stateRepo();
  h = new WatchHarness(repo);
  await repo.snapshot(source);
  await repo.writeDestination('production', destinationBody(production, 'production'));
  await repo.git().branch(['staging']);
  await repo.git().branch(['production']);
});

afterEach(async () => {
  await Promise.all([source.close(), production.close()]);
  await repo.cleanup();
});

describe('octosync promote', () => {
  it('brings back a change whose promotion was reverted, where merging again would not', async () => {
    await runApply({ repo: repo.dir, destination: 'production', env: env() });
    await h.commitOn('staging', LIFECYCLE, requireEnvironments(3), 'production needs 3 environments first');
    const first = await promote({ dir: repo.dir, from: 'staging', to: 'production', env: process.env });
    expect(first.merge).toBeDefined();
    await runApply({ repo: repo.dir, destination: 'production', env: env() });
    expect(await minimumOf(production)).toBe(3);

    // Roll back by reverting the promotion merge.
    await h.revertOn('production', ['-m', '1', 'HEAD']);
    await runApply({ repo: repo.dir, destination: 'production', env: env() });
    expect(await minimumOf(production)).toBe(0);
    const kept = await keptOutByReverts(repo.dir, 'production', process.env);
    expect(kept).toEqual([{ merge: first.merge, subject: 'Promote staging into production', revert: await h.head('production') }]);

    // The trap: merging staging again brings nothing back.
    await h.commitOn('staging', 'README-staging.md', () => 'notes\n', 'a later change on staging');
    const dry: string[] = [];
    const io: CliIo = { out: (line) => dry.push(line), err: (line) => dry.push(line), status: () => undefined, isTerminal: false, env: process.env, untilStopped: async () => undefined };
    await buildProgram(io).parseAsync(['node', 'octosync', 'promote', 'staging', 'production', '--repo', repo.dir, '--dry-run']);
    expect(dry.join('\n')).toContain('would contain 1 commit:');
    expect(dry.join('\n')).toContain(`would bring back "Promote staging into production" (${String(first.merge).slice(0, 12)}), kept out of production by the revert`);
    expect(await h.head('production')).toBe(kept[0]?.revert);
    // The trap: merging staging again by hand brings the later change, not the reverted one.
    await h.promoteTo('production', 'staging');
    await runApply({ repo: repo.dir, destination: 'production', env: env() });
    expect(await minimumOf(production)).toBe(0);

    const out: string[] = [];
    await buildProgram({ ...io, out: (line) => out.push(line) }).parseAsync(['node', 'octosync', 'promote', 'staging', 'production', '--repo', repo.dir]);
    expect(out.join('\n')).toMatch(/^Brought back "Promote staging into production" \([0-9a-f]{12}\), which the revert [0-9a-f]{12} kept out of production: reverted that revert in [0-9a-f]{12}\.\nNothing to merge: production has every commit of staging\.$/);
    await runApply({ repo: repo.dir, destination: 'production', env: env() });
    expect(await minimumOf(production)).toBe(3);
    expect(await keptOutByReverts(repo.dir, 'production', process.env)).toEqual([]);
    // The checkout is where it was.
    expect((await repo.git().raw(['symbolic-ref', '--short', 'HEAD'])).trim()).toBe('source');
  });
});
