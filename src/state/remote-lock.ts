// One apply per destination across machines: a lock held in the state repository's remote, as
// a ref (`refs/octosync/locks/<destination>`) pointing at a commit whose message names the holder.
// Every applier of a destination reads its branch from that remote, so it is the one place they
// all share; the local lock file (lock.ts) still keeps two processes of one machine apart, and a
// repository without an `origin` has only that.
//
// - Taking it is atomic: the ref is pushed with `--force-with-lease=<ref>:` (it must not exist),
//   or over a stale holder with the lease naming exactly the commit seen, so two takers cannot
//   both succeed.
// - The holder renews it (a new commit, leased on its last one) every `renewMs`; a lock not
//   renewed for `ttlMs` is stale and taken over. One held on this host is stale at once when its
//   process is gone (or is another process under the same pid: see lock.ts).
// - A holder that fails to renew because someone took the lock over is told (`onLost`), and apply
//   stops writing.
// - Release deletes the ref, leased on the holder's own last commit: never someone else's lock.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { SimpleGit } from 'simple-git';
import { remoteGit } from '../repo/git.js';
import { LockedError, isAlive, processIdentity } from './lock.js';
import type { Lock, LockHolder, ProcessIdentity } from './lock.js';

export interface RemoteLockOptions {
  /** A lock not renewed for this long is stale (default 5 minutes: generous for clock skew). */
  ttlMs?: number;
  /** How often the holder renews it (default a fifth of `ttlMs`). */
  renewMs?: number;
  /** Called when a renewal finds the lock taken over: the holder must stop. */
  onLost?: (error: Error) => void;
  now?: () => Date;
}

interface RemoteHolder extends LockHolder, ProcessIdentity {
  token: string;
  renewedAt: string;
  ttlMs: number;
}

const DEFAULT_TTL_MS = 5 * 60_000;
const REMOTE = 'origin';

export function remoteLockRef(destination: string): string {
  return `refs/octosync/locks/${destination}`;
}

/**
 * Takes the destination's lock in the repository's `origin`; undefined when there is no `origin`
 * (a local repository: the lock file is the lock). Throws LockedError while another holds it.
 */
export async function acquireRemoteLock(repo: string, destination: string, options: RemoteLockOptions = {}): Promise<Lock | undefined> {
  const git = remoteGit(repo);
  const remotes = await git.getRemotes();
  if (!remotes.some((remote) => remote.name === REMOTE)) return undefined;
  const ref = remoteLockRef(destination);
  const now = options.now ?? (() => new Date());
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  const record: RemoteHolder = { pid: process.pid, host: hostname(), since: now().toISOString(), token: randomUUID(), renewedAt: now().toISOString(), ttlMs, ...processIdentity(process.pid) };

  let current: string;
  try {
    const seen = await remoteHead(git, ref);
    if (seen) {
      const holder = await readHolder(git, ref, seen);
      if (holder && !isStale(holder, now())) throw new LockedError(destination, holder);
    }
    current = await push(git, ref, await lockCommit(git, record), seen ?? '');
  } catch (error) {
    if (error instanceof LockedError) throw error;
    if (error instanceof LeaseError) throw new LockedError(destination, (await currentHolder(git, ref)) ?? unknownHolder(now()));
    throw new Error(`could not take the apply lock of destination '${destination}' in the state repository's ${REMOTE} (${ref}): ${firstLine(error)}`, { cause: error });
  }

  let released = false;
  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    renewing = renewing.then(async () => {
      if (released) return;
      try {
        current = await push(git, ref, await lockCommit(git, { ...record, renewedAt: now().toISOString() }, current), current);
      } catch (error) {
        clearInterval(timer);
        const lost = error instanceof LeaseError;
        options.onLost?.(new Error(`the apply lock of destination '${destination}' in ${REMOTE} ${lost ? 'was taken over by another applier' : `could not be renewed: ${firstLine(error)}`}`));
      }
    });
  }, options.renewMs ?? Math.floor(ttlMs / 5));
  timer.unref();

  return {
    release: async () => {
      if (released) return;
      released = true;
      clearInterval(timer);
      await renewing;
      // Leased on our own last commit: a lock someone took over is not ours to delete.
      await git.raw(['push', '--no-verify', '--quiet', REMOTE, `--force-with-lease=${ref}:${current}`, `:${ref}`]).catch(() => undefined);
    },
  };
}

class LeaseError extends Error {}

/** The commit the remote's ref points at, or undefined. */
async function remoteHead(git: SimpleGit, ref: string): Promise<string | undefined> {
  const line = (await git.raw(['ls-remote', REMOTE, ref])).trim().split('\n')[0] ?? '';
  const sha = line.split(/\s+/)[0];
  return sha ? sha : undefined;
}

/** Pushes `commit` to `ref` if the remote's ref is still `expected` ('' for absent); returns the commit. */
async function push(git: SimpleGit, ref: string, commit: string, expected: string): Promise<string> {
  try {
    await git.raw(['push', '--no-verify', '--quiet', REMOTE, `--force-with-lease=${ref}:${expected}`, `${commit}:${ref}`]);
  } catch (error) {
    // The lease did not hold (or a concurrent push won the ref): someone else's lock now.
    if (/stale info|rejected|already exists|fetch first|cannot lock ref|failed to update ref/i.test(String(error))) throw new LeaseError(firstLine(error));
    throw error;
  }
  // A push that printed nothing may still have failed: the remote says what the ref is now.
  if ((await remoteHead(git, ref)) !== commit) throw new LeaseError('the lock ref moved');
  return commit;
}

/** A commit holding `record` as its message, on an empty tree (it holds no files). */
async function lockCommit(git: SimpleGit, record: RemoteHolder, parent?: string): Promise<string> {
  const emptyTree = (await git.raw(['hash-object', '-t', 'tree', '-w', '/dev/null'])).trim();
  return (await git.raw(['commit-tree', emptyTree, ...(parent ? ['-p', parent] : []), '-m', JSON.stringify(record)])).trim();
}

async function readHolder(git: SimpleGit, ref: string, sha: string): Promise<RemoteHolder | undefined> {
  await git.raw(['fetch', '--quiet', '--no-tags', REMOTE, `+${ref}:${ref}`]);
  const message = await git.raw(['log', '-1', '--format=%B', sha]);
  try {
    const value = JSON.parse(message) as Partial<RemoteHolder>;
    if (typeof value.pid !== 'number' || typeof value.host !== 'string' || typeof value.renewedAt !== 'string' || typeof value.ttlMs !== 'number') return undefined;
    return value as RemoteHolder;
  } catch {
    return undefined; // not a lock octosync wrote: stale (nobody renews it)
  }
}

async function currentHolder(git: SimpleGit, ref: string): Promise<LockHolder | undefined> {
  const sha = await remoteHead(git, ref).catch(() => undefined);
  return sha ? readHolder(git, ref, sha).catch(() => undefined) : undefined;
}

function isStale(holder: RemoteHolder, now: Date): boolean {
  if (holder.host === hostname() && !isAlive(holder)) return true;
  return now.getTime() - Date.parse(holder.renewedAt) > holder.ttlMs;
}

function unknownHolder(now: Date): LockHolder {
  return { pid: 0, host: 'another applier', since: now.toISOString() };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).trim().split('\n')[0] ?? '';
}
