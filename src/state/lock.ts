// One apply per destination at a time, across processes, with a lock file. A lock left by a
// process that no longer runs (on this host) is taken over; a lock held on another host never is.
//
// The races this avoids:
// - The lock file never exists half-written: the holder (with a token only this acquisition knows)
//   is written to a temporary file of its own first, which is then hard-linked to the lock's name.
//   link() fails with EEXIST when the lock is held, so taking it is atomic and whoever can read it
//   reads all of it.
// - Only a lock seen to be stale is ever removed, never by name after a look (read → rm deletes
//   a fresh lock made in between). Takers take turns, with a second lock file (the takeover guard,
//   made the same way): under it, a taker checks that the lock file is still the stale lock it saw
//   (same file, same content) and renames it to a name of its own before deleting it. Renaming
//   alone is not enough: a taker that saw the stale lock late moves aside a fresh lock another
//   taker made meanwhile, and while it puts it back a third process can lock the vacant name —
//   two holders, which the stress test shows happens often with six competitors.
// - A lock that cannot be read is someone's until it is old: it is stale only after
//   UNREADABLE_STALE_MS (since link() it cannot be empty, but a crash of an older version could
//   have left one so).
// - release() removes the lock only while it still holds its own token.
// What remains: a takeover guard left by a crashed taker is stale after GUARD_STALE_MS (or at once
// when its pid is gone); it is removed by a look and an unlink, never moved aside and put back (a
// guard put back after its owner released it would stay and stall takeovers). If it was replaced
// in that instant, two takers may both think they hold the guard; each still removes the lock only
// when it is the stale lock it saw, so a fresh lock is never removed.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, open, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ensureStateDir } from './state-dir.js';

export class LockedError extends Error {
  constructor(
    readonly destination: string,
    readonly holder: LockHolder,
  ) {
    super(`destination '${destination}' is being applied by process ${holder.pid} on ${holder.host} since ${holder.since}`);
    this.name = 'LockedError';
  }
}

export interface LockHolder {
  pid: number;
  host: string;
  since: string;
}

/**
 * What tells the holding process apart from a later one with the same pid on the same host: a
 * container restarted keeps its hostname and runs node as PID 1 again, and a rebooted host reuses
 * pids. Linux only (from /proc); elsewhere a live pid is taken for the holder.
 */
export interface ProcessIdentity {
  /** The process's start time, in clock ticks since boot (/proc/<pid>/stat, field 22). */
  startTime?: number;
  /** The kernel's boot id: another value means the host rebooted since. */
  bootId?: string;
}

export interface Lock {
  release(): Promise<void>;
}

/** An unreadable lock file (not JSON, not a holder) is stale once it has not changed for this long. */
const UNREADABLE_STALE_MS = 30_000;
/** A takeover guard is held for milliseconds; one this old was left by a taker that stopped. */
const GUARD_STALE_MS = 10_000;
/** How long, and how many times, to try linking while the lock vanishes or is taken over by others. */
const ACQUIRE_BUDGET_MS = 2_000;
const MAX_ATTEMPTS = 50;

/** What a lock file holds: the holder, and a token only this acquisition knows. */
interface LockRecord extends LockHolder, ProcessIdentity {
  token: string;
}

/** A lock file as read: the file (device and inode), when it was last written, and what it says. */
interface SeenLock {
  dev: number;
  ino: number;
  mtimeMs: number;
  content: string;
  holder?: LockHolder & ProcessIdentity & { token?: string };
}

export async function acquireLock(stateDir: string, destination: string, now: () => Date = () => new Date()): Promise<Lock> {
  const file = path.join(await ensureStateDir(stateDir, 'destinations', destination), 'apply.lock');
  const token = randomUUID();
  const taken = await take(file, { pid: process.pid, host: hostname(), since: now().toISOString(), token, ...processIdentity(process.pid) });
  if (taken === true) return { release: () => release(file, token) };
  if (taken) throw new LockedError(destination, holderOf(taken));
  throw new Error(`could not lock destination '${destination}' (${file})`);
}

/**
 * Links `record` to `file`, taking over a stale lock found there. True when it holds the lock; the
 * live lock in the way otherwise (the last one seen, when others kept taking it over), or undefined.
 */
async function take(file: string, record: LockRecord): Promise<true | SeenLock | undefined> {
  const temp = `${file}.${record.token}.new`;
  const deadline = Date.now() + ACQUIRE_BUDGET_MS;
  try {
    await writeFile(temp, JSON.stringify(record), { flag: 'wx' });
    let last: SeenLock | undefined;
    for (let attempt = 0; attempt < MAX_ATTEMPTS && (attempt < 2 || Date.now() < deadline); attempt += 1) {
      if (await linkUnlessExists(temp, file)) return true;
      const seen = await inspect(file);
      if (!seen) continue; // released in the meantime
      last = seen;
      if (!isStale(seen)) return seen;
      if (!(await underTakeoverGuard(file, () => removeIfStill(file, seen)))) {
        await delay(5 + Math.floor(Math.random() * 10)); // another taker is at it
      }
    }
    return last;
  } finally {
    await unlinkIfPresent(temp).catch(() => undefined); // a leftover is harmless: never the lock's name
  }
}

/**
 * Runs `fn` holding the takeover guard of `file`; false when another taker holds it (a guard left
 * by a taker that stopped is removed, for the next try).
 */
async function underTakeoverGuard(file: string, fn: () => Promise<void>): Promise<boolean> {
  const guard = `${file}.takeover`;
  const token = randomUUID();
  const temp = `${guard}.${token}.new`;
  try {
    await writeFile(temp, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString(), token, ...processIdentity(process.pid) }), { flag: 'wx' });
    if (!(await linkUnlessExists(temp, guard))) {
      const seen = await inspect(guard);
      if (seen && isGuardStale(seen)) await removeGuardIfStill(guard, seen);
      return false;
    }
  } finally {
    await unlinkIfPresent(temp).catch(() => undefined);
  }
  try {
    await fn();
    return true;
  } finally {
    await release(guard, token);
  }
}

/**
 * Removes a stale takeover guard if it is still the one seen. Never moved aside and put back (as
 * locks are): a live guard put back after its owner released it would stay behind and stall
 * takeovers. Deleting one that was replaced in the instant between the look and the unlink lets
 * two takers think they hold the guard; each still removes the lock only if it is the stale one
 * it saw (removeIfStill), so a fresh lock is never removed.
 */
async function removeGuardIfStill(guard: string, seen: SeenLock): Promise<void> {
  const current = await inspect(guard);
  if (current && sameLock(current, seen)) await unlinkIfPresent(guard);
}

/** Links `from` to `to`; false when `to` exists. */
async function linkUnlessExists(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Removes `file` if it is still the stale `seen`: moves it to a name of this process's own and
 * deletes it if what it moved is `seen`. Otherwise (another taker replaced it between the look and
 * the move, which the takeover guard rules out for locks) it goes back, unless the name is taken
 * again by now.
 */
async function removeIfStill(file: string, seen: SeenLock): Promise<void> {
  const current = await inspect(file);
  if (!current || !sameLock(current, seen)) return; // taken over or released: look again
  const aside = `${file}.${randomUUID()}.stale`;
  try {
    await rename(file, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  let moved: SeenLock | undefined;
  try {
    moved = await inspect(aside);
  } catch (error) {
    await linkUnlessExists(aside, file).catch(() => false); // unverifiable: not ours to delete
    await unlinkIfPresent(aside);
    throw error;
  }
  if (moved && !sameLock(moved, seen)) await linkUnlessExists(aside, file);
  await unlinkIfPresent(aside);
}

/** Removes the lock file if it is this acquisition's (by token): not a lock another holder took over. */
async function release(file: string, token: string): Promise<void> {
  const seen = await inspect(file);
  if (seen?.holder?.token === token) await unlinkIfPresent(file);
}

/** The lock file's identity and content, read through one handle; undefined if there is none. */
async function inspect(file: string): Promise<SeenLock | undefined> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const stats = await handle.stat();
    const content = await handle.readFile('utf8');
    return { dev: stats.dev, ino: stats.ino, mtimeMs: stats.mtimeMs, content, holder: parseHolder(content) };
  } finally {
    await handle.close();
  }
}

function parseHolder(content: string): (LockHolder & ProcessIdentity & { token?: string }) | undefined {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { pid, host, since, token, startTime, bootId } = value as Record<string, unknown>;
  // pid 0 and negative pids name process groups, which kill(pid, 0) would find alive forever.
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0 || typeof host !== 'string' || typeof since !== 'string') return undefined;
  return {
    pid,
    host,
    since,
    ...(typeof token === 'string' ? { token } : {}),
    ...(typeof startTime === 'number' ? { startTime } : {}),
    ...(typeof bootId === 'string' ? { bootId } : {}),
  };
}

function sameLock(a: SeenLock, b: SeenLock): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.mtimeMs === b.mtimeMs && a.content === b.content;
}

function isStale(seen: SeenLock): boolean {
  if (!seen.holder) return Date.now() - seen.mtimeMs > UNREADABLE_STALE_MS;
  return !isAlive(seen.holder);
}

function isGuardStale(seen: SeenLock): boolean {
  if (Date.now() - seen.mtimeMs > GUARD_STALE_MS) return true;
  return seen.holder !== undefined && seen.holder.host === hostname() && !isAlive(seen.holder);
}

function holderOf(seen: SeenLock): LockHolder {
  if (!seen.holder) return { pid: 0, host: 'unknown (unreadable lock file)', since: new Date(seen.mtimeMs).toISOString() };
  const { pid, host, since } = seen.holder;
  return { pid, host, since };
}

/** Whether the holder may still run: always for another host's; on this one, by pid, start time and boot. */
export function isAlive(holder: LockHolder & ProcessIdentity): boolean {
  if (holder.host !== hostname()) return true; // another host's process cannot be checked: respect it
  const now = processIdentity(holder.pid);
  if (holder.bootId !== undefined && now.bootId !== undefined && holder.bootId !== now.bootId) return false; // rebooted since
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if (errorCode(error) !== 'EPERM') return false;
  }
  // The pid runs, but is it the holder? Not if it started at another time (a restarted container).
  return holder.startTime === undefined || now.startTime === undefined || holder.startTime === now.startTime;
}

/** The identity of process `pid` on this host, as far as /proc tells (nothing elsewhere). */
export function processIdentity(pid: number): ProcessIdentity {
  const identity: ProcessIdentity = {};
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count from after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTime = Number(fields[19]);
    if (Number.isFinite(startTime)) identity.startTime = startTime;
  } catch {
    // not Linux, or the process is gone
  }
  try {
    identity.bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    // not Linux
  }
  return identity;
}

async function unlinkIfPresent(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
