// Reading a repository at a commit works from its main working tree and from a linked worktree.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commitPaths, openRepository, readFilesAt, resolveRef } from '../../src/repo/git.js';

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
    const first = (await commitPaths(main, ['a.txt'], 'first')) as string;
    const tree = path.join(dir, 'tree');
    await repo.raw(['worktree', 'add', '-b', 'other', tree]);
    await writeFile(path.join(tree, 'a.txt'), 'two\n');
    const second = (await commitPaths(tree, ['a.txt'], 'second')) as string;

    expect(await resolveRef(tree, 'HEAD')).toBe(second);
    expect(await resolveRef(main, 'HEAD')).toBe(first);
    expect(await resolveRef(tree, 'other')).toBe(second);
    expect((await readFilesAt(tree, first, () => true)).get('a.txt')).toBe('one\n');
    expect((await readFilesAt(tree, second, () => true)).get('a.txt')).toBe('two\n');
    await expect(resolveRef(tree, 'nope')).rejects.toThrow(/'nope' is not a branch, tag or commit/);
  });
});

describe('commitPaths', () => {
  it('writes a first commit\'s index itself, as git would: the same entries, order and stat data, status clean', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'octosync-git-'));
    const repo = await openRepository(dir);
    // Names whose byte order differs from their character order or their folders' order.
    const files = ['a.txt', 'a-b/c.txt', 'a/b.txt', 'a0.txt', 'Z.txt', 'été/ü.txt', 'spaces/default/projects/web/project.yaml', `${'long-'.repeat(40)}name.txt`];
    for (const file of files) {
      await mkdir(path.join(dir, path.dirname(file)), { recursive: true });
      await writeFile(path.join(dir, file), `${file.slice(0, 20)}\n`);
    }
    const commit = await commitPaths(dir, files, 'first');
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    const ours = await repo.raw(['ls-files', '--debug', '--stage']);
    expect(await repo.raw(['status', '--porcelain'])).toBe('');
    expect(await repo.raw(['diff-files', '--name-only'])).toBe('');
    // git's own index of the same files: from the tree, stat data by refreshing.
    await rm(path.join(dir, '.git', 'index'));
    await repo.raw(['read-tree', 'HEAD']);
    await repo.raw(['update-index', '-q', '--refresh']);
    expect(ours).toBe(await repo.raw(['ls-files', '--debug', '--stage']));
    expect(ours.split('\n').filter((line) => /^\d{6} /.test(line))).toHaveLength(files.length);
  });

  it('fails a first commit while another git holds index.lock, committing nothing', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'octosync-git-'));
    const repo = await openRepository(dir);
    await writeFile(path.join(dir, 'a.txt'), 'one\n');
    await writeFile(path.join(dir, '.git', 'index.lock'), '');
    await expect(commitPaths(dir, ['a.txt'], 'first')).rejects.toThrow(/index\.lock/);
    expect(await repo.raw(['rev-parse', '--verify', '--quiet', 'HEAD']).catch(() => '')).toBe('');
    await rm(path.join(dir, '.git', 'index.lock'));
    expect(await commitPaths(dir, ['a.txt'], 'first')).toMatch(/^[0-9a-f]{40}$/);
    expect(await repo.raw(['status', '--porcelain'])).toBe('');
  });

  it('commits thousands of files with a message longer than one command-line argument may be, in one commit', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'octosync-git-'));
    const repo = await openRepository(dir);
    // Thousands of new objects would start a background `git gc` racing the folder's removal.
    await repo.addConfig('gc.auto', '0');
    await writeFile(path.join(dir, 'kept.txt'), 'kept\n');
    await commitPaths(dir, ['kept.txt'], 'first');
    // Linux refuses any single argument over 128 KiB, and all of them together over about 2 MiB.
    const files = Array.from({ length: 6_000 }, (_, n) => `folder-with-a-fairly-long-name-${n % 50}/document-number-${String(n).padStart(5, '0')}-with-a-long-slug.yaml`);
    for (const folder of new Set(files.map((file) => path.dirname(file)))) await mkdir(path.join(dir, folder), { recursive: true });
    await Promise.all(files.map((file) => writeFile(path.join(dir, file), `${file}\n`)));
    const message = `many files\n\n${files.map((file) => `+ ${file}`).join('\n')}\n`;
    expect(message.length).toBeGreaterThan(256 * 1024);

    const looseBefore = Number(/^count: (\d+)$/m.exec(await repo.raw(['count-objects', '-v']))?.[1]);
    const commit = await commitPaths(dir, files, message);
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    expect(await repo.raw(['log', '-1', '--format=%B', String(commit)])).toBe(`${message}\n`);
    expect((await repo.raw(['ls-tree', '-r', '--name-only', String(commit)])).trim().split('\n')).toHaveLength(files.length + 1);
    expect(await repo.raw(['rev-list', '--count', 'HEAD'])).toBe('2\n');
    // Blobs and trees went into one pack: the commit is the only new loose object, and the ref
    // that named the packed tree is gone. The working tree's index has the files with their stat data.
    expect(await repo.raw(['count-objects', '-v'])).toMatch(new RegExp(`^count: ${looseBefore + 1}$`, 'm'));
    expect(await repo.raw(['for-each-ref', 'refs/octosync'])).toBe('');
    expect(await repo.raw(['status', '--porcelain'])).toBe('');
    expect(await repo.raw(['diff-files', '--name-only'])).toBe('');
  });

  it('commits changes and removals of the given paths only, literally, leaving what else is staged out', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'octosync-git-'));
    const repo = await openRepository(dir);
    const odd = ['with "quotes" and spaces.txt', 'back\\slash.txt', 'new\nline.txt', 'ünï.txt'];
    for (const file of ['a.txt', 'b.txt', '*.txt', 'other.txt', ...odd]) await writeFile(path.join(dir, file), `${file}\n`);
    await commitPaths(dir, ['a.txt', 'b.txt', '*.txt', 'other.txt', ...odd], 'first');
    expect((await repo.raw(['ls-tree', '-z', '--name-only', 'HEAD'])).split('\0').filter(Boolean).sort()).toEqual(['*.txt', 'a.txt', 'b.txt', 'other.txt', ...odd].sort());
    expect(await repo.raw(['show', 'HEAD:new\nline.txt'])).toBe('new\nline.txt\n');
    await writeFile(path.join(dir, 'a.txt'), 'changed\n');
    await rm(path.join(dir, 'b.txt'));
    await writeFile(path.join(dir, '*.txt'), 'star changed\n');
    await writeFile(path.join(dir, 'other.txt'), 'staged by someone else\n');
    await repo.add('other.txt');

    // `*.txt` is that file, not a pattern matching other.txt.
    const commit = String(await commitPaths(dir, ['a.txt', 'b.txt', '*.txt'], 'second'));
    expect((await repo.raw(['show', '--name-status', '--format=', commit])).trim().split('\n').sort()).toEqual(['D\tb.txt', 'M\t*.txt', 'M\ta.txt']);
    expect((await repo.raw(['diff', '--cached', '--name-only'])).trim()).toBe('other.txt');
    expect(await commitPaths(dir, ['a.txt'], 'nothing new')).toBeUndefined();
  });
});
