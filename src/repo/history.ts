// Read-only questions about a repository's history: which commit a ref names, how two commits
// relate. Answers are values; a missing ref or a folder that is not a repository is `undefined`.
import { existsSync } from 'node:fs';
import { simpleGit } from 'simple-git';
import type { SimpleGit } from 'simple-git';
import { gitEnvironment } from './git.js';


/** Whether `dir` exists and is inside a Git repository. */
export async function isGitRepository(dir: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  return existsSync(dir) && (await gitOutput(gitAt(dir, env), ['rev-parse', '--git-dir'])) !== undefined;
}

/** The full sha `ref` names as a commit, or undefined. */
export async function resolveCommit(repo: SimpleGit, ref: string): Promise<string | undefined> {
  const sha = (await gitOutput(repo, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]))?.trim();
  return sha ? sha : undefined;
}

/** Whether `ancestor` is `descendant` or one of its ancestors. */
export async function isAncestor(repo: SimpleGit, ancestor: string, descendant: string): Promise<boolean> {
  // `merge-base --is-ancestor` answers by exit code alone, which simple-git does not report.
  const base = (await gitOutput(repo, ['merge-base', ancestor, descendant]))?.trim();
  return base === ancestor;
}

export interface CommitDistance {
  /** Commits reachable from `to` and not from `from`. */
  ahead: number;
  /** Commits reachable from `from` and not from `to`. */
  behind: number;
}

/** How `to` relates to `from`, or undefined when either is not a commit of the repository. */
export async function commitDistance(dir: string, from: string, to: string, env: NodeJS.ProcessEnv): Promise<CommitDistance | undefined> {
  const repo = gitAt(dir, env);
  const [a, b] = [await resolveCommit(repo, from), await resolveCommit(repo, to)];
  if (!a || !b) return undefined;
  const counts = (await gitOutput(repo, ['rev-list', '--left-right', '--count', `${a}...${b}`]))?.trim().split(/\s+/).map(Number);
  if (counts?.length !== 2 || counts.some((n) => !Number.isInteger(n))) return undefined;
  return { behind: counts[0] as number, ahead: counts[1] as number };
}

export interface CommitInfo {
  commit: string;
  subject: string;
  /** Committer date, ISO 8601. */
  at: string;
}

/** The commit a ref (branch, tag, sha) names, with its subject and date; undefined if none. */
export async function readCommitInfo(dir: string, ref: string, env: NodeJS.ProcessEnv): Promise<CommitInfo | undefined> {
  const repo = gitAt(dir, env);
  const commit = await resolveCommit(repo, ref);
  if (!commit) return undefined;
  const [at = '', ...subject] = (await repo.raw(['log', '-1', '--format=%cI%n%s', commit])).trimEnd().split('\n');
  return { commit, subject: subject.join('\n'), at };
}

/** simple-git at a folder, with the environment git needs (see gitEnvironment). */
export function gitAt(dir: string, env: NodeJS.ProcessEnv): SimpleGit {
  return simpleGit({ baseDir: dir }).env(gitEnvironment(env));
}

/** Output of a git command, or undefined when it fails (a missing ref, not a repository). */
export async function gitOutput(repo: SimpleGit, args: string[]): Promise<string | undefined> {
  try {
    return await repo.raw(args);
  } catch {
    return undefined;
  }
}
