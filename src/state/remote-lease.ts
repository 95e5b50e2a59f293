// A lease held in the state repository's remote: a ref pointing at a commit (on an empty tree)
// whose message names the holder and when it last renewed. The remote is the one place every
// machine working on the repository shares, so it is where they agree on who does what: the apply
// lock of a destination (remote-lock.ts) and the replicas' leases (daemon/replicas.ts) are leases.
//
// - Taking one is atomic: the ref is pushed with `--force-with-lease=<ref>:` (it must not exist),
//   or over a stale holder with the lease naming exactly the commit seen, so two takers cannot
//   both succeed.
// - The holder renews it (a new commit, leased on its last one); one not renewed for its time to
//   live is stale and may be taken over. One held on this host is stale at once when its process
//   is gone (or is another process under the same pid: see lock.ts).
// - A renewal that finds the ref moved means someone took it over: LeaseLostError.
// - Release deletes the ref, leased on the holder's own last commit: never someone else's lease.
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { hostname } from 'node:os';
import type { SimpleGit } from 'simple-git';
import { remoteGit } from '../repo/git.js';
import { isAlive, processIdentity } from './lock.js';
import type { LockHolder, ProcessIdentity } from './lock.js';

export const REMOTE = 'origin';

/** What a lease's commit says. */
export interface LeaseHolder extends LockHolder, ProcessIdentity {
  token: string;
  renewedAt: string;
  ttlMs: number;
}

export interface RemoteLease {
  readonly ref: string;
  /** Renews it; throws LeaseLostError when another holder took it over meanwhile. */
  renew(): Promise<void>;
  /** Gives it up (nothing happens when it is someone else's by now). */
  release(): Promise<void>;
}

/** The ref moved under the holder: the lease is someone else's now. */
export class LeaseLostError extends Error {}

export interface LeaseOptions {
  ttlMs: number;
  now?: () => Date;
}

/** Answers of hasOrigin by repository, with the state of its config file when asked. */
const origins = new Map<string, { config: string; has: boolean }>();

/**
 * Whether the repository has an `origin` remote. Asked before every apply and every record
 * written (a daemon with many destinations asks often), git is run again only when the
 * repository's config file changed since the last answer (a linked worktree or a bare
 * repository, whose config is elsewhere, asks git every time).
 */
export async function hasOrigin(repo: string): Promise<boolean> {
  const config = await stat(path.join(repo, '.git', 'config')).then((file) => `${file.ino}:${file.size}:${file.mtimeMs}`).catch(() => undefined);
  const known = origins.get(repo);
  if (config !== undefined && known?.config === config) return known.has;
  const has = (await remoteGit(repo).getRemotes()).some((remote) => remote.name === REMOTE);
  if (config !== undefined) origins.set(repo, { config, has });
  return has;
}

/**
 * Takes the lease at `ref` in `origin` when nobody holds it or its holder is stale; otherwise
 * answers who holds it (undefined when the ref was taken in between by someone not yet readable).
 * Throws when the remote cannot be reached or refuses the push for another reason.
 */
export async function takeRemoteLease(repo: string, ref: string, options: LeaseOptions): Promise<{ lease: RemoteLease } | { heldBy: LockHolder }> {
  const git = remoteGit(repo);
  const now = options.now ?? (() => new Date());
  const record: LeaseHolder = { pid: process.pid, host: hostname(), since: now().toISOString(), token: randomUUID(), renewedAt: now().toISOString(), ttlMs: options.ttlMs, ...processIdentity(process.pid) };
  const seen = await remoteHead(git, ref);
  if (seen) {
    const holder = await readHolder(git, ref, seen);
    if (holder && isLeaseLive(holder, now())) return { heldBy: holder };
  }
  let current: string;
  try {
    current = await push(git, ref, await leaseCommit(git, record), seen ?? '');
  } catch (error) {
    if (!(error instanceof LeaseLostError)) throw error;
    return { heldBy: (await currentHolder(git, ref)) ?? { pid: 0, host: 'another holder', since: now().toISOString() } };
  }
  return { lease: new HeldLease(git, ref, record, current, now) };
}

/** A lease this process holds: its ref, what it says, and the commit it points at now. */
class HeldLease implements RemoteLease {
  released = false;

  constructor(
    readonly git: SimpleGit,
    readonly ref: string,
    readonly record: LeaseHolder,
    public current: string,
    readonly now: () => Date,
  ) {}

  /** The next commit of a renewal: the same holder, renewed now, on the last one. */
  renewal(): Promise<string> {
    return leaseCommit(this.git, { ...this.record, renewedAt: this.now().toISOString() }, this.current);
  }

  async renew(): Promise<void> {
    if (this.released) return;
    this.current = await push(this.git, this.ref, await this.renewal(), this.current);
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    // Leased on our own last commit: a lease someone took over is not ours to delete.
    await this.git.raw(['push', '--no-verify', '--quiet', REMOTE, `--force-with-lease=${this.ref}:${this.current}`, `:${this.ref}`]).catch(() => undefined);
  }
}

/**
 * Renews several leases of one repository with one push (each ref leased on its own last commit)
 * and one listing; answers those another holder took over. A lease whose ref did not move is kept
 * (the push failed for another reason: tried again at the next renewal).
 */
export async function renewRemoteLeases(repo: string, leases: RemoteLease[]): Promise<RemoteLease[]> {
  const held = leases.filter((lease): lease is HeldLease => lease instanceof HeldLease && !lease.released);
  if (held.length === 0) return [];
  const git = remoteGit(repo);
  const next = await Promise.all(held.map((lease) => lease.renewal()));
  const refspecs = held.flatMap((lease, i) => [`--force-with-lease=${lease.ref}:${lease.current}`, `${next[i]}:${lease.ref}`]);
  // Not atomic: each ref is updated or refused on its own; the listing says which.
  await git.raw(['push', '--no-verify', '--quiet', REMOTE, ...refspecs.filter((a) => a.startsWith('--')), ...refspecs.filter((a) => !a.startsWith('--'))]).catch(() => undefined);
  const heads = new Map<string, string>();
  for (const line of (await git.raw(['ls-remote', REMOTE, ...held.map((lease) => lease.ref)])).split('\n')) {
    const [sha, ref] = line.trim().split(/\s+/);
    if (sha && ref) heads.set(ref, sha);
  }
  const lost: RemoteLease[] = [];
  held.forEach((lease, i) => {
    const head = heads.get(lease.ref);
    if (head !== undefined && head === next[i]) lease.current = head;
    else if (head !== lease.current) lost.push(lease);
  });
  return lost;
}

/**
 * Every lease under `prefix` (a ref folder ending in '/') as the remote has it now, with what its
 * commit says (undefined: not a lease octosync wrote). One listing, and one fetch of the commits
 * not in `seen` (commit → what it says; kept by the caller between reads), whatever the count.
 */
export async function readRemoteLeases(repo: string, prefix: string, seen = new Map<string, LeaseHolder | undefined>()): Promise<Map<string, LeaseHolder | undefined>> {
  const git = remoteGit(repo);
  const heads = new Map<string, string>();
  for (const line of (await git.raw(['ls-remote', REMOTE, `${prefix}*`])).split('\n')) {
    const [sha, ref] = line.trim().split(/\s+/);
    if (sha && ref) heads.set(ref, sha);
  }
  const unseen = [...new Set(heads.values())].filter((sha) => !seen.has(sha));
  if (unseen.length > 0) {
    await git.raw(['fetch', '--quiet', '--no-tags', REMOTE, `+${prefix}*:${prefix}*`]);
    const messages = await git.raw(['log', '--no-walk=unsorted', '--format=%H%x1f%B%x1e', ...unseen]);
    for (const entry of messages.split('\x1e')) {
      const [sha, message] = entry.trim().split('\x1f');
      if (sha && message !== undefined) seen.set(sha, parseHolder(message));
    }
  }
  const leases = new Map<string, LeaseHolder | undefined>();
  for (const [ref, sha] of heads) leases.set(ref, seen.get(sha));
  return leases;
}

/** Whether a lease's holder still counts: renewed within its time to live, and (on this host) still running. */
export function isLeaseLive(holder: LeaseHolder, now: Date): boolean {
  if (!isAlive(holder)) return false;
  return now.getTime() - Date.parse(holder.renewedAt) <= holder.ttlMs;
}

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
    // The lease did not hold (or a concurrent push won the ref): someone else's now.
    if (/stale info|rejected|already exists|fetch first|cannot lock ref|failed to update ref/i.test(String(error))) throw new LeaseLostError(firstLine(error));
    throw error;
  }
  // A push that printed nothing may still have failed: the remote says what the ref is now.
  if ((await remoteHead(git, ref)) !== commit) throw new LeaseLostError('the lease ref moved');
  return commit;
}

/** A commit holding `record` as its message, on an empty tree (it holds no files). */
async function leaseCommit(git: SimpleGit, record: LeaseHolder, parent?: string): Promise<string> {
  const emptyTree = (await git.raw(['hash-object', '-t', 'tree', '-w', '/dev/null'])).trim();
  return (await git.raw(['commit-tree', emptyTree, ...(parent ? ['-p', parent] : []), '-m', JSON.stringify(record)])).trim();
}

async function readHolder(git: SimpleGit, ref: string, sha: string): Promise<LeaseHolder | undefined> {
  await git.raw(['fetch', '--quiet', '--no-tags', REMOTE, `+${ref}:${ref}`]);
  return parseHolder(await git.raw(['log', '-1', '--format=%B', sha]));
}

function parseHolder(message: string): LeaseHolder | undefined {
  try {
    const value = JSON.parse(message) as Partial<LeaseHolder>;
    if (typeof value.pid !== 'number' || typeof value.host !== 'string' || typeof value.renewedAt !== 'string' || typeof value.ttlMs !== 'number') return undefined;
    return value as LeaseHolder;
  } catch {
    return undefined; // not a lease octosync wrote: stale (nobody renews it)
  }
}

async function currentHolder(git: SimpleGit, ref: string): Promise<LockHolder | undefined> {
  const sha = await remoteHead(git, ref).catch(() => undefined);
  return sha ? readHolder(git, ref, sha).catch(() => undefined) : undefined;
}

export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).trim().split('\n')[0] ?? '';
}
