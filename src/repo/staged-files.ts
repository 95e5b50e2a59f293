// Whole new folders of the working tree (a first snapshot's thousands of files), written by
// another thread into a hidden staging folder while this one checks them, then moved into place
// with one rename each. Creating thousands of files is mostly the kernel's work: done on this
// thread it would hold up everything else. Nothing reaches the working tree before `place`, so a
// snapshot refused halfway leaves it as it was.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, rename, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * The writing thread's code (given as text, so the bundled CLI needs no file of its own): one
 * buffer holds every file's bytes, `files` says where each one's bytes are.
 */
const WRITER = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const bytes = Buffer.from(workerData.bytes);
const made = new Set();
for (const [file, start, end] of workerData.files) {
  const target = path.join(workerData.root, file);
  const folder = path.dirname(target);
  if (!made.has(folder)) fs.mkdirSync(folder, { recursive: true });
  made.add(folder);
  fs.writeFileSync(target, bytes.subarray(start, end));
}
`;

/** A staging folder's name starts with this (a dot folder: file listings of the working tree skip it). */
export const STAGING_PREFIX = '.octosync-staging-';

export class StagedFolders {
  private constructor(
    private readonly dir: string,
    private readonly staging: string,
    private readonly folders: readonly string[],
    private readonly written: Promise<void>,
    private readonly worker: Worker,
    /** `dir` did not exist before: a snapshot refused leaves no empty folder behind. */
    private readonly newDir: boolean,
  ) {}

  /**
   * Starts writing `files` (path → text, each inside one of `folders`, which the working tree at
   * `dir` does not have) into a staging folder of `dir`, on another thread.
   */
  static start(dir: string, folders: readonly string[], files: ReadonlyMap<string, string>): StagedFolders {
    const staging = path.join(dir, `${STAGING_PREFIX}${randomUUID().slice(0, 8)}`);
    const newDir = !existsSync(dir);
    mkdirSync(staging, { recursive: true });
    // Git never sees it, even when a killed process leaves it behind.
    writeFileSync(path.join(staging, '.gitignore'), '*\n');
    let total = 0;
    for (const text of files.values()) total += Buffer.byteLength(text);
    const bytes = Buffer.allocUnsafeSlow(total);
    const index: [string, number, number][] = [];
    let at = 0;
    for (const [file, text] of files) {
      const end = at + bytes.write(text, at);
      index.push([file, at, end]);
      at = end;
    }
    // The bytes move to the writer (no copy); this thread keeps the texts for git.
    const buffer = bytes.buffer as ArrayBuffer;
    const worker = new Worker(WRITER, { eval: true, workerData: { root: staging, files: index, bytes: buffer }, transferList: [buffer] });
    const written = new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the thread writing the new files stopped (exit code ${code})`))));
    });
    written.catch(() => undefined); // awaited by place(); a refused snapshot never asks
    return new StagedFolders(dir, staging, folders, written, worker, newDir);
  }

  /** Moves every staged folder into place once all its files are written. */
  async place(): Promise<void> {
    await this.written;
    for (const folder of this.folders) {
      const target = path.join(this.dir, folder);
      await mkdir(path.dirname(target), { recursive: true });
      await rename(path.join(this.staging, folder), target);
    }
  }

  /** Stops the writer if it still runs and removes the staging folder (whatever was not placed). */
  async discard(): Promise<void> {
    await this.worker.terminate();
    await this.written.catch(() => undefined);
    await rm(this.staging, { recursive: true, force: true });
    if (this.newDir) await rmdir(this.dir).catch(() => undefined); // only when still empty
  }
}
