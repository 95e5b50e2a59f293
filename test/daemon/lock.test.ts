import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockedError, acquireLock } from '../../src/daemon/lock.js';
import { readStatus, recordAttempt, writeStatus } from '../../src/daemon/status-store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'octosync-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('apply lock', () => {
  it('lets one apply per destination hold it at a time, and frees it on release', async () => {
    const lock = await acquireLock(dir, 'production');
    await expect(acquireLock(dir, 'production')).rejects.toBeInstanceOf(LockedError);
    const other = await acquireLock(dir, 'staging');
    await lock.release();
    await (await acquireLock(dir, 'production')).release();
    await other.release();
  });

  it('takes over a lock whose process is gone', async () => {
    const file = path.join(dir, 'destinations', 'production', 'apply.lock');
    await mkdir(path.dirname(file), { recursive: true });
    // Pid 2^22 + 1 is above Linux's pid_max default; no process has it.
    await writeFile(file, JSON.stringify({ pid: 4_194_305, host: hostname(), since: '2026-01-01T00:00:00Z' }));
    const lock = await acquireLock(dir, 'production');
    await lock.release();
  });
});

describe('status store', () => {
  it('persists status and keeps a bounded history, newest first', async () => {
    let status = await readStatus(dir, 'production');
    expect(status).toEqual({ destination: 'production', history: [] });
    for (let i = 0; i < 25; i += 1) {
      status = recordAttempt(status, { commit: `c${i}`, at: `t${i}`, result: 'success', outcomes: [] }, { commit: `c${i}`, overlayDigest: 'o', at: `t${i}`, documents: [], secretDigests: {} });
    }
    await writeStatus(dir, status);
    const read = await readStatus(dir, 'production');
    expect(read.history).toHaveLength(20);
    expect(read.history[0]?.commit).toBe('c24');
    expect(read.lastApplied?.commit).toBe('c24');
    const failed = recordAttempt(read, { commit: 'bad', at: 'later', result: 'failed', error: 'boom', outcomes: [] });
    expect(failed.lastApplied?.commit).toBe('c24');
    expect(failed.lastAttempt?.result).toBe('failed');
  });
});
