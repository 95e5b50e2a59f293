// `octosync status` against a real Git repository in a temporary folder and status files written
// by the status store, as apply and the daemon write them.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { buildProgram } from '../../src/cli/program.js';
import { OctosyncError } from '../../src/commands/errors.js';
import { runStatus } from '../../src/commands/status.js';
import type { DestinationReport, StatusReport } from '../../src/commands/status.js';
import type { AppliedState, AttemptState } from '../../src/state/status-store.js';
import { readStatus, recordAttempt, writeStatus } from '../../src/state/status-store.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';

let repo: StateRepo;
let stateDir: string;
/** Commits of the production branch, oldest first. */
let production: string[];

async function git(...args: string[]): Promise<string> {
  return (await repo.git().raw(args)).trim();
}

function captureIo(): CliIo & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (line) => lines.push(line), err: (line) => lines.push(line), status: () => undefined, isTerminal: false, env: process.env, untilStopped: () => new Promise(() => undefined) };
}

async function cli(...args: string[]): Promise<string> {
  const io = captureIo();
  await buildProgram(io).parseAsync(['node', 'octosync', 'status', '--repo', repo.dir, ...args]);
  return io.lines.join('\n');
}

const attempt = (commit: string, at: string, extra: Partial<AttemptState> = {}): AttemptState => ({ commit, at, result: 'success', summary: { create: 3, update: 1, delete: 0 }, outcomes: [], ...extra });
const applied = (commit: string, at: string): AppliedState => ({ commit, at, overlayDigest: 'digest', documents: [], secretDigests: {} });

/** production applied `commit` successfully at `at`. */
async function recordApplied(commit: string, at: string): Promise<void> {
  const status = await readStatus(stateDir, 'production');
  await writeStatus(stateDir, recordAttempt(status, attempt(commit, at), applied(commit, at)));
}

async function production0(): Promise<DestinationReport> {
  const report = await runStatus({ repo: repo.dir, destination: 'production', stateDir, env: process.env });
  expect(report.destinations).toHaveLength(1);
  return report.destinations[0] as DestinationReport;
}

beforeEach(async () => {
  // main holds the destination files; production and main are the branches they follow.
  repo = await stateRepo();
  stateDir = await mkdtemp(path.join(tmpdir(), 'octosync-status-'));
  await repo.writeDestination('production', { server: 'https://octopus-prod.example.com', apiKey: { env: 'PROD_KEY' }, branch: 'production', prune: true, drift: 'correct' });
  await repo.writeDestination('staging', { server: 'https://octopus-staging.example.com', apiKey: { env: 'STAGING_KEY' }, branch: 'main', sync: 'manual' });
  await git('branch', '--move', '--force', 'main');
  await git('checkout', '--quiet', '-b', 'production');
  production = [
    await repo.commitFile('spaces/default/environments/production.yaml', 'Name: Production\n', 'environments: Production'),
    await repo.commitFile('spaces/default/environments/production.yaml', 'Name: Production\nUseGuidedFailure: true\n', 'environments: guided failure'),
  ];
  await git('checkout', '--quiet', 'main');
});

afterEach(async () => {
  await repo.cleanup();
  await rm(stateDir, { recursive: true, force: true });
});

describe('status', () => {
  it('reports an applied destination and one never applied', async () => {
    const head = production[1] as string;
    await recordApplied(head, '2026-03-01T10:00:00.000Z');
    const status = await readStatus(stateDir, 'production');
    await writeStatus(stateDir, { ...status, drift: { at: '2026-03-01T10:05:00.000Z', changes: 2 } });

    const report = await runStatus({ repo: repo.dir, stateDir, env: process.env });
    expect(report.destinations.map((d) => d.name)).toEqual(['production', 'staging']);
    const [prod, staging] = report.destinations as [DestinationReport, DestinationReport];
    expect(prod).toEqual({
      name: 'production',
      branch: 'production',
      head: { commit: head, subject: 'environments: guided failure', at: expect.any(String) },
      lastApplied: { commit: head, at: '2026-03-01T10:00:00.000Z', subject: 'environments: guided failure' },
      pending: false,
      sinceApplied: { ahead: 0, behind: 0 },
      lastAttempt: { commit: head, at: '2026-03-01T10:00:00.000Z', result: 'success', summary: { create: 3, update: 1, delete: 0 } },
      drift: { at: '2026-03-01T10:05:00.000Z', changes: 2 },
      policy: { sync: 'auto', drift: 'correct', prune: true },
      problems: [],
    });
    expect(staging).toMatchObject({
      name: 'staging',
      branch: 'main',
      head: { commit: await git('rev-parse', 'main'), subject: 'destination staging' },
      lastApplied: null,
      pending: true,
      sinceApplied: null,
      lastAttempt: null,
      drift: null,
      policy: { sync: 'manual', drift: 'warn', prune: false },
      problems: [],
    });

    const text = await cli('--state-dir', stateDir);
    const mainHead = (await git('rev-parse', 'main')).slice(0, 12);
    expect(text).toContain(`production  follows branch production\n  head          ${head.slice(0, 12)} environments: guided failure (`);
    expect(text).toContain(`  last applied  ${head.slice(0, 12)} environments: guided failure at 2026-03-01T10:00:00.000Z\n`);
    expect(text).toContain('  pending       no: the head is applied\n');
    expect(text).toContain(`  last attempt  success at 2026-03-01T10:00:00.000Z (commit ${head.slice(0, 12)}): 3 created, 1 updated, 0 deleted\n`);
    expect(text).toContain('  drift         2 changes found at 2026-03-01T10:05:00.000Z\n');
    expect(text).toContain('  policy        sync auto, drift correct, prune on\n\nstaging  follows branch main\n');
    expect(text).toContain(`  head          ${mainHead} destination staging (`);
    expect(text).toContain('  last applied  never applied\n');
    expect(text).toContain('  pending       yes: never applied (sync manual: run `octosync apply --destination staging`)\n');
    expect(text).toContain('  last attempt  none\n  drift         not checked yet\n  policy        sync manual, drift warn, prune off');
  });

  it('shows a commit pending when the branch moved past the last applied one, and the failed attempt', async () => {
    const first = production[0] as string;
    await recordApplied(first, '2026-03-01T10:00:00.000Z');
    const failed = attempt(production[1] as string, '2026-03-01T11:00:00.000Z', { result: 'failed', error: 'Failed to apply environments/Production to production: 500 Internal Server Error\nretry later', summary: undefined });
    await writeStatus(stateDir, recordAttempt(await readStatus(stateDir, 'production'), failed));

    const prod = await production0();
    expect(prod.lastApplied?.commit).toBe(first);
    expect(prod.pending).toBe(true);
    expect(prod.sinceApplied).toEqual({ ahead: 1, behind: 0 });
    expect(prod.lastAttempt).toEqual({ commit: production[1], at: '2026-03-01T11:00:00.000Z', result: 'failed', error: failed.error });

    const text = await cli('--destination', 'production', '--state-dir', stateDir);
    expect(text).toContain('  pending       yes: 1 commit on production since the last apply\n');
    expect(text).toContain(
      `  last attempt  failed at 2026-03-01T11:00:00.000Z (commit ${(production[1] as string).slice(0, 12)}): Failed to apply environments/Production to production: 500 Internal Server Error\n                retry later\n`,
    );
    expect(text).not.toContain('staging');

    // Two more commits on the branch.
    await git('checkout', '--quiet', 'production');
    await repo.commitFile('spaces/default/environments/staging.yaml', 'Name: Staging\n', 'environments: Staging');
    await repo.commitFile('spaces/default/environments/test.yaml', 'Name: Test\n', 'environments: Test');
    await git('checkout', '--quiet', 'main');
    expect((await production0()).sinceApplied).toEqual({ ahead: 3, behind: 0 });
    expect(await cli('--destination', 'production', '--state-dir', stateDir)).toContain('  pending       yes: 3 commits on production since the last apply\n');
  });

  it('shows Git-held parts that differ beside the drift, as read-only', async () => {
    await recordApplied(production[1] as string, '2026-03-01T10:00:00.000Z');
    await writeStatus(stateDir, { ...(await readStatus(stateDir, 'production')), drift: { at: '2026-03-01T10:05:00.000Z', changes: 0, gitHeld: 2, diff: 'Drift in what version-controlled projects keep in Git' } });
    expect((await production0()).drift).toEqual({ at: '2026-03-01T10:05:00.000Z', changes: 0, gitHeld: 2 });
    expect(await cli('--destination', 'production', '--state-dir', stateDir)).toContain('  drift         none at 2026-03-01T10:05:00.000Z; 2 Git-held parts differ (read-only)\n');
  });

  it('shows a branch moved back behind the last applied commit as pending', async () => {
    await recordApplied(production[1] as string, '2026-03-01T10:00:00.000Z');
    await git('branch', '--force', 'production', production[0] as string);
    const prod = await production0();
    expect(prod).toMatchObject({ pending: true, sinceApplied: { ahead: 0, behind: 1 } });
  });

  it('shows the policies the followed branch says, whatever HEAD says', async () => {
    await git('checkout', '--quiet', 'production');
    await repo.writeDestination('production', { server: 'https://octopus-prod.example.com', apiKey: { env: 'PROD_KEY' }, branch: 'production', sync: 'manual', drift: 'ignore' });
    await git('checkout', '--quiet', 'main');
    expect((await production0()).policy).toEqual({ sync: 'manual', drift: 'ignore', prune: false });
    expect(await cli('--destination', 'production', '--state-dir', stateDir)).toMatch(/\n {2}policy +sync manual, drift ignore, prune off$/m);
  });

  it('prints JSON for machines', async () => {
    await recordApplied(production[0] as string, '2026-03-01T10:00:00.000Z');
    const parsed = JSON.parse(await cli('--output', 'json', '--state-dir', stateDir)) as StatusReport;
    expect(parsed.stateDir).toBe(stateDir);
    expect(parsed.destinations.map((d) => [d.name, d.pending, d.lastApplied?.commit ?? null])).toEqual([
      ['production', true, production[0]],
      ['staging', true, null],
    ]);
  });

  it('reads the status from <repo>/.octosync by default', async () => {
    const defaultDir = path.join(repo.dir, '.octosync');
    await writeStatus(defaultDir, recordAttempt({ destination: 'production', history: [] }, attempt(production[1] as string, '2026-03-01T10:00:00.000Z'), applied(production[1] as string, '2026-03-01T10:00:00.000Z')));
    const report = await runStatus({ repo: repo.dir, destination: 'production', env: process.env });
    expect(report.destinations[0]?.pending).toBe(false);
  });

  it('refuses an unknown destination, naming the known ones', async () => {
    const error = await cli('--destination', 'prod').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OctosyncError);
    expect((error as OctosyncError).message).toBe(`unknown destination 'prod': there is no destinations/prod.yaml at HEAD in ${repo.dir} (known: production, staging)`);
  });

  it('reports a missing branch and an invalid destination file without failing the others', async () => {
    await repo.commitFile('destinations/broken.yaml', 'server: not-a-url\napiKey: { env: KEY }\nbranch: gone\n', 'destination broken');
    const report = await runStatus({ repo: repo.dir, stateDir, env: process.env });
    const broken = report.destinations.find((d) => d.name === 'broken');
    expect(broken).toMatchObject({ branch: 'gone', head: null, pending: null });
    expect(broken?.problems).toEqual([expect.stringContaining('destinations/broken.yaml'), `branch 'gone' does not exist in ${repo.dir}`]);
    expect(report.destinations.map((d) => d.name)).toEqual(['broken', 'production', 'staging']);
  });
});
