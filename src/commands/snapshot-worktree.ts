// Where a snapshot commits without switching anyone's checkout. The user's working tree is used
// only when it already has the source branch checked out (or the repository is new); otherwise a
// worktree detached at the branch, under the state directory, takes the commit, and the branch is
// moved to it with a compare-and-swap (`git update-ref <branch> <new> <old>`): a snapshot beside
// a running daemon (which snapshots the same way) never overwrites the other's commit, and a
// branch checked out in another worktree is never needed.
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { GitError, currentBranch, headCommit, openRepository } from '../repo/git.js';
import { ensureStateDir } from '../state/state-dir.js';

export interface SnapshotPlace {
  repo: string;
  stateDir: string;
  branch: string;
  /** Never the user's working tree (a clone without a checkout). */
  ownWorktree?: boolean;
  /** Keep the worktree for the next snapshot under this name (the daemon's); default: a temporary one. */
  keep?: string;
}

/**
 * Runs `snapshot` in a working tree for `branch`: `detached` tells it not to check the branch out
 * (the worktree is at its head already). A commit it returns ends up on the branch.
 */
export async function inSnapshotWorktree<T extends { commit?: string }>(place: SnapshotPlace, snapshot: (dir: string, detached: boolean) => Promise<T>): Promise<T> {
  if (!existsSync(path.join(place.repo, '.git'))) return snapshot(place.repo, false);
  const repo = await openRepository(place.repo);
  const head = await headCommit(repo);
  if (head === undefined || (!place.ownWorktree && (await currentBranch(repo)) === place.branch)) return snapshot(place.repo, false);
  const existing = (await repo.raw(['rev-parse', '--verify', '--quiet', `refs/heads/${place.branch}`]).catch(() => '')).trim() || undefined;
  // A new branch starts where the repository is, as `git switch -c` would.
  const base = existing ?? head;
  await ensureStateDir(place.stateDir, 'worktrees');
  const dir = path.join(place.stateDir, 'worktrees', place.keep ?? `snapshot-${randomUUID().slice(0, 8)}`);
  if (existsSync(path.join(dir, '.git'))) {
    const tree = await openRepository(dir);
    await tree.raw(['checkout', '--force', '--detach', base]);
    await tree.raw(['clean', '-fdq']);
  } else {
    await repo.raw(['worktree', 'prune']);
    await repo.raw(['worktree', 'add', '--detach', dir, base]);
  }
  try {
    const result = await snapshot(dir, true);
    if (result.commit) {
      try {
        await repo.raw(['update-ref', '-m', 'octosync snapshot', `refs/heads/${place.branch}`, result.commit, existing ?? '0'.repeat(40)]);
      } catch (error) {
        throw new GitError(`branch '${place.branch}' moved while the snapshot was taken (another snapshot committed first); nothing was lost, run the snapshot again`, { cause: error });
      }
    }
    return result;
  } finally {
    if (!place.keep) await repo.raw(['worktree', 'remove', '--force', dir]).catch(() => undefined);
  }
}
