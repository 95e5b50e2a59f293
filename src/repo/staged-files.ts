// Whole new folders of the working tree (a first snapshot's thousands of files), written by
// another thread into a hidden staging folder while this one goes on working (normalizing,
// checking, committing), then moved into place with one rename each. Creating thousands of files
// and folders is mostly the kernel's work: done on this thread it would hold up everything else.
// Nothing reaches the working tree before `place`, so a snapshot refused halfway leaves it as it
// was.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, rename, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { RAW_STAT_FIELDS, indexStat } from './git.js';

/**
 * The writing thread's code (given as text, so the bundled CLI needs no file of its own). Each
 * message is a batch: one buffer with the bytes of its files, and where each file's bytes are;
 * `null` ends the thread. It answers each batch with its buffer and the stat fields a Git index is
 * made from (RAW_STAT_FIELDS per file, see repo/git.ts), read from the file it has just written
 * (moving its folder into place later changes none of them).
 */
const WRITER = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const made = new Set();
const fields = ${JSON.stringify(RAW_STAT_FIELDS)};
parentPort.on('message', (batch) => {
  if (batch === null) return parentPort.close();
  const bytes = Buffer.from(batch.bytes);
  const stats = new BigUint64Array(batch.files.length * fields.length);
  batch.files.forEach(([file, start, end], index) => {
    const target = path.join(workerData.root, file);
    const folder = path.dirname(target);
    if (!made.has(folder)) fs.mkdirSync(folder, { recursive: true });
    made.add(folder);
    const fd = fs.openSync(target, 'w');
    try {
      for (let at = start; at < end; ) at += fs.writeSync(fd, bytes, at, end - at);
      const stat = fs.fstatSync(fd, { bigint: true });
      stats.set(fields.map((field) => stat[field]), index * fields.length);
    } finally {
      fs.closeSync(fd);
    }
  });
  // The buffer is given back, to be freed by the busy thread's next collection rather than kept
  // until this one (which makes little garbage) collects.
  parentPort.postMessage({ bytes: batch.bytes, stats }, [batch.bytes, stats.buffer]);
});
`;

/** Characters of text per batch: each batch's bytes are held once more until written. */
const BATCH_SIZE = 1 << 20;

/** A staging folder's name starts with this (a dot folder: file listings of the working tree skip it). */
export const STAGING_PREFIX = '.octosync-staging-';

/**
 * How old a staging folder must be to be another snapshot's leftover (one killed while staging):
 * far longer than any snapshot stages, so a snapshot running beside this one keeps its own.
 */
const LEFTOVER_AGE_MS = 60 * 60 * 1000;

export class StagedFolders {
  private readonly staging: string;
  private readonly worker: Worker;
  private readonly written: Promise<void>;
  /** `dir` did not exist before: a snapshot refused leaves no empty folder behind. */
  private readonly newDir: boolean;
  private ended = false;
  private placed = false;
  /** The files of each batch sent and not answered yet, in order. */
  private readonly unanswered: string[][] = [];
  /** Stat data of each file written (see `statOf`). */
  private readonly stats = new Map<string, BigUint64Array>();

  /**
   * Starts the writer for `folders` (repository-relative, `spaces/default`), which the working
   * tree at `dir` does not have; `add` gives it their files.
   */
  constructor(
    private readonly dir: string,
    private readonly folders: readonly string[],
  ) {
    this.staging = path.join(dir, `${STAGING_PREFIX}${randomUUID().slice(0, 8)}`);
    this.newDir = !existsSync(dir);
    if (!this.newDir) removeLeftovers(dir, Date.now() - LEFTOVER_AGE_MS);
    mkdirSync(this.staging, { recursive: true });
    // Git never sees it, even when a killed process leaves it behind.
    writeFileSync(path.join(this.staging, '.gitignore'), '*\n');
    this.worker = new Worker(WRITER, { eval: true, workerData: { root: this.staging } });
    // Each batch's buffer (given back to be freed) and its files' stat data.
    this.worker.on('message', ({ stats }: { stats: BigUint64Array }) => {
      const files = this.unanswered.shift() ?? [];
      files.forEach((file, index) => this.stats.set(file, stats.subarray(index * RAW_STAT_FIELDS.length, (index + 1) * RAW_STAT_FIELDS.length)));
    });
    this.written = new Promise<void>((resolve, reject) => {
      this.worker.once('error', reject);
      this.worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the thread writing the new files stopped (exit code ${code})`))));
    });
    this.written.catch(() => undefined); // awaited by place(); a refused snapshot never asks
  }

  /** Whether `file` is in one of the staged folders (and so is written by `add`, not elsewhere). */
  holds(file: string): boolean {
    return this.folders.some((folder) => file.startsWith(`${folder}/`));
  }

  /** Queues the files (path → text) that are in a staged folder, in batches of about a megabyte. */
  add(files: Iterable<readonly [string, string]>): void {
    let batch: (readonly [string, string])[] = [];
    let size = 0;
    for (const entry of files) {
      if (!this.holds(entry[0])) continue;
      batch.push(entry);
      size += entry[1].length;
      if (size < BATCH_SIZE) continue;
      this.send(batch);
      batch = [];
      size = 0;
    }
    if (batch.length > 0) this.send(batch);
  }

  private send(batch: readonly (readonly [string, string])[]): void {
    let total = 0;
    for (const [, text] of batch) total += Buffer.byteLength(text);
    const bytes = Buffer.allocUnsafeSlow(total);
    const index: [string, number, number][] = [];
    let at = 0;
    for (const [file, text] of batch) {
      const end = at + bytes.write(text, at);
      index.push([file, at, end]);
      at = end;
    }
    // The bytes move to the writer (no copy); this thread keeps the texts for git.
    const buffer = bytes.buffer as ArrayBuffer;
    this.worker.postMessage({ files: index, bytes: buffer }, [buffer]);
    this.unanswered.push(batch.map(([file]) => file));
  }

  /**
   * The stat data of a file written and placed, as a Git index keeps it (see indexStat), as read
   * right after writing it; undefined for a file not written here.
   */
  statOf(file: string): number[] | undefined {
    const raw = this.placed ? this.stats.get(file) : undefined;
    return raw && indexStat(raw);
  }

  /** Moves every staged folder into place once all its files are written. */
  async place(): Promise<void> {
    this.end();
    await this.written;
    for (const folder of this.folders) {
      const staged = path.join(this.staging, folder);
      if (!existsSync(staged)) continue; // no file in it
      const target = path.join(this.dir, folder);
      await mkdir(path.dirname(target), { recursive: true });
      await rename(staged, target);
    }
    this.placed = true;
  }

  /** Stops the writer if it still runs and removes the staging folder (whatever was not placed). */
  async discard(): Promise<void> {
    await this.worker.terminate();
    await this.written.catch(() => undefined);
    await rm(this.staging, { recursive: true, force: true });
    if (this.newDir) await rmdir(this.dir).catch(() => undefined); // only when still empty
  }

  private end(): void {
    if (!this.ended) this.worker.postMessage(null);
    this.ended = true;
  }
}

/** Removes the staging folders in `dir` last changed before `before` (ms): killed snapshots' leftovers. */
function removeLeftovers(dir: string, before: number): void {
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(STAGING_PREFIX)) continue;
    const folder = path.join(dir, name);
    if (statSync(folder).mtimeMs < before) rmSync(folder, { recursive: true, force: true });
  }
}
