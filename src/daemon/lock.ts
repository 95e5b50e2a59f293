// One apply per destination at a time, across processes: a lock file created exclusively. A
// lock left by a process that no longer runs (on this host) is taken over.
import { hostname } from 'node:os';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';

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

export interface Lock {
  release(): Promise<void>;
}

export async function acquireLock(stateDir: string, destination: string, now: () => Date = () => new Date()): Promise<Lock> {
  const file = path.join(stateDir, 'destinations', destination, 'apply.lock');
  await mkdir(path.dirname(file), { recursive: true });
  const holder: LockHolder = { pid: process.pid, host: hostname(), since: now().toISOString() };
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(JSON.stringify(holder));
      await handle.close();
      return { release: () => rm(file, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const current = await readHolder(file);
      if (current && isAlive(current)) throw new LockedError(destination, current);
      await rm(file, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`could not lock destination '${destination}' (${file})`);
}

async function readHolder(file: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LockHolder;
  } catch {
    return undefined; // unreadable or vanished: treated as stale
  }
}

function isAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true; // another host's process cannot be checked: respect it
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
