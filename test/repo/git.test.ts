// Reading a repository at a commit works from its main working tree and from a linked worktree.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { afterEach, describe, expect, it } from 'vitest';
import { commitPaths, gitEnvironment, openRepository, readFilesAt, resolveRef } from '../../src/repo/git.js';

let dir: string;
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('git', () => {
  it('resolves refs and reads files at a commit from a linked worktree, with the worktree\'s own HEAD', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'octosync-git-'));
    const main = path.join(dir, 'main');
    const repo = await openRepository(main);
    await writeFile(path.join(main, 'a.txt'), 'one\n');
    const first = (await commitPaths(repo, ['a.txt'], 'first')) as string;
    const tree = path.join(dir, 'tree');
    await repo.raw(['worktree', 'add', '-b', 'other', tree]);
    await writeFile(path.join(tree, 'a.txt'), 'two\n');
    const second = (await commitPaths(simpleGit(tree).env(gitEnvironment(process.env)), ['a.txt'], 'second')) as string;

    expect(await resolveRef(tree, 'HEAD')).toBe(second);
    expect(await resolveRef(main, 'HEAD')).toBe(first);
    expect(await resolveRef(tree, 'other')).toBe(second);
    expect((await readFilesAt(tree, first, () => true)).get('a.txt')).toBe('one\n');
    expect((await readFilesAt(tree, second, () => true)).get('a.txt')).toBe('two\n');
    await expect(resolveRef(tree, 'nope')).rejects.toThrow(/'nope' is not a branch, tag or commit/);
  });
});
