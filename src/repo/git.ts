// Git for the state repository: the working tree through the system git (simple-git), refs
// resolved in-process (isomorphic-git), and files at a commit read from git's object store in one
// batch, so `validate --ref` and `plan --ref` need no checkout.
import { existsSync } from 'node:fs';
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import git from 'isomorphic-git';
import { LRUCache } from 'lru-cache';
import { simpleGit } from 'simple-git';
import type { SimpleGit } from 'simple-git';
import { forEachPooled } from '../core/pool.js';

/** Who octosync commits as, unless the repository's own Git config says otherwise. */
export const OCTOSYNC_AUTHOR = { name: 'octosync', email: 'octosync@localhost' };

export class GitError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GitError';
  }
}

/** Opens (creating and initializing if needed) a repository working tree. */
export async function openRepository(dir: string): Promise<SimpleGit> {
  await mkdir(dir, { recursive: true });
  const repo = simpleGit({ baseDir: dir }).env(gitEnvironment(process.env));
  if (!existsSync(path.join(dir, '.git'))) await repo.init();
  return repo;
}

/**
 * The environment git runs with: what it needs to find itself, its config and credentials, plus
 * a committer identity. Not the whole environment: simple-git refuses variables that can run
 * programs (EDITOR, GIT_ASKPASS, ...), and git needs none of them here.
 */
export function gitEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const passed = ['PATH', 'HOME', 'USERPROFILE', 'SystemRoot', 'TMPDIR', 'TEMP', 'LANG', 'LC_ALL', 'GIT_SSL_CAINFO', 'GIT_CONFIG_GLOBAL', 'SSH_AUTH_SOCK'];
  const result: Record<string, string> = {};
  for (const name of passed) if (env[name] !== undefined) result[name] = env[name] as string;
  return {
    // glibc gives memory back to the system after every large free unless the heap keeps some
    // headroom: git writing thousands of objects (each with its own zlib buffers) then spends
    // about as long in those system calls as in its own work. 4 MiB of headroom removes them.
    MALLOC_TOP_PAD_: env.MALLOC_TOP_PAD_ ?? String(4 * 1024 * 1024),
    ...result,
    GIT_AUTHOR_NAME: env.GIT_AUTHOR_NAME ?? OCTOSYNC_AUTHOR.name,
    GIT_AUTHOR_EMAIL: env.GIT_AUTHOR_EMAIL ?? OCTOSYNC_AUTHOR.email,
    GIT_COMMITTER_NAME: env.GIT_COMMITTER_NAME ?? OCTOSYNC_AUTHOR.name,
    GIT_COMMITTER_EMAIL: env.GIT_COMMITTER_EMAIL ?? OCTOSYNC_AUTHOR.email,
  };
}

/**
 * Git for talking to a remote repository. Over HTTPS, a token in OCTOSYNC_GIT_TOKEN is sent as an
 * Authorization header (never part of a URL, so never in a log or `.git/config`); over SSH the
 * system git uses its usual keys and agent.
 */
export function remoteGit(dir?: string): SimpleGit {
  const token = process.env.OCTOSYNC_GIT_TOKEN;
  const config = token ? [`http.extraHeader=Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`] : [];
  return simpleGit({ ...(dir ? { baseDir: dir } : {}), config }).env(gitEnvironment(process.env));
}

/**
 * Switches the working tree to `branch`, creating it when missing: from the current commit if
 * the repository has one, else as the first branch of an empty repository.
 */
export async function checkoutBranch(repo: SimpleGit, branch: string): Promise<void> {
  const current = await currentBranch(repo);
  if (current === branch) return;
  const hasCommits = await headCommit(repo);
  const branches = await repo.branchLocal();
  try {
    if (branches.all.includes(branch)) await repo.checkout(branch);
    else if (hasCommits) await repo.checkoutLocalBranch(branch);
    else await repo.raw(['symbolic-ref', 'HEAD', `refs/heads/${branch}`]);
  } catch (error) {
    throw new GitError(`could not switch the repository to branch '${branch}': ${firstLine(error)}`, { cause: error });
  }
}

/** Makes `branch` the first branch of a repository just created (no commits, no branches), as checkoutBranch would. */
export async function startFirstBranch(repo: SimpleGit, branch: string): Promise<void> {
  try {
    await repo.raw(['symbolic-ref', 'HEAD', `refs/heads/${branch}`]);
  } catch (error) {
    throw new GitError(`could not switch the repository to branch '${branch}': ${firstLine(error)}`, { cause: error });
  }
}

export async function currentBranch(repo: SimpleGit): Promise<string | undefined> {
  const name = (await repo.raw(['symbolic-ref', '--quiet', '--short', 'HEAD']).catch(() => '')).trim();
  return name === '' ? undefined : name;
}

/** The commit HEAD points at, or undefined in a repository without commits. */
export async function headCommit(repo: SimpleGit): Promise<string | undefined> {
  const sha = (await repo.raw(['rev-parse', '--verify', '--quiet', 'HEAD']).catch(() => '')).trim();
  return sha === '' ? undefined : sha;
}

/**
 * Stages `paths` (additions, changes and removals) of the working tree at `dir` as they are on
 * disk and commits them, as commitFiles does; no commit when nothing changed. The paths are
 * taken literally (`*.txt` is that file, not a pattern).
 */
export async function commitPaths(dir: string, paths: readonly string[], message: string): Promise<string | undefined> {
  const edits = new Map<string, Buffer | null>();
  await forEachPooled(paths, 32, async (file) => {
    edits.set(file, await readFile(path.join(dir, file)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    }));
  });
  return commitFiles(dir, edits, message);
}

/** What a commit changes: each path's new content, or null for a file removed. */
export type FileEdits = ReadonlyMap<string, string | Buffer | null>;

/**
 * Commits `edits` on top of HEAD of the working tree at `dir`; no commit when nothing changed. The
 * contents are known, so git never reads, hashes or compresses the files one by one, and a
 * constant number of git processes runs whatever the number of files, with neither the paths nor
 * the message on a command line (a first snapshot of a large instance has thousands of paths and a
 * long message, beyond what one process may be given):
 * - one `git fast-import` writes the new blobs AND trees into one pack (no loose objects; a
 *   temporary ref names its commit, and is removed afterwards); its input is a file, so it runs
 *   on while `writeWorktree` (the caller writing the same files to the working tree) keeps this
 *   thread busy;
 * - then the working tree's index takes exactly these paths by id (`update-index --index-info`)
 *   and their stat data (`--refresh`), so `git status` stays clean and fast; this index is
 *   staged first, so a held `index.lock` fails before anything is committed;
 * - `git commit` makes the commit from a temporary index read from that tree: whatever else
 *   someone staged stays out of it (as `commit --only`), the trees exist already, and the
 *   repository's hooks run (`pre-commit`, `commit-msg`, ...). A commit they refuse, or that
 *   fails for any other reason, throws, even when git says nothing.
 */
export async function commitFiles(
  dir: string,
  edits: FileEdits,
  message: string,
  writeWorktree: () => Promise<unknown> = async () => undefined,
  ids: ReadonlyMap<string, string> = new Map(),
  statOf: (file: string) => ArrayLike<number> | undefined = () => undefined,
): Promise<string | undefined> {
  const staging = `refs/octosync/staging/${randomUUID()}`;
  const scratch = await mkdtemp(path.join(tmpdir(), 'octosync-commit-'));
  const commitIndex = { GIT_INDEX_FILE: path.join(scratch, 'index') };
  // The blob ids the caller worked out already (`ids`, path → id) are not worked out again.
  const idOf = (file: string, content: string | Buffer) => ids.get(file) ?? blobIdOf(content);
  let before: string | undefined;
  try {
    before = await headOf(dir);
    // git is started before the files are written: writing them keeps this thread busy.
    const packing = Promise.all([packEdits(dir, staging, before, edits, path.join(scratch, 'objects')), before ? treeOf(dir, before) : undefined]);
    // Every part is waited for, failed or not: nothing runs on once this returns.
    const [packed, files] = await Promise.allSettled([packing, writeWorktree()]);
    if (files.status === 'rejected') throw files.reason;
    if (packed.status === 'rejected') throw new GitError(`could not commit: ${firstLine(packed.reason)}`, { cause: packed.reason });
    const [tree, beforeTree] = packed.value;
    await commitTree(dir, edits, { idOf, statOf }, before === undefined, tree === beforeTree ? undefined : tree, message, commitIndex);
    if (tree === beforeTree) return undefined;
  } finally {
    await Promise.all([runGit(dir, ['update-ref', '-d', staging]).catch(() => undefined), rm(scratch, { recursive: true, force: true })]);
  }
  // A hook may exit 1 without a word: only a new HEAD says the commit happened.
  const after = await headOf(dir);
  if (after === undefined || after === before) throw new GitError('could not commit: git made no commit (a hook such as pre-commit or commit-msg refused it without saying why)');
  return after;
}

/**
 * The commit HEAD of the working tree at `dir` points at; undefined without one. resolveRef reads
 * it in-process (no git started) in a repository's own working tree; a linked worktree asks git.
 */
async function headOf(dir: string): Promise<string | undefined> {
  return resolveRef(dir, 'HEAD').catch(() => undefined);
}

/** The index file of the working tree at `dir` (a linked worktree has its own). */
async function indexFileOf(dir: string): Promise<string> {
  return path.resolve(dir, (await gitOutput(dir, ['rev-parse', '--git-path', 'index'])).toString('utf8').trim());
}

/**
 * Sets the working tree's index to hold `edits` (a repository without commits and without an
 * index, `first`, gets a new one written directly, see writeFirstIndex), then commits `tree`
 * (when given) from the temporary index `commitIndex`.
 */
async function commitTree(
  dir: string,
  edits: FileEdits,
  known: KnownFiles,
  first: boolean,
  tree: string | undefined,
  message: string,
  commitIndex: Record<string, string>,
): Promise<void> {
  try {
    const written = first ? await writeFirstIndex(dir, edits, known) : undefined;
    if (written === undefined) {
      await runGit(dir, ['update-index', '-z', '--index-info'], { input: indexInfo(edits, known.idOf) });
      // Stat data for the entries just set (and any other stale one): the files are hashed, not stored.
      await runGit(dir, ['update-index', '-q', '--refresh'], { exitCodes: [0, 1] });
    }
    if (tree === undefined) return;
    // When the working tree's index holds exactly that tree (nothing else staged), the commit
    // starts from a copy of it: its stat data spares `git commit` hashing every file again.
    const same = await runGit(dir, ['diff-index', '--cached', '--quiet', tree, '--'], { exitCodes: [0, 1] });
    if (same.code === 0) await copyFile(written ?? (await indexFileOf(dir)), commitIndex.GIT_INDEX_FILE as string);
    else await runGit(dir, ['read-tree', tree], { env: commitIndex });
    await runGit(dir, ['commit', '--quiet', '--file', '-'], { input: message, env: commitIndex });
  } catch (error) {
    throw new GitError(`could not commit: ${firstLine(error)}`, { cause: error });
  }
}

/** Writes the blobs and trees of HEAD (`before`) plus `edits` into one pack (through the file `stream`); the tree's id. */
function packEdits(dir: string, ref: string, before: string | undefined, edits: FileEdits, stream: string): Promise<string> {
  const message = 'octosync staging\n';
  // Written and git started before this returns its promise (one file: cheap), a megabyte at a
  // time: the stream is never held whole beside the texts it copies.
  const out = new BatchedFile(stream);
  try {
    out.write(`feature done\ncommit ${ref}\ncommitter ${OCTOSYNC_AUTHOR.name} <${OCTOSYNC_AUTHOR.email}> 0 +0000\ndata ${Buffer.byteLength(message)}\n${message}${before ? `from ${before}\n` : ''}`);
    for (const [file, content] of edits) {
      if (content === null) {
        out.write(`D ${quotePath(file)}\n`);
        continue;
      }
      out.write(`M 100644 inline ${quotePath(file)}\ndata ${Buffer.byteLength(content)}\n`);
      out.write(content);
      out.write('\n');
    }
    out.write('\ndone\n');
  } finally {
    out.close();
  }
  return runGit(dir, ['fast-import', '--quiet', '--done', '--date-format=raw'], { inputFile: stream }).then(() => treeOf(dir, ref));
}

/** A file written in pieces of about a megabyte, synchronously. */
class BatchedFile {
  private readonly fd: number;
  private pending: string[] = [];
  private size = 0;

  constructor(file: string) {
    this.fd = fs.openSync(file, 'w');
  }

  write(content: string | Buffer): void {
    if (typeof content !== 'string') {
      this.flush();
      this.writeAll(content);
      return;
    }
    this.pending.push(content);
    this.size += content.length;
    if (this.size >= 1 << 20) this.flush();
  }

  close(): void {
    try {
      this.flush();
    } finally {
      fs.closeSync(this.fd);
    }
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const bytes = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.size = 0;
    this.writeAll(bytes);
  }

  private writeAll(bytes: Buffer): void {
    for (let at = 0; at < bytes.length; ) at += fs.writeSync(this.fd, bytes, at);
  }
}

/** The tree id of a commit or ref. */
async function treeOf(dir: string, commit: string): Promise<string> {
  return (await gitOutput(dir, ['rev-parse', '--verify', `${commit}^{tree}`])).toString('utf8').trim();
}

/** A path as fast-import reads it: C-style quoted, so any name (spaces, quotes, newlines) is taken whole. */
function quotePath(file: string): string {
  return `"${file.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n')}"`;
}

/** What a caller knows of the files it commits: their blob ids, and the stat data of those it wrote (see STAT_FIELDS). */
interface KnownFiles {
  idOf: (file: string, content: string | Buffer) => string;
  statOf: (file: string) => ArrayLike<number> | undefined;
}

/**
 * The stat data a Git index keeps of a file, in its order, each the low 32 bits: ctime seconds and
 * nanoseconds, mtime seconds and nanoseconds, device, inode, mode, user, group, size.
 */
export const STAT_FIELDS = 10;

/** The fields of a `bigint` stat a Git index is made from (see indexStat), in its order. */
export const RAW_STAT_FIELDS = ['ctimeNs', 'mtimeNs', 'dev', 'ino', 'mode', 'uid', 'gid', 'size'] as const;

/** RAW_STAT_FIELDS's values as a Git index keeps them (STAT_FIELDS): the times split into seconds and nanoseconds. */
export function indexStat(raw: ArrayLike<bigint>): number[] {
  const second = 1_000_000_000n;
  const [ctime = 0n, mtime = 0n, ...rest] = Array.from(raw);
  return [ctime / second, ctime % second, mtime / second, mtime % second, ...rest].map((value) => Number(BigInt.asUintN(32, value)));
}

/**
 * The index of a repository's first commit, written directly: every file of `edits`, by its id,
 * with the stat data of the file the working tree has (what `update-index --refresh` would record,
 * without reading and hashing every file again): as the caller read it right after writing it,
 * else read now. Only where nothing can be lost or differ: `.git` is the repository's own folder,
 * it has no index yet, and each file is in the working tree with the size of its content (else
 * undefined: the caller stages through git). Taken under `index.lock`, as git does, so a git
 * holding it makes this fail. The index file's path.
 */
async function writeFirstIndex(dir: string, edits: FileEdits, known: KnownFiles): Promise<string | undefined> {
  const gitDir = path.join(dir, '.git');
  const index = path.join(gitDir, 'index');
  if (!fs.statSync(gitDir, { throwIfNoEntry: false })?.isDirectory() || existsSync(index)) return undefined;
  const entries: IndexEntry[] = [];
  for (const [file, content] of edits) {
    if (content === null) return undefined;
    let stat = known.statOf(file);
    if (stat === undefined) {
      const found = fs.lstatSync(path.join(dir, file), { bigint: true, throwIfNoEntry: false });
      if (!found?.isFile()) return undefined;
      stat = indexStat(RAW_STAT_FIELDS.map((field) => found[field]));
    }
    // Not the size of its content, or executable (the tree says 100644): git is asked instead.
    if (stat[9] !== Buffer.byteLength(content) || ((stat[6] as number) & 0o111) !== 0) return undefined;
    entries.push({ name: Buffer.from(file, 'utf8'), id: known.idOf(file, content), stat });
  }
  const lock = `${index}.lock`;
  try {
    fs.writeFileSync(lock, indexFile(entries), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new GitError(`Unable to create '${lock}': File exists (another git process seems to be running in this repository)`, { cause: error });
    throw error;
  }
  await rename(lock, index);
  return index;
}

interface IndexEntry {
  name: Buffer;
  id: string;
  stat: ArrayLike<number>;
}

/**
 * A Git index (version 2, no extensions): its entries sorted by path bytes, each with its stat data
 * (mode 100644, as the commit's tree has it), id and flags (the name's length), padded with NULs
 * to a multiple of 8 bytes; then the SHA-1 of it all.
 */
function indexFile(entries: IndexEntry[]): Buffer {
  entries.sort((a, b) => Buffer.compare(a.name, b.name));
  const size = entries.reduce((sum, entry) => sum + ((62 + entry.name.length + 8) & ~7), 12);
  const out = Buffer.alloc(size + 20);
  out.write('DIRC', 0, 'latin1');
  out.writeUInt32BE(2, 4);
  out.writeUInt32BE(entries.length, 8);
  let at = 12;
  for (const { name, id, stat } of entries) {
    for (let field = 0; field < STAT_FIELDS; field++) out.writeUInt32BE(field === 6 ? 0o100644 : (stat[field] as number), at + field * 4);
    out.write(id, at + 40, 'hex');
    out.writeUInt16BE(Math.min(name.length, 0xfff), at + 60);
    name.copy(out, at + 62);
    at += (62 + name.length + 8) & ~7;
  }
  createHash('sha1').update(out.subarray(0, size)).digest().copy(out, size);
  return out;
}

/** `update-index -z --index-info` lines setting each edited path to its blob, or removing it. */
function indexInfo(edits: FileEdits, idOf: (file: string, content: string | Buffer) => string): string {
  const zero = '0'.repeat(40);
  const lines: string[] = [];
  for (const [file, content] of edits) lines.push(content === null ? `0 ${zero}\t${file}\0` : `100644 ${idOf(file, content)}\t${file}\0`);
  return lines.join('');
}

interface GitRun {
  /** Given on git's standard input. */
  input?: string;
  /** A file given as git's standard input (read by git itself, whatever this thread is doing). */
  inputFile?: string;
  /** Added to git's environment. */
  env?: Record<string, string>;
  /** Exit codes that are answers, not failures (default: 0 only). */
  exitCodes?: readonly number[];
}

/** Runs the system git in `dir`; rejects with its error output on an exit code not in `exitCodes`. */
async function runGit(dir: string, args: readonly string[], run: GitRun = {}): Promise<{ output: Buffer; code: number }> {
  return new Promise((resolve, reject) => {
    const input = run.inputFile === undefined ? 'pipe' : fs.openSync(run.inputFile, 'r');
    const child = spawn('git', args, { cwd: dir, env: { ...gitEnvironment(process.env), ...run.env }, stdio: [input, 'pipe', 'pipe'] });
    if (typeof input === 'number') fs.closeSync(input); // the child has its own
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const output = Buffer.concat(stdout);
      if (code !== null && (run.exitCodes ?? [0]).includes(code)) resolve({ output, code });
      else reject(new Error((Buffer.concat(stderr).toString('utf8') || output.toString('utf8')).trim() || `git ${args.find((arg) => !arg.startsWith('-') && !arg.includes('=')) ?? ''} exited with ${code}`));
    });
    child.stdin?.on('error', () => undefined); // git may exit before reading it all; its exit code says why
    child.stdin?.end(run.input ?? '');
  });
}

/** Git's standard output, for a run that must succeed. */
async function gitOutput(dir: string, args: readonly string[], input?: string): Promise<Buffer> {
  return (await runGit(dir, args, input === undefined ? {} : { input })).output;
}

/** Resolves a ref (branch, tag, sha) to a commit sha in the repository at `dir`. */
export async function resolveRef(dir: string, ref: string): Promise<string> {
  const gitdir = await gitDirOf(dir);
  try {
    return await git.resolveRef({ fs, gitdir, ref: ref === 'HEAD' ? await headRef(dir, gitdir) : ref });
  } catch {
    try {
      return await git.expandOid({ fs, gitdir, oid: ref });
    } catch (error) {
      throw new GitError(`'${ref}' is not a branch, tag or commit of ${dir}`, { cause: error });
    }
  }
}

/**
 * The Git directory isomorphic-git reads objects and refs from. In a linked worktree `.git` is a
 * file pointing into the main repository, whose common directory holds them.
 */
async function gitDirOf(dir: string): Promise<string> {
  const dotGit = path.join(dir, '.git');
  if (!existsSync(dotGit) || fs.statSync(dotGit).isDirectory()) return dotGit;
  const common = (await simpleGit({ baseDir: dir }).env(gitEnvironment(process.env)).revparse(['--git-common-dir'])).trim();
  return path.resolve(dir, common);
}

/** HEAD of this working tree (a linked worktree's own HEAD is not the common directory's). */
async function headRef(dir: string, gitdir: string): Promise<string> {
  if (gitdir === path.join(dir, '.git')) return 'HEAD';
  return (await simpleGit({ baseDir: dir }).env(gitEnvironment(process.env)).revparse(['HEAD'])).trim();
}

/**
 * Files (path → text) of the tree at `commit` whose paths `wanted` selects: the tree listed by one
 * `git ls-tree`, the blobs read by one `git cat-file --batch`, whatever the number of files.
 */
export async function readFilesAt(dir: string, commit: string, wanted: (file: string) => boolean): Promise<Map<string, string>> {
  return (await readFilesAndBlobsAt(dir, commit, wanted)).files;
}

/** Like readFilesAt, with the blob id of each file (path → id). */
export async function readFilesAndBlobsAt(dir: string, commit: string, wanted: (file: string) => boolean): Promise<{ files: Map<string, string>; blobs: Map<string, string> }> {
  const blobs = await listBlobsAt(dir, commit, wanted);
  const texts = await readBlobs(dir, new Set(blobs.values()));
  return { files: new Map([...blobs].map(([file, oid]) => [file, texts.get(oid) as string])), blobs };
}

/** Blob ids (path → id) of the tree at `commit` whose paths `wanted` selects. */
export async function listBlobsAt(dir: string, commit: string, wanted: (file: string) => boolean): Promise<Map<string, string>> {
  const listing = (await gitOutput(dir, ['ls-tree', '-r', '-z', '--full-tree', commit])).toString('utf8');
  const blobs = new Map<string, string>();
  for (const entry of listing.split('\0')) {
    // `<mode> <type> <id>\t<path>`
    const tab = entry.indexOf('\t');
    if (tab === -1) continue;
    const [, type, oid] = entry.slice(0, tab).split(' ');
    const file = entry.slice(tab + 1);
    if (type === 'blob' && oid && wanted(file)) blobs.set(file, oid);
  }
  return blobs;
}

/** The text of each blob, all read through one `git cat-file --batch`. */
export async function readBlobs(dir: string, oids: ReadonlySet<string>): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  if (oids.size === 0) return texts;
  const output = await gitOutput(dir, ['cat-file', '--batch'], [...oids].map((oid) => `${oid}\n`).join(''));
  // Each object: `<id> <type> <size>\n<content>\n` (`<id> missing\n` for none).
  for (let at = 0; at < output.length; ) {
    const lineEnd = output.indexOf(0x0a, at);
    const [oid, type, size] = output.toString('utf8', at, lineEnd).split(' ');
    if (type === 'missing' || oid === undefined) throw new GitError(`the repository at ${dir} has no object ${oid}`);
    const start = lineEnd + 1;
    const end = start + Number(size);
    texts.set(oid, output.toString('utf8', start, end));
    at = end + 1;
  }
  return texts;
}

/** The id git gives a blob of `text` (`git hash-object`), computed in-process. */
export function blobId(text: string): string {
  return blobIdOf(text);
}

function blobIdOf(content: string | Buffer): string {
  return createHash('sha1').update(`blob ${Buffer.byteLength(content)}\0`).update(content).digest('hex');
}

/**
 * Paths whose working-tree file (or index entry) differs from HEAD, deleted ones included, by
 * one `git diff-index` (stat data first, content only where that is stale); undefined in a
 * repository without commits.
 */
export async function changedSinceHead(dir: string): Promise<Set<string> | undefined> {
  const head = await headCommit(simpleGit({ baseDir: dir }).env(gitEnvironment(process.env)));
  if (head === undefined) return undefined;
  const output = (await gitOutput(dir, ['diff-index', '--name-only', '-z', '--no-renames', head, '--'])).toString('utf8');
  return new Set(output.split('\0').filter((file) => file !== ''));
}

/** A branch head: a local branch, or `origin`'s copy of one (all a CI clone has). */
export interface BranchHead {
  /** The branch's name (`production`, also for `origin/production`). */
  name: string;
  /** The ref to show (`production` or `origin/production`). */
  ref: string;
  commit: string;
}

/**
 * Every branch head of the repository, one per branch name: the local branch, else `origin`'s
 * copy (a CI clone has only those; a daemon's clone fetches into local branches).
 */
export async function branchHeads(dir: string): Promise<BranchHead[]> {
  const gitdir = await gitDirOf(dir);
  const heads = new Map<string, BranchHead>();
  for (const name of await git.listBranches({ fs, gitdir, remote: 'origin' }).catch(() => [] as string[])) {
    if (name === 'HEAD') continue;
    heads.set(name, { name, ref: `origin/${name}`, commit: await git.resolveRef({ fs, gitdir, ref: `refs/remotes/origin/${name}` }) });
  }
  for (const name of await git.listBranches({ fs, gitdir })) {
    heads.set(name, { name, ref: name, commit: await git.resolveRef({ fs, gitdir, ref: `refs/heads/${name}` }) });
  }
  return [...heads.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** One file's text at a commit, or undefined when the commit does not have it. */
export async function readFileAt(dir: string, commit: string, file: string): Promise<string | undefined> {
  // What a commit holds never changes, whatever the repository: a commit's id names its content.
  const key = FULL_ID.test(commit) ? `${commit}:${file}` : undefined;
  const kept = key === undefined ? undefined : filesReadAt.get(key);
  if (kept) return kept.text;
  try {
    const { blob } = await git.readBlob({ fs, gitdir: await gitDirOf(dir), oid: commit, filepath: file });
    const text = Buffer.from(blob).toString('utf8');
    if (key !== undefined) filesReadAt.set(key, { text });
    return text;
  } catch (error) {
    if ((error as { code?: string }).code !== 'NotFoundError') throw error;
    if (key !== undefined) filesReadAt.set(key, { text: undefined });
    return undefined;
  }
}

const FULL_ID = /^[0-9a-f]{40}$/;

/**
 * Files read by readFileAt, by commit and path: a daemon reads the same few (octosync.yaml, each
 * destination's file, what each last applied) at the same commits for every destination and at
 * every look, each a walk of the object store otherwise. Bounded by their size.
 */
const filesReadAt = new LRUCache<string, { text: string | undefined }>({ maxSize: 4 * 1024 * 1024, sizeCalculation: (kept, key) => key.length + (kept.text?.length ?? 0) });

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

/** The commit a ref points at, or undefined when the repository has no such ref. */
export async function readRef(dir: string, ref: string): Promise<string | undefined> {
  try {
    return await git.resolveRef({ fs, gitdir: await gitDirOf(dir), ref });
  } catch (error) {
    if ((error as { code?: string }).code === 'NotFoundError') return undefined;
    throw error;
  }
}

/** Whether `ancestor` is `commit` or one of its ancestors. */
export async function isAncestor(dir: string, ancestor: string, commit: string): Promise<boolean> {
  if (ancestor === commit) return true;
  return git.isDescendent({ fs, gitdir: await gitDirOf(dir), oid: commit, ancestor, depth: -1 });
}

/**
 * Points `ref` at a new commit whose tree holds only `files` (path → text), with the ref's
 * current commit as its parent: a small history of records kept apart from every branch.
 */
export async function commitFilesToRef(dir: string, ref: string, files: Readonly<Record<string, string>>, message: string): Promise<string> {
  const gitdir = await gitDirOf(dir);
  const tree = await git.writeTree({
    fs,
    gitdir,
    tree: await Promise.all(
      Object.entries(files)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(async ([filepath, text]) => ({ mode: '100644', path: filepath, type: 'blob' as const, oid: await git.writeBlob({ fs, gitdir, blob: Buffer.from(text, 'utf8') }) })),
    ),
  });
  const parent = await readRef(dir, ref);
  const who = { ...OCTOSYNC_AUTHOR, timestamp: Math.floor(Date.now() / 1000), timezoneOffset: 0 };
  const commit = await git.writeCommit({ fs, gitdir, commit: { message, tree, parent: parent ? [parent] : [], author: who, committer: who } });
  await git.writeRef({ fs, gitdir, ref, value: commit, force: true });
  return commit;
}
