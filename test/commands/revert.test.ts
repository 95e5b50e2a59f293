// `octosync revert` against real Git repositories in temporary folders: the revert lands on the
// branch, the user's working tree and current branch stay as they were, and every refusal leaves
// the repository unchanged (same branch heads, same working tree, no leftover worktree).
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { buildProgram } from '../../src/cli/program.js';
import { OctosyncError } from '../../src/commands/errors.js';
import { runRevert } from '../../src/commands/revert.js';
import type { RevertOptions } from '../../src/commands/revert.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';

const ENVIRONMENT = 'spaces/default/environments/production.yaml';
const V1 = 'Name: Production\nUseGuidedFailure: false\n';
const V2 = 'Name: Production\nUseGuidedFailure: true\n';
const V3 = 'Name: Production\nUseGuidedFailure: true\nDescription: later\n';

let repo: StateRepo;
/** The commit on `production` that a revert undoes (V1 → V2 of the environment). */
let bad: string;

/** Runs a git command in the repository and returns its trimmed output. */
async function git(...args: string[]): Promise<string> {
  return (await repo.git().raw(args)).trim();
}

async function checkout(branch: string): Promise<void> {
  await git('checkout', '--quiet', branch);
}

/** Everything a refused revert must leave as it was. */
async function repositoryState() {
  return {
    branches: await git('for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads/'),
    head: await git('symbolic-ref', '--quiet', 'HEAD'),
    worktrees: await git('worktree', 'list', '--porcelain'),
    status: await git('status', '--porcelain', '--untracked-files=all'),
    temporaryFolders: await revertFolders(),
  };
}

async function revertFolders(): Promise<string[]> {
  return (await readdir(tmpdir())).filter((name) => name.startsWith('octosync-revert-')).sort();
}

function revert(options: Partial<RevertOptions>) {
  return runRevert({ repo: repo.dir, commit: bad, branch: 'production', env: process.env, ...options });
}

/** The error a refused revert throws, after checking the repository did not change. */
async function refused(options: Partial<RevertOptions>): Promise<OctosyncError> {
  const before = await repositoryState();
  const error = await revert(options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OctosyncError);
  expect(await repositoryState()).toEqual(before);
  return error as OctosyncError;
}

function captureIo(): CliIo & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (line) => lines.push(line), err: (line) => lines.push(line), status: () => undefined, isTerminal: false, env: process.env, untilStopped: () => new Promise(() => undefined) };
}

beforeEach(async () => {
  // main: the environment at V1. production: V1 → V2 (the bad commit) → an unrelated commit.
  // The working tree is on main, with a change of its own and an untracked file.
  repo = await stateRepo();
  await repo.commitFile(ENVIRONMENT, V1, 'environments: Production');
  await git('branch', '--move', '--force', 'main');
  await git('checkout', '--quiet', '-b', 'production');
  bad = await repo.commitFile(ENVIRONMENT, V2, 'environments: guided failure in Production');
  await repo.commitFile('spaces/default/environments/staging.yaml', 'Name: Staging\n', 'environments: Staging');
  await checkout('main');
  await writeFile(path.join(repo.dir, ENVIRONMENT), 'Name: Production\n# being edited\n');
  await writeFile(path.join(repo.dir, 'notes.txt'), 'untracked\n');
});

afterEach(async () => {
  await repo.cleanup();
});

describe('revert on a branch that is not checked out', () => {
  it('commits the revert on the branch and leaves the working tree and current branch alone', async () => {
    const before = await repositoryState();
    const headBefore = await git('rev-parse', 'production');
    const result = await revert({});

    expect(result.where).toEqual({ kind: 'temporary-worktree' });
    expect(result.reverted).toBe(bad);
    expect(result.previousHead).toBe(headBefore);
    expect(await git('rev-parse', 'production')).toBe(result.commit);
    expect(await git('rev-parse', `${result.commit}^`)).toBe(headBefore);
    expect(result.message).toBe(`Revert "environments: guided failure in Production"\n\nThis reverts commit ${bad}.`);
    expect(await git('show', `production:${ENVIRONMENT}`)).toBe(V1.trim());
    // The later, unrelated commit stays.
    expect(await git('show', 'production:spaces/default/environments/staging.yaml')).toBe('Name: Staging');

    const after = await repositoryState();
    expect(after.head).toBe(before.head);
    expect(after.status).toBe(before.status);
    expect(after.worktrees).toBe(before.worktrees);
    expect(after.temporaryFolders).toEqual(before.temporaryFolders);
    expect(await readFile(path.join(repo.dir, ENVIRONMENT), 'utf8')).toBe('Name: Production\n# being edited\n');
    expect(existsSync(path.join(repo.dir, 'notes.txt'))).toBe(true);
  });

  it('uses --message, keeping the reverted sha in the message', async () => {
    const result = await revert({ message: 'Roll production back: guided failure broke deploys' });
    expect(result.message).toBe(`Roll production back: guided failure broke deploys\n\nThis reverts commit ${bad}.`);
    expect(await git('log', '-1', '--format=%B', 'production')).toBe(result.message);
  });

  it('prints the new commit and its message, and who applies it', async () => {
    await git('stash', '--quiet');
    await checkout('production');
    await repo.writeDestination('production', { server: 'https://octopus.example.com', apiKey: { env: 'KEY' }, branch: 'production' });
    bad = await repo.commitFile(ENVIRONMENT, V1, 'environments: guided failure off');
    await checkout('main');
    await git('stash', 'pop', '--quiet');
    // Destinations are read from the commit HEAD is at, as watch does.
    await git('checkout', 'production', '--', 'destinations/production.yaml');
    await git('commit', '--quiet', '-m', 'destination production', '--', 'destinations/production.yaml');

    const io = captureIo();
    await buildProgram(io).parseAsync(['node', 'octosync', 'revert', bad.slice(0, 10), '--branch', 'production', '--repo', repo.dir]);
    const head = await git('rev-parse', 'production');
    expect(io.lines).toEqual([
      `Reverted ${bad.slice(0, 12)} on production: ${head}`,
      `    Revert "environments: guided failure off"`,
      '',
      `    This reverts commit ${bad}.`,
      'Destination production follows production: the watch daemon applies it.',
    ]);
  });
});

describe('revert on the branch checked out in the working tree', () => {
  it('reverts in place when the working tree is clean', async () => {
    await git('checkout', '--quiet', '--force', 'production');
    await git('clean', '--quiet', '--force');
    const result = await revert({});
    expect(result.where).toEqual({ kind: 'working-tree', path: await git('rev-parse', '--show-toplevel') });
    expect(await git('rev-parse', 'HEAD')).toBe(result.commit);
    expect(await readFile(path.join(repo.dir, ENVIRONMENT), 'utf8')).toBe(V1);
    expect(await git('status', '--porcelain')).toBe('');
    expect(await git('symbolic-ref', '--short', 'HEAD')).toBe('production');
  });

  it('refuses when the working tree has changes to tracked files', async () => {
    await git('checkout', '--quiet', '--force', 'production');
    await writeFile(path.join(repo.dir, ENVIRONMENT), 'Name: Production\n# being edited\n');
    const error = await refused({});
    expect(error.message).toMatch(/branch 'production' is checked out in .* which has uncommitted changes; commit or stash them/);
    expect(error.data.reason).toBe('branch-busy');
  });

  it('aborts a conflicting revert and puts the tree back', async () => {
    await git('checkout', '--quiet', '--force', 'production');
    await repo.commitFile(ENVIRONMENT, V3, 'environments: describe Production');
    const error = await refused({});
    expect(error.data).toMatchObject({ reason: 'conflict', files: [ENVIRONMENT] });
    expect(await git('status', '--porcelain', '--untracked-files=no')).toBe('');
  });
});

describe('refusals leave the repository unchanged', () => {
  it('a commit that does not exist', async () => {
    const error = await refused({ commit: 'deadbeefdeadbeef' });
    expect(error.message).toBe(`nothing was reverted: there is no commit 'deadbeefdeadbeef' in ${repo.dir}`);
  });

  it('a commit that is not on the branch', async () => {
    // Committed on main (where the working tree is): never on production.
    const elsewhere = await repo.commitFile('spaces/default/environments/test.yaml', 'Name: Test\n', 'environments: Test');
    const error = await refused({ commit: elsewhere });
    expect(error.message).toContain(`commit ${elsewhere.slice(0, 12)} is not on branch 'production' (not an ancestor of its head`);
    expect(error.data.reason).toBe('not-on-branch');
  });

  it('a branch that does not exist', async () => {
    const error = await refused({ branch: 'prod' });
    expect(error.message).toBe(`nothing was reverted: there is no branch 'prod' in ${repo.dir} (branches: main, production)`);
  });

  it('a revert that conflicts with later commits, naming the files', async () => {
    await git('stash', '--quiet');
    await checkout('production');
    await repo.commitFile(ENVIRONMENT, V3, 'environments: describe Production');
    await checkout('main');
    await git('stash', 'pop', '--quiet');
    const error = await refused({});
    expect(error.message).toContain(`reverting ${bad.slice(0, 12)} on branch 'production' conflicts with later changes in ${ENVIRONMENT}; nothing was changed`);
    expect(error.data).toMatchObject({ reason: 'conflict', files: [ENVIRONMENT] });
  });

  it('a commit whose changes are already undone', async () => {
    await revert({});
    const error = await refused({});
    expect(error.message).toContain('changes nothing on branch \'production\': its changes are already undone there');
  });

  it('a path that is not a repository', async () => {
    const error = await runRevert({ repo: path.join(repo.dir, 'missing'), commit: bad, branch: 'production', env: process.env }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OctosyncError);
    expect((error as OctosyncError).message).toContain('is not a Git repository');
  });
});

describe('merge commits', () => {
  let merge: string;

  beforeEach(async () => {
    // production merges a feature branch that adds a lifecycle.
    await git('stash', '--quiet');
    await git('checkout', '--quiet', '-b', 'feature', 'main');
    await repo.commitFile('spaces/default/lifecycles/fast.yaml', 'Name: Fast\n', 'lifecycles: Fast');
    await checkout('production');
    await git('merge', '--quiet', '--no-ff', '--no-edit', 'feature');
    merge = await git('rev-parse', 'HEAD');
    await checkout('main');
    await git('stash', 'pop', '--quiet');
  });

  it('refuses without --mainline, explaining it', async () => {
    const error = await refused({ commit: merge });
    expect(error.message).toContain(`commit ${merge.slice(0, 12)} is a merge of 2 parents; say which side to keep with --mainline <n>: --mainline 1 keeps the branch that was merged into`);
    expect(error.data.reason).toBe('merge-needs-mainline');
  });

  it('reverts what the merge brought in with --mainline 1', async () => {
    const result = await revert({ commit: merge, mainline: 1 });
    expect(await git('ls-tree', '-r', '--name-only', result.commit)).not.toContain('spaces/default/lifecycles/fast.yaml');
    expect(await git('show', `production:${ENVIRONMENT}`)).toBe(V2.trim());
  });

  it('refuses --mainline for a commit that is not a merge', async () => {
    const error = await refused({ mainline: 1 });
    expect(error.message).toContain('is not a merge commit; --mainline is only for merges');
  });

  it('refuses a --mainline beyond the parents', async () => {
    const error = await refused({ commit: merge, mainline: 3 });
    expect(error.message).toContain('--mainline must be between 1 and 2');
  });
});
