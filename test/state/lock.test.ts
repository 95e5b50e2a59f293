import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir, readFile, readdir, rename, utimes } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LockedError, acquireLock } from '../../src/state/lock.js';
import { appendToJournal, clearJournal, journalFile, readStatus, recordAttempt, writeStatus } from '../../src/state/status-store.js';

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

  it('writes the whole holder before the lock file appears, and leaves no other file behind', async () => {
    const lock = await acquireLock(dir, 'production', () => new Date('2026-02-03T04:05:06Z'));
    const lockDir = path.join(dir, 'destinations', 'production');
    expect(await readdir(lockDir)).toEqual(['apply.lock']);
    const holder = JSON.parse(await readFile(path.join(lockDir, 'apply.lock'), 'utf8')) as Record<string, unknown>;
    expect(holder).toMatchObject({ pid: process.pid, host: hostname(), since: '2026-02-03T04:05:06.000Z' });
    expect(holder.token).toEqual(expect.any(String));
    const error = await acquireLock(dir, 'production').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockedError);
    expect((error as LockedError).holder).toEqual({ pid: process.pid, host: hostname(), since: '2026-02-03T04:05:06.000Z' });
    expect(await readdir(lockDir)).toEqual(['apply.lock']); // the loser's temporary file is gone too
    await lock.release();
    expect(await readdir(lockDir)).toEqual([]);
    await lock.release(); // twice is harmless
  });

  it('takes over a lock held under its own pid by an earlier process (a container restarted, node as PID 1)', async () => {
    // The same host and pid as ours, but a process that started at another time: not us.
    await lockFile(JSON.stringify({ pid: process.pid, host: hostname(), since: '2026-01-01T00:00:00Z', token: 'before-the-restart', startTime: 1 }));
    const lock = await acquireLock(dir, 'production');
    await lock.release();
  });

  it('takes over a lock held under its own pid before the host rebooted', async () => {
    await lockFile(JSON.stringify({ pid: process.pid, host: hostname(), since: '2026-01-01T00:00:00Z', token: 'before-the-reboot', bootId: 'another-boot' }));
    const lock = await acquireLock(dir, 'production');
    await lock.release();
  });

  it('never takes over a lock this very process holds', async () => {
    const lock = await acquireLock(dir, 'production');
    await expect(acquireLock(dir, 'production')).rejects.toBeInstanceOf(LockedError);
    await lock.release();
  });

  it('respects a lock held on another host, even by a pid that does not run here', async () => {
    const file = await lockFile(JSON.stringify({ pid: 4_194_305, host: `not-${hostname()}`, since: '2026-01-01T00:00:00Z' }));
    await expect(acquireLock(dir, 'production')).rejects.toBeInstanceOf(LockedError);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ host: `not-${hostname()}` });
  });

  it('treats an unreadable lock file as held until it is 30 s old, then takes it over', async () => {
    for (const content of ['', '{"pid":', '{"pid":0,"host":"h","since":"s"}']) {
      const file = await lockFile(content);
      await expect(acquireLock(dir, 'production')).rejects.toBeInstanceOf(LockedError);
      expect(await readFile(file, 'utf8')).toBe(content);
      const old = new Date(Date.now() - 60_000);
      await utimes(file, old, old);
      const lock = await acquireLock(dir, 'production');
      expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ pid: process.pid });
      await lock.release();
    }
  });

  it('takes over a stale lock past a takeover guard left by a taker that stopped', async () => {
    const guards = [
      { content: JSON.stringify({ pid: 4_194_305, host: hostname(), since: '2026-01-01T00:00:00Z', token: 'crashed' }), age: 0 },
      { content: JSON.stringify({ pid: 1, host: `not-${hostname()}`, since: '2026-01-01T00:00:00Z', token: 'elsewhere' }), age: 60_000 },
    ];
    for (const guard of guards) {
      const file = await lockFile(JSON.stringify({ pid: 4_194_305, host: hostname(), since: '2026-01-01T00:00:00Z' }));
      await writeFile(`${file}.takeover`, guard.content);
      const at = new Date(Date.now() - guard.age);
      await utimes(`${file}.takeover`, at, at);
      const lock = await acquireLock(dir, 'production');
      expect(await readdir(path.dirname(file))).toEqual(['apply.lock']);
      await lock.release();
    }
  });

  it('does not delete on release a lock that another holder took over', async () => {
    const lock = await acquireLock(dir, 'production');
    const file = path.join(dir, 'destinations', 'production', 'apply.lock');
    // Another holder's lock now stands where ours was (written aside and renamed over it).
    const theirs = JSON.stringify({ pid: process.pid, host: hostname(), since: '2026-01-01T00:00:00Z', token: 'theirs' });
    await writeFile(`${file}.theirs`, theirs);
    await rename(`${file}.theirs`, file);
    await lock.release();
    expect(await readFile(file, 'utf8')).toBe(theirs);
    await expect(acquireLock(dir, 'production')).rejects.toBeInstanceOf(LockedError);
  });

  it('does not delete on release a lock that was removed and taken by someone else', async () => {
    const lock = await acquireLock(dir, 'production');
    const file = path.join(dir, 'destinations', 'production', 'apply.lock');
    await rm(file);
    const other = await acquireLock(dir, 'production');
    const content = await readFile(file, 'utf8');
    await lock.release();
    expect(await readFile(file, 'utf8')).toBe(content);
    await other.release();
    expect(await readdir(path.dirname(file))).toEqual([]);
  });
});

async function lockFile(content: string): Promise<string> {
  const file = path.join(dir, 'destinations', 'production', 'apply.lock');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
  return file;
}

// Competing processes. Each child imports the lock module (compiled from src/state/lock.ts into a
// temporary folder: dist/ is left alone, as other tests build and run it meanwhile), waits for a
// round to start, tries the lock, holds it for HOLD_MS when it got it, and reports. All children are
// told to start at the same moment, so every round is a real race: on a free lock, a stale one (a
// dead pid on this host; also with the takeover guard left by a crashed taker), an old unreadable
// one (taken over) and a fresh unreadable one (respected).
describe('apply lock across processes', () => {
  const CHILDREN = 6;
  const ROUNDS = 20;
  const HOLD_MS = 200;
  const SETUPS = ['free', 'stale', 'old-empty', 'stale-guard', 'fresh-empty'] as const;
  type Setup = (typeof SETUPS)[number];
  type Report = { round: number; child: number; result: 'GOT'; gotAt: number; releasingAt: number } | { round: number; child: number; result: 'HELD' | 'ERROR'; error: string };

  let work: string;
  let children: ChildProcess[] = [];

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'octosync-lock-race-'));
    // The lock module and the module it imports, as ES modules (.js, under a package.json that says so).
    await writeFile(path.join(work, 'package.json'), JSON.stringify({ type: 'module' }));
    for (const module of ['lock', 'state-dir']) {
      const source = await readFile(fileURLToPath(new URL(`../../src/state/${module}.ts`, import.meta.url)), 'utf8');
      const compiled = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
      await writeFile(path.join(work, `${module}.js`), compiled.outputText);
    }
    await writeFile(
      path.join(work, 'competitor.mjs'),
      `import { acquireLock, LockedError } from './lock.js';
const [stateDir, child] = process.argv.slice(2);
process.on('message', (message) => {
  if (message.type === 'stop') return process.disconnect();
  const { round, startAt } = message;
  setTimeout(async () => {
    try {
      const lock = await acquireLock(stateDir, 'production');
      const gotAt = Date.now();
      await new Promise((resolve) => setTimeout(resolve, ${HOLD_MS}));
      const releasingAt = Date.now();
      await lock.release();
      process.send({ round, child: Number(child), result: 'GOT', gotAt, releasingAt });
    } catch (error) {
      process.send({ round, child: Number(child), result: error instanceof LockedError ? 'HELD' : 'ERROR', error: String(error && error.stack || error) });
    }
  }, Math.max(0, startAt - Date.now()));
});
process.send({ type: 'ready' });
`,
    );
  });

  afterAll(async () => {
    for (const child of children) if (child.connected) child.kill();
    await rm(work, { recursive: true, force: true });
  });

  it('never lets two processes hold it at once', async () => {
    const stateDir = path.join(work, 'state');
    const lockDir = path.join(stateDir, 'destinations', 'production');
    await mkdir(lockDir, { recursive: true });
    const file = path.join(lockDir, 'apply.lock');
    const reports: Report[] = [];
    const waiting = new Map<number, () => void>();
    const perRound = new Map<number, number>();
    children = await Promise.all(
      Array.from({ length: CHILDREN }, (_, i) => {
        const child = fork(path.join(work, 'competitor.mjs'), [stateDir, String(i)], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        return new Promise<ChildProcess>((resolve, reject) => {
          child.once('error', reject);
          child.once('exit', (code) => reject(new Error(`competitor ${i} exited (${code}) before it was ready`)));
          child.on('message', (message: { type?: string } & Report) => {
            if (message.type === 'ready') return resolve(child);
            reports.push(message);
            const count = (perRound.get(message.round) ?? 0) + 1;
            perRound.set(message.round, count);
            if (count === CHILDREN) waiting.get(message.round)?.();
          });
        });
      }),
    );
    for (const child of children) child.removeAllListeners('exit');

    const setups: Setup[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const setup = SETUPS[round % SETUPS.length] as Setup;
      setups.push(setup);
      if (setup === 'stale-guard') await writeFile(`${file}.takeover`, JSON.stringify({ pid: 4_194_305, host: hostname(), since: '2026-01-01T00:00:00Z', token: 'crashed' }));
      if (setup === 'stale' || setup === 'stale-guard') await writeFile(file, JSON.stringify({ pid: 4_194_305, host: hostname(), since: '2026-01-01T00:00:00Z' }));
      if (setup === 'old-empty' || setup === 'fresh-empty') await writeFile(file, '');
      if (setup === 'old-empty') await utimes(file, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
      const done = new Promise<void>((resolve) => waiting.set(round, resolve));
      const startAt = Date.now() + 30;
      for (const child of children) child.send({ round, startAt });
      await done;
      // Every lock was released, every temporary and moved-aside file removed.
      expect(await readdir(lockDir), `after round ${round} (${setup})`).toEqual(setup === 'fresh-empty' ? ['apply.lock'] : []);
      if (setup === 'fresh-empty') await rm(file);
    }
    for (const child of children) child.send({ type: 'stop' });

    expect(reports.filter((r) => r.result === 'ERROR')).toEqual([]);
    for (let round = 0; round < ROUNDS; round += 1) {
      const got = reports.filter((r) => r.round === round && r.result === 'GOT').length;
      if (setups[round] === 'fresh-empty') expect(got, `round ${round}: a fresh unreadable lock is respected`).toBe(0);
      else expect(got, `round ${round} (${setups[round]}): someone gets the lock`).toBeGreaterThanOrEqual(1);
    }
    const held = reports.flatMap((r) => (r.result === 'GOT' ? [r] : [])).sort((a, b) => a.gotAt - b.gotAt);
    for (let i = 1; i < held.length; i += 1) {
      const [before, after] = [held[i - 1], held[i]];
      expect(after?.gotAt, `child ${after?.child} (round ${after?.round}) got the lock while child ${before?.child} (round ${before?.round}) held it`).toBeGreaterThanOrEqual(before?.releasingAt ?? 0);
    }
  }, 60_000);
});

describe('status store', () => {
  it('folds the managed journal into the managed set, ignoring a line a crash cut short', async () => {
    await appendToJournal(dir, 'production', { add: true, key: 'default/teams/a' });
    await appendToJournal(dir, 'production', { add: true, key: 'default/teams/b' });
    await appendToJournal(dir, 'production', { add: false, key: 'default/teams/a' });
    await writeFile(journalFile(dir, 'production'), `${await readFile(journalFile(dir, 'production'), 'utf8')}+"default/tea`);
    expect((await readStatus(dir, 'production')).lastApplied?.documents).toEqual(['default/teams/b']);
    await clearJournal(dir, 'production');
    expect((await readStatus(dir, 'production')).lastApplied).toBeUndefined();
  });

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
