// `octosync revert`: rolls a destination back by reverting a commit on the branch it follows,
// for people without a Git client at hand; the daemon (or `apply`) then applies the new commit.
// The Git work, and where it happens so the user's working tree is left alone, is in
// repo/revert.ts; here refusals become OctosyncErrors and the result names who will apply it.
import { GitError } from '../repo/git.js';
import type { RevertResult } from '../repo/revert.js';
import { RevertRefusedError, revertOnBranch } from '../repo/revert.js';
import { OctosyncError } from './errors.js';
import { runStatus } from './status.js';

export interface RevertOptions {
  repo: string;
  commit: string;
  branch: string;
  message?: string;
  /** For a merge commit: the parent (1-based) whose side is kept. */
  mainline?: number;
  env: NodeJS.ProcessEnv;
}

export interface RevertOutcome extends RevertResult {
  /** Destinations (in the working tree) that follow the branch, and how each gets the revert. */
  followers: { name: string; sync: 'auto' | 'manual' }[];
}

export async function runRevert(options: RevertOptions): Promise<RevertOutcome> {
  let result: RevertResult;
  try {
    result = await revertOnBranch({ dir: options.repo, commit: options.commit, branch: options.branch, message: options.message, mainline: options.mainline, env: options.env });
  } catch (error) {
    if (error instanceof RevertRefusedError) {
      throw new OctosyncError('repo-invalid', `nothing was reverted: ${error.message}`, { reason: error.reason, ...error.data }, { cause: error });
    }
    if (error instanceof GitError) throw new OctosyncError('repo-invalid', `nothing was reverted: ${error.message}`, { branch: options.branch, commit: options.commit }, { cause: error });
    throw error;
  }
  return { ...result, followers: await followersOf(options.repo, options.branch, options.env) };
}

/** Best effort: the revert is made whatever the destination files say. */
async function followersOf(repo: string, branch: string, env: NodeJS.ProcessEnv): Promise<RevertOutcome['followers']> {
  try {
    const report = await runStatus({ repo, env });
    return report.destinations.filter((d) => d.branch === branch).map((d) => ({ name: d.name, sync: d.policy.sync }));
  } catch {
    return [];
  }
}
