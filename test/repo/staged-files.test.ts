// New folders written by another thread into a hidden staging folder, then moved into place: until
// `place`, the working tree shows nothing, and a discarded staging leaves it as it was.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STAGING_PREFIX, StagedFolders } from '../../src/repo/staged-files.js';
import { listFiles } from '../../src/repo/state-files.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'octosync-staged-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Many files in many folders, with texts that are not ASCII (bytes and characters differ). */
function manyFiles(count: number): Map<string, string> {
  const files = new Map<string, string>();
  for (let i = 0; i < count; i++) files.set(`spaces/default/projects/p-${i % 97}/file-${i}.yaml`, `name: Projekt ${i} – größer ✓\n${'x'.repeat(i % 300)}\n`);
  files.set('schemas/a.schema.json', '{}\n');
  return files;
}

describe('staged folders', () => {
  it('shows nothing in the working tree until placed, then every file with its exact bytes and no staging folder', async () => {
    const files = manyFiles(1500);
    const staged = new StagedFolders(dir, ['spaces/default', 'schemas', 'spaces/empty']);
    // In batches, as a snapshot makes them; a file outside the staged folders is not the writer's.
    const entries = [...files];
    staged.add(entries.slice(0, 700));
    staged.add([...entries.slice(700), ['octosync.yaml', 'not staged\n']]);
    expect(staged.holds('spaces/default/a.yaml')).toBe(true);
    expect(staged.holds('spaces/default-2/a.yaml')).toBe(false);
    expect(await listFiles(dir)).toEqual([]);
    await staged.place();
    await staged.discard();
    expect(await listFiles(dir)).toEqual([...files.keys()].sort());
    for (const [file, text] of files) expect(await readFile(path.join(dir, file), 'utf8')).toBe(text);
    expect((await readdir(dir)).filter((name) => name.startsWith(STAGING_PREFIX))).toEqual([]);
  });

  it('discarded before placing (a refused snapshot), leaves the folder as it was, even while the writer still runs', async () => {
    const staged = new StagedFolders(dir, ['spaces/default', 'schemas']);
    staged.add(manyFiles(3000));
    await staged.discard();
    expect(await readdir(dir)).toEqual([]);
  });

  it("removes a killed snapshot's staging folder left an hour ago, and keeps one a running snapshot may still use", async () => {
    const old = path.join(dir, `${STAGING_PREFIX}killed`);
    const recent = path.join(dir, `${STAGING_PREFIX}running`);
    await mkdir(path.join(old, 'spaces'), { recursive: true });
    await mkdir(recent);
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(old, twoHoursAgo, twoHoursAgo);
    const staged = new StagedFolders(dir, ['spaces']);
    await staged.discard();
    expect((await readdir(dir)).sort()).toEqual([`${STAGING_PREFIX}running`]);
  });

  it('leaves no folder behind where none existed', async () => {
    const missing = path.join(dir, 'new-repository');
    const staged = new StagedFolders(missing, ['schemas']);
    staged.add([['schemas/a.schema.json', '{}\n']]);
    await staged.discard();
    expect(existsSync(missing)).toBe(false);
  });
});
