// A Git hosting service for version-controlled projects: repositories by URL, each with
// branches pointing at commits, each commit a full tree of files. Real Octopus servers clone the
// project's repository from a Git host both servers can reach, so two simulators given the same
// host (by default, every simulator of a process) see the same repositories, as two real
// servers pointed at one repository do. Files hold JSON documents rather than OCL text: what a
// file says matters here, not its syntax.
import { createHash } from 'node:crypto';

export type GitFiles = Record<string, unknown>;

export interface GitCommit {
  Id: string;
  Message: string;
  Parent: string | null;
  Author: string;
  Date: string;
  files: GitFiles;
}

export class GitRepository {
  readonly branches = new Map<string, string>();
  readonly commits = new Map<string, GitCommit>();

  constructor(readonly url: string) {}

  /**
   * The commit a ref names: a branch (`main` or `refs/heads/main`) or a commit hash (in full or
   * its first 7 or more characters). `branch` is set when the ref is a branch.
   */
  resolve(ref: string): { commit: GitCommit; branch?: string } | undefined {
    const name = branchName(ref);
    const head = this.branches.get(name);
    if (head !== undefined) return { commit: this.commits.get(head)!, branch: name };
    const wanted = ref.toLowerCase();
    if (wanted.length < 7) return undefined;
    for (const commit of this.commits.values()) if (commit.Id.startsWith(wanted)) return { commit };
    return undefined;
  }

  /**
   * Commits changed files on a branch (made from `from`, or empty, when it does not exist). A
   * file changed to `undefined` is removed.
   */
  commit(branch: string, changes: GitFiles, message: string, author: string, date: Date, from?: string): GitCommit {
    const name = branchName(branch);
    const parentId = this.branches.get(name) ?? (from === undefined ? undefined : this.branches.get(branchName(from)));
    const parent = parentId === undefined ? undefined : this.commits.get(parentId);
    const files: GitFiles = { ...(parent?.files ?? {}), ...structuredClone(changes) };
    for (const [file, content] of Object.entries(files)) if (content === undefined) delete files[file];
    const id = createHash('sha1').update(`${this.url}\n${parentId ?? ''}\n${message}\n${date.toISOString()}\n${JSON.stringify(files)}\n${this.commits.size}`).digest('hex');
    const commit: GitCommit = { Id: id, Message: message, Parent: parentId ?? null, Author: author, Date: date.toISOString(), files };
    this.commits.set(id, commit);
    this.branches.set(name, id);
    return commit;
  }
}

export class GitHost {
  private readonly repositories = new Map<string, GitRepository>();

  /** The repository at a URL; every URL names one (an empty one until something is pushed). */
  repository(url: string): GitRepository {
    const key = url.trim().toLowerCase();
    let repository = this.repositories.get(key);
    if (!repository) this.repositories.set(key, (repository = new GitRepository(url.trim())));
    return repository;
  }
}

/** The Git host every simulator of this process shares unless it is given its own. */
export const sharedGitHost = new GitHost();

/** `refs/heads/main` → `main`. */
export function branchName(ref: string): string {
  return ref.replace(/^refs\/heads\//i, '');
}
