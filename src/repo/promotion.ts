// Promotion is a merge of one branch into another; rollback is a revert of that merge. Git's
// trap: once a merge is reverted, merging the same branch again brings nothing back (its commits
// are already merged), so a reverted promotion keeps its changes out of the branch for good,
// silently. Here a reverted merge is found by the revert's own line (`This reverts commit <sha>`)
// on the branch's first-parent history, and counts as keeping its changes out until the revert
// itself is reverted. Promoting reverts such reverts first (saying so), then merges.
import { execFile } from 'node:child_process';
import { GitError, gitEnvironment } from './git.js';
import { gitAt, isAncestor, resolveCommit } from './history.js';
import { listWorktrees, revertOnBranch } from './revert.js';

/** A merge into the branch whose changes a revert keeps out of it. */
export interface KeptOut {
  merge: string;
  /** The merge's subject (`Merge branch 'staging' into production`). */
  subject: string;
  revert: string;
}

export interface Promotion {
  from: string;
  to: string;
  /** What a pull request from `from` to `to` would contain: commits of `from` not on `to`. */
  commits: { commit: string; subject: string }[];
  /** Reverted promotions of `from` whose changes the promotion brings back. */
  keptOut: KeptOut[];
  /** Reverts of those reverts, committed (empty on a dry run). */
  reapplied: { keptOut: KeptOut; commit: string }[];
  /** The merge commit, when there was something to merge (absent on a dry run). */
  merge?: string;
}

const REVERT_LINE = /This reverts commit ([0-9a-f]{40})/;

/**
 * Merges into `branch` whose changes a revert keeps out, oldest first. With `from`, only merges
 * that brought in commits of `from` (the side merged in is an ancestor of it).
 */
export async function keptOutByReverts(dir: string, branch: string, env: NodeJS.ProcessEnv, from?: string): Promise<KeptOut[]> {
  const repo = gitAt(dir, env);
  const log = await repo.raw(['log', '--first-parent', '--format=%H%x1f%P%x1f%s%x1f%B%x1e', `refs/heads/${branch}`]);
  const commits = log
    .split('\x1e')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [sha = '', parents = '', subject = '', body = ''] = entry.split('\x1f');
      return { sha, parents: parents.split(' ').filter(Boolean), subject, reverts: REVERT_LINE.exec(body)?.[1] };
    });
  const bySha = new Map(commits.map((c) => [c.sha, c]));
  const revertedBy = new Map<string, string>();
  for (const c of commits) if (c.reverts && !revertedBy.has(c.reverts)) revertedBy.set(c.reverts, c.sha);
  const fromHead = from ? await resolveCommit(repo, `refs/heads/${from}`) : undefined;
  const kept: KeptOut[] = [];
  for (const c of [...commits].reverse()) {
    const merge = c.reverts ? bySha.get(c.reverts) : undefined;
    if (!merge || merge.parents.length < 2 || revertedBy.has(c.sha)) continue;
    if (fromHead && !(await isAncestor(repo, merge.parents[1] as string, fromHead))) continue;
    kept.push({ merge: merge.sha, subject: merge.subject, revert: c.sha });
  }
  return kept;
}

export async function promote(options: { dir: string; from: string; to: string; env: NodeJS.ProcessEnv; dryRun?: boolean }): Promise<Promotion> {
  const { dir, from, to, env } = options;
  const repo = gitAt(dir, env);
  for (const branch of [from, to]) {
    if (!(await resolveCommit(repo, `refs/heads/${branch}`))) throw new GitError(`there is no branch '${branch}' in ${dir}`);
  }
  const keptOut = await keptOutByReverts(dir, to, env, from);
  const log = await repo.raw(['log', '--no-merges', '--format=%H%x1f%s', `refs/heads/${to}..refs/heads/${from}`]);
  const commits = log.split('\n').filter(Boolean).map((line) => {
    const [commit = '', subject = ''] = line.split('\x1f');
    return { commit, subject };
  });
  const promotion: Promotion = { from, to, commits, keptOut, reapplied: [] };
  if (options.dryRun) return promotion;
  for (const kept of keptOut) {
    const result = await revertOnBranch({ dir, env, branch: to, commit: kept.revert, message: `Re-apply "${kept.subject}" while promoting ${from}: revert the revert ${kept.revert.slice(0, 12)}` });
    promotion.reapplied.push({ keptOut: kept, commit: result.commit });
  }
  const merge = await mergeOnBranch(dir, env, from, to);
  return merge ? { ...promotion, merge } : promotion;
}

/**
 * Merges `from` into `to` without switching anyone's checkout: in the working tree that has `to`
 * checked out (when it is clean), else by plumbing (merge-tree, commit-tree) and a compare-and-swap
 * of the branch. A conflict changes nothing. Undefined when `to` has everything of `from` already.
 */
async function mergeOnBranch(dir: string, env: NodeJS.ProcessEnv, from: string, to: string): Promise<string | undefined> {
  const repo = gitAt(dir, env);
  const [toHead, fromHead] = await Promise.all([resolveCommit(repo, `refs/heads/${to}`), resolveCommit(repo, `refs/heads/${from}`)]);
  if (!toHead || !fromHead) throw new GitError(`branch '${!toHead ? to : from}' disappeared while promoting`);
  if (await isAncestor(repo, fromHead, toHead)) return undefined;
  const message = `Promote ${from} into ${to}`;
  const holder = (await listWorktrees(repo)).find((tree) => tree.branch === `refs/heads/${to}` && !tree.prunable);
  if (holder) {
    const work = gitAt(holder.path, env);
    const changed = (await work.raw(['status', '--porcelain', '--untracked-files=no'])).trim();
    if (changed !== '') throw new GitError(`branch '${to}' is checked out in ${holder.path}, which has uncommitted changes; commit or stash them and promote again`);
    try {
      await work.raw(['merge', '--no-ff', '--no-edit', '-m', message, fromHead]);
    } catch (error) {
      await work.raw(['merge', '--abort']).catch(() => undefined);
      throw new GitError(`merging ${from} into ${to} conflicts; nothing was changed: ${(error as Error).message.split('\n')[0]}`, { cause: error });
    }
    return (await resolveCommit(repo, `refs/heads/${to}`)) as string;
  }
  // Exit status 1 with the conflicted files listed: read the status itself, not just the output.
  const merged = await new Promise<{ code: number; stdout: string }>((resolve) =>
    execFile('git', ['-C', dir, 'merge-tree', '--write-tree', '--name-only', '--no-messages', toHead, fromHead], { env: gitEnvironment(env) }, (error, stdout) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 2) : 0, stdout }),
    ),
  );
  const [tree = '', ...conflicted] = merged.stdout.trim().split('\n');
  if (merged.code !== 0) throw new GitError(`merging ${from} into ${to} conflicts in ${conflicted.filter(Boolean).join(', ') || 'some files'}; nothing was changed`);
  const commit = (await repo.raw(['commit-tree', tree, '-p', toHead, '-p', fromHead, '-m', message])).trim();
  try {
    await repo.raw(['update-ref', '-m', message, `refs/heads/${to}`, commit, toHead]);
  } catch (error) {
    throw new GitError(`branch '${to}' moved while promoting; nothing was lost, promote again`, { cause: error });
  }
  return commit;
}
