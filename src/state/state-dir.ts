// The state directory: the machine's memory of each destination (status, managed journal, apply
// lock, the key of secret digests, the daemon's clones and worktrees). It is not reviewed content,
// and it usually sits inside the state repository's working tree, so it makes Git ignore itself
// before anything else is written into it: a `git add -A` must never pick up a key or a lock.
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const STATE_DIR_NAME = '.octosync';
const IGNORE_FILE = '.gitignore';
const IGNORE_ALL = '*\n';

export function defaultStateDir(repo: string): string {
  return path.join(repo, STATE_DIR_NAME);
}

/**
 * Creates the state directory (and `sub`, a folder inside it) with its ignore file written first.
 * Every writer into the state directory goes through here; returns the folder asked for.
 */
export async function ensureStateDir(stateDir: string, ...sub: string[]): Promise<string> {
  await mkdir(stateDir, { recursive: true });
  const ignore = path.join(stateDir, IGNORE_FILE);
  const current = await readFile(ignore, 'utf8').catch(() => undefined);
  if (current !== IGNORE_ALL) await writeFile(ignore, IGNORE_ALL);
  const dir = path.join(stateDir, ...sub);
  if (sub.length > 0) await mkdir(dir, { recursive: true });
  return dir;
}

/** Writes a file of the state directory with write-then-rename, so a crash never leaves half of it. */
export async function writeStateFile(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, file);
}
