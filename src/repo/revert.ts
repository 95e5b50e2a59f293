// Reverting a commit on a branch of the state repository without a Git client at hand, and the
// few history questions `status` asks (is a commit on a branch, how far apart are two commits).
//
// Where the revert happens, so the user's working tree and current branch are never disturbed:
// - the branch is checked out nowhere: in a temporary worktree (`git worktree add <tmp> <branch>`)
//   that has the branch checked out, so the revert commit moves the branch itself; the worktree
//   is removed afterwards, whatever happened;
// - the branch is checked out in a working tree (the main one or a linked one): there, but only
//   when that tree has no changes to tracked files and no merge, revert or cherry-pick in
//   progress. Git allows a branch in one worktree only, and committing beside a checked-out
//   branch would leave that tree's index looking like the revert undone. Reverting a clean tree
//   in place is what `git revert` itself would do; a failure is aborted back to where it was.
//
// Every refusal happens before anything is written, or is rolled back: branch heads stay where
// they were and no worktree is left behind.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SimpleGit } from 'simple-git';
import { GitError } from './git.js';
import { gitAt, gitOutput, isAncestor, isGitRepository, resolveCommit } from './history.js';

export type RevertRefusal =
  | 'not-a-repository'
  | 'invalid-argument'
  | 'unknown-branch'
  | 'unknown-commit'
  | 'not-on-branch'
  | 'merge-needs-mainline'
  | 'not-a-merge'
  | 'branch-busy'
  | 'conflict'
  | 'nothing-to-revert';

/** A revert octosync will not make; the repository is as it was. */
export class RevertRefusedError extends GitError {
  constructor(
    readonly reason: RevertRefusal,
    message: string,
    readonly data: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RevertRefusedError';
  }
}

export interface RevertRequest {
  /** The repository (any of its working trees). */
  dir: string;
  /** The commit to revert: a sha or anything `git rev-parse` takes. */
  commit: string;
  branch: string;
  /** The commit message (git's `Revert "<subject>"` when absent); a `This reverts commit` line is added. */
  message?: string;
  /** For a merge commit: the parent (1-based) whose side is kept, as `git revert -m`. */
  mainline?: number;
  env: NodeJS.ProcessEnv;
}

export interface RevertResult {
  branch: string;
  /** The full sha of the commit reverted. */
  reverted: string;
  /** The branch head before the revert. */
  previousHead: string;
  /** The new commit, now the branch head. */
  commit: string;
  message: string;
  /** The branch's upstream (`origin/production`), when it has one: the revert is not pushed. */
  upstream?: string;
  /** Where the revert was made. */
  where: { kind: 'temporary-worktree' } | { kind: 'working-tree'; path: string };
}

export interface WorktreeEntry {
  path: string;
  branch?: string;
  prunable: boolean;
}

export async function revertOnBranch(request: RevertRequest): Promise<RevertResult> {
  const { branch, commit } = request;
  if (!(await isGitRepository(request.dir, request.env))) throw new RevertRefusedError('not-a-repository', `${request.dir} is not a Git repository`);
  const repo = gitAt(request.dir, request.env);
  if (branch.startsWith('-') || branch.trim() === '') throw new RevertRefusedError('invalid-argument', `'${branch}' is not a branch name`);
  if (commit.startsWith('-') || commit.trim() === '') throw new RevertRefusedError('invalid-argument', `'${commit}' is not a commit`);

  const head = await resolveCommit(repo, `refs/heads/${branch}`);
  if (!head) {
    const known = await localBranches(repo);
    throw new RevertRefusedError('unknown-branch', `there is no branch '${branch}' in ${request.dir} (branches: ${known.join(', ') || 'none'})`, { branch, known });
  }
  const target = await resolveCommit(repo, commit);
  if (!target) throw new RevertRefusedError('unknown-commit', `there is no commit '${commit}' in ${request.dir}`, { commit });
  if (!(await isAncestor(repo, target, head))) {
    throw new RevertRefusedError('not-on-branch', `commit ${short(target)} is not on branch '${branch}' (not an ancestor of its head ${short(head)}): there is nothing of it to revert there`, {
      commit: target,
      branch,
      head,
    });
  }
  const mainline = await checkMainline(repo, target, request.mainline);
  const result = await revertWhereCheckedOut(request, repo, { target, head, mainline });
  const upstream = (await gitOutput(repo, ['rev-parse', '--abbrev-ref', `${branch}@{upstream}`]))?.trim();
  return upstream ? { ...result, upstream } : result;
}

async function revertWhereCheckedOut(request: RevertRequest, repo: SimpleGit, resolved: Resolved): Promise<RevertResult> {
  const { branch } = request;
  const worktrees = await listWorktrees(repo);
  const holder = worktrees.find((entry) => entry.branch === `refs/heads/${branch}`);
  if (holder) {
    if (holder.prunable || !existsSync(holder.path)) {
      throw new RevertRefusedError('branch-busy', `branch '${branch}' is checked out in a worktree that no longer exists (${holder.path}); run \`git worktree prune\` and try again`, {
        branch,
        worktree: holder.path,
      });
    }
    return revertInWorkingTree(request, holder.path, resolved);
  }
  return revertInTemporaryWorktree(request, repo, resolved);
}

interface Resolved {
  target: string;
  head: string;
  mainline: number | undefined;
}

async function revertInTemporaryWorktree(request: RevertRequest, repo: SimpleGit, resolved: Resolved): Promise<RevertResult> {
  const parent = await mkdtemp(path.join(tmpdir(), 'octosync-revert-'));
  const tree = path.join(parent, 'tree');
  let added = false;
  try {
    try {
      await repo.raw(['worktree', 'add', '--quiet', tree, request.branch]);
      added = true;
    } catch (error) {
      throw new GitError(`could not check out branch '${request.branch}' in a temporary worktree: ${firstLine(error)}`, { cause: error });
    }
    // Nothing is left to abort on failure: the whole worktree goes.
    return await revertIn(gitAt(tree, request.env), request, resolved, { kind: 'temporary-worktree' });
  } finally {
    if (added) await removeWorktree(repo, tree);
    await rm(parent, { recursive: true, force: true });
  }
}

async function revertInWorkingTree(request: RevertRequest, tree: string, resolved: Resolved): Promise<RevertResult> {
  const work = gitAt(tree, request.env);
  const changed = (await work.raw(['status', '--porcelain', '--untracked-files=no'])).trim();
  if (changed !== '') {
    throw new RevertRefusedError(
      'branch-busy',
      `branch '${request.branch}' is checked out in ${tree}, which has uncommitted changes; commit or stash them (or check out another branch there) and try again`,
      { branch: request.branch, worktree: tree, changes: changed.split('\n') },
    );
  }
  for (const marker of ['MERGE_HEAD', 'REVERT_HEAD', 'CHERRY_PICK_HEAD']) {
    if (await resolveCommit(work, marker)) {
      throw new RevertRefusedError('branch-busy', `branch '${request.branch}' is checked out in ${tree}, where a ${marker.replace(/_HEAD$/, '').toLowerCase().replace('_', '-')} is in progress; finish or abort it first`, {
        branch: request.branch,
        worktree: tree,
      });
    }
  }
  try {
    return await revertIn(work, request, resolved, { kind: 'working-tree', path: tree });
  } catch (error) {
    // Only our own revert is in progress here (none was before): put the tree back as it was.
    if (await resolveCommit(work, 'REVERT_HEAD')) await work.raw(['revert', '--abort']).catch(() => undefined);
    throw error;
  }
}

/** Reverts in a working tree that has the branch checked out, and commits. */
async function revertIn(work: SimpleGit, request: RevertRequest, resolved: Resolved, where: RevertResult['where']): Promise<RevertResult> {
  const { target, head, mainline } = resolved;
  const current = await resolveCommit(work, 'HEAD');
  if (current !== head) throw new GitError(`branch '${request.branch}' moved while reverting (now at ${current ? short(current) : 'nothing'}); try again`);
  try {
    await work.raw(['revert', '--no-commit', ...(mainline ? ['--mainline', String(mainline)] : []), target]);
  } catch (error) {
    const conflicts = (await gitOutput(work, ['diff', '--name-only', '--diff-filter=U']))?.trim().split('\n').filter(Boolean) ?? [];
    if (conflicts.length > 0) {
      throw new RevertRefusedError(
        'conflict',
        `reverting ${short(target)} on branch '${request.branch}' conflicts with later changes in ${conflicts.join(', ')}; nothing was changed. Revert the later commits first, or edit these files by hand`,
        { commit: target, branch: request.branch, files: conflicts },
        { cause: error },
      );
    }
    throw new GitError(`could not revert ${short(target)} on branch '${request.branch}': ${firstLine(error)}`, { cause: error });
  }
  const staged = (await work.raw(['diff', '--cached', '--name-only'])).trim();
  if (staged === '') {
    throw new RevertRefusedError('nothing-to-revert', `reverting ${short(target)} changes nothing on branch '${request.branch}': its changes are already undone there`, {
      commit: target,
      branch: request.branch,
    });
  }
  // Without --message, git's own message (`Revert "<subject>"` and the reverted sha) from the revert.
  const message = request.message === undefined ? undefined : `${request.message.trim()}\n\nThis reverts commit ${target}.`;
  try {
    await work.raw(message === undefined ? ['commit', '--quiet', '--no-edit'] : ['commit', '--quiet', '-m', message]);
  } catch (error) {
    throw new GitError(`could not commit the revert of ${short(target)} on branch '${request.branch}': ${firstLine(error)}`, { cause: error });
  }
  const commit = await resolveCommit(work, 'HEAD');
  if (!commit || commit === head) throw new GitError(`the revert of ${short(target)} made no commit on branch '${request.branch}'`);
  return {
    branch: request.branch,
    reverted: target,
    previousHead: head,
    commit,
    message: (await work.raw(['log', '-1', '--format=%B', commit])).trimEnd(),
    where,
  };
}

/** A merge commit needs --mainline; anything else must not have it. */
async function checkMainline(repo: SimpleGit, target: string, mainline: number | undefined): Promise<number | undefined> {
  const parents = (await repo.raw(['rev-list', '--parents', '-n', '1', target])).trim().split(/\s+/).slice(1);
  if (parents.length > 1 && mainline === undefined) {
    throw new RevertRefusedError(
      'merge-needs-mainline',
      `commit ${short(target)} is a merge of ${parents.length} parents; say which side to keep with --mainline <n>: --mainline 1 keeps the branch that was merged into (${short(parents[0] ?? '')}) and undoes what the merge brought in`,
      { commit: target, parents },
    );
  }
  if (mainline !== undefined && parents.length <= 1) {
    throw new RevertRefusedError('not-a-merge', `commit ${short(target)} is not a merge commit; --mainline is only for merges`, { commit: target });
  }
  if (mainline !== undefined && (!Number.isInteger(mainline) || mainline < 1 || mainline > parents.length)) {
    throw new RevertRefusedError('invalid-argument', `--mainline must be between 1 and ${parents.length} for merge ${short(target)}`, { commit: target, parents });
  }
  return mainline;
}

async function removeWorktree(repo: SimpleGit, tree: string): Promise<void> {
  try {
    await repo.raw(['worktree', 'remove', '--force', tree]);
  } catch {
    // The folder could not be removed by git: remove it ourselves and let git forget it.
    await rm(tree, { recursive: true, force: true });
    await repo.raw(['worktree', 'prune']).catch(() => undefined);
  }
}

export async function listWorktrees(repo: SimpleGit): Promise<WorktreeEntry[]> {
  const text = await repo.raw(['worktree', 'list', '--porcelain']);
  const entries: WorktreeEntry[] = [];
  for (const block of text.split(/\n\n+/)) {
    const lines = block.split('\n').filter(Boolean);
    const first = lines[0];
    if (!first?.startsWith('worktree ')) continue;
    const field = (name: string) => lines.find((line) => line === name || line.startsWith(`${name} `))?.slice(name.length + 1);
    entries.push({ path: first.slice('worktree '.length), branch: field('branch'), prunable: field('prunable') !== undefined });
  }
  return entries;
}

async function localBranches(repo: SimpleGit): Promise<string[]> {
  return (await repo.raw(['for-each-ref', '--format=%(refname:short)', 'refs/heads/'])).split('\n').filter(Boolean).sort();
}

function short(sha: string): string {
  return sha.slice(0, 12);
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).trim().split('\n')[0] ?? '';
}
