// The state repository's files on disk: read them, and write a new set of owned files (writing
// only what changed, removing what is gone).
import { mkdirSync, writeFileSync } from 'node:fs';
import { readdir, readFile, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { forEachPooled } from '../core/pool.js';

export interface FileChanges {
  added: string[];
  changed: string[];
  removed: string[];
}

/** Files under `dir` (repository-relative, `/`-separated), skipping `.git` and dot folders. */
export async function listFiles(dir: string, under = ''): Promise<string[]> {
  const base = path.join(dir, under);
  let entries;
  try {
    entries = await readdir(base, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const relative = under === '' ? entry.name : `${under}/${entry.name}`;
    if (entry.isDirectory()) files.push(...(await listFiles(dir, relative)));
    else if (entry.isFile()) files.push(relative);
  }
  return files.sort();
}

export async function readFiles(dir: string, files: readonly string[]): Promise<Map<string, string>> {
  const contents = new Map<string, string>();
  await forEachPooled(files, FILES_IN_FLIGHT, async (file) => {
    contents.set(file, await readFile(path.join(dir, file), 'utf8'));
  });
  return new Map(files.map((file) => [file, contents.get(file) as string])); // in the order asked
}

/**
 * Makes the files that `owns` selects equal `desired`: writes new and changed files, removes
 * owned files that are not desired, and says what changed. Files not owned are left alone. Files
 * `holdsDesired` vouches for (the caller knows they hold their desired text) are neither read nor
 * written.
 */
export async function syncFiles(dir: string, desired: ReadonlyMap<string, string>, owns: (file: string) => boolean, holdsDesired: (file: string) => boolean = () => false): Promise<FileChanges> {
  const existing = (await listFiles(dir)).filter(owns);
  const current = await readFiles(dir, existing.filter((file) => !desired.has(file) || !holdsDesired(file)));
  const changes: FileChanges = { added: [], changed: [], removed: [] };
  const writes: string[] = [];
  const present = new Set(existing);
  for (const [file, content] of desired) {
    if (present.has(file) && holdsDesired(file)) continue;
    const before = current.get(file);
    if (before === content) continue;
    writes.push(file);
    (before === undefined ? changes.added : changes.changed).push(file);
  }
  await writeAll(dir, writes, desired);
  for (const file of existing) {
    if (desired.has(file)) continue;
    await rm(path.join(dir, file));
    await removeEmptyParents(dir, path.dirname(file));
    changes.removed.push(file);
  }
  return changes;
}

/**
 * Writes `files` (a first snapshot writes thousands), each folder made once. Synchronously, a slice
 * at a time: an asynchronous write is three trips through libuv's thread pool, which cost more CPU
 * than the system calls themselves; between slices other work (a daemon's requests, git fed by a
 * pipe) runs.
 */
async function writeAll(dir: string, files: readonly string[], texts: ReadonlyMap<string, string>): Promise<void> {
  const made = new Set<string>();
  for (let start = 0; start < files.length; start += FILES_PER_SLICE) {
    for (const file of files.slice(start, start + FILES_PER_SLICE)) {
      const target = path.join(dir, file);
      const folder = path.dirname(target);
      if (!made.has(folder)) mkdirSync(folder, { recursive: true });
      made.add(folder);
      writeFileSync(target, texts.get(file) as string);
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Files written between two turns of the event loop (a few milliseconds' work). */
const FILES_PER_SLICE = 64;

/** Files read at once: enough to keep the disk busy, few enough for any open-files limit. */
const FILES_IN_FLIGHT = 32;

async function removeEmptyParents(dir: string, relative: string): Promise<void> {
  for (let current = relative; current !== '.' && current !== ''; current = path.dirname(current)) {
    try {
      await rmdir(path.join(dir, current));
    } catch {
      return; // not empty (or already gone)
    }
  }
}
