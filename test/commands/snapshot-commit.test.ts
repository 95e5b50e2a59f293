// A snapshot commits what it wrote, every time: it compares the source with the branch (not the
// working tree), so a commit that did not happen (a failing hook, a held index.lock, a kill
// between writing the files and committing them) is made by the next snapshot; and a commit that
// fails fails the snapshot.
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { simHttp } from '../support/sim-http.js';

let source: Simulator;
let repo: StateRepo;
const FILE = 'spaces/default/environments/dev.yaml';

beforeEach(async () => {
  source = await startSimulator({ seed: 'sample' });
  repo = await stateRepo();
  await repo.snapshot(source);
});

afterEach(async () => {
  await source.close();
  await repo.cleanup();
});

async function describeDev(text: string): Promise<void> {
  const http = simHttp(source);
  const environment = ((await http.get('/api/Spaces-1/environments/all')).body as { Id: string; Name: string }[]).find((e) => e.Name === 'Dev');
  await http.put(`/api/Spaces-1/environments/${environment?.Id}`, { ...environment, Description: text });
}

const head = async () => (await repo.git().revparse(['source'])).trim();
const committed = async () => repo.git().show([`source:${FILE}`]);

async function hook(name: string, script: string): Promise<void> {
  const file = path.join(repo.dir, '.git', 'hooks', name);
  await writeFile(file, `#!/bin/sh\n${script}\n`);
  await chmod(file, 0o755);
}

describe('a snapshot whose commit did not happen', () => {
  it('fails when a pre-commit hook fails, even silently, and the next snapshot commits the change', async () => {
    await describeDev('changed while a hook refused');
    await hook('pre-commit', 'exit 1');
    const before = await head();
    await expect(repo.snapshot(source)).rejects.toThrow(/commit/i);
    expect(await head()).toBe(before);
    await rm(path.join(repo.dir, '.git', 'hooks', 'pre-commit'));
    await repo.snapshot(source);
    expect(await head()).not.toBe(before);
    expect(await committed()).toContain('changed while a hook refused');
  });

  it('fails while another git holds index.lock, and the next snapshot commits the change', async () => {
    await describeDev('changed while the index was locked');
    const lock = path.join(repo.dir, '.git', 'index.lock');
    await writeFile(lock, '');
    const before = await head();
    await expect(repo.snapshot(source)).rejects.toThrow(/index\.lock/);
    expect(await head()).toBe(before);
    await rm(lock);
    await repo.snapshot(source);
    expect(await committed()).toContain('changed while the index was locked');
  });

  it('commits files a killed snapshot wrote but did not commit', async () => {
    await describeDev('written, then killed');
    // What a snapshot killed between writing and committing leaves: the new file, uncommitted.
    const other = await stateRepo();
    try {
      await other.snapshot(source);
      await writeFile(path.join(repo.dir, FILE), await readFile(path.join(other.dir, FILE), 'utf8'));
    } finally {
      await other.cleanup();
    }
    const before = await head();
    const result = await repo.snapshot(source);
    expect(result).toBeDefined();
    expect(await head()).not.toBe(before);
    expect(await committed()).toContain('written, then killed');
    expect(await repo.git().raw(['status', '--porcelain'])).toBe('');
  });

  it('runs the repository’s hooks: a commit-msg hook sees the snapshot’s message', async () => {
    await describeDev('seen by a hook');
    await hook('commit-msg', `cp "$1" "${path.join(repo.dir, '.git', 'seen-message')}"`);
    await repo.snapshot(source);
    expect(await readFile(path.join(repo.dir, '.git', 'seen-message'), 'utf8')).toMatch(/^snapshot: 0 added, 1 changed, 0 removed/);
  });
});
