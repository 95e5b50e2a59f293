// Parsed files of a state repository by Git blob id, kept between runs: a blob's content never
// changes, so a daemon that plans many destinations of the same commits (and commit after commit,
// where most files stay the same) parses each file once. Bounded by the size of the files kept,
// least recently used first out. Every run is given the same values, frozen: plans and overlays
// copy what they change, and one destination's overlay must never reach another (a change
// attempted on a shared value throws rather than reaching the others).
// A commit whose files passed validation is remembered too: the many destinations that plan the
// same commit validate it once (validation depends on the files alone, and a commit's never change).
// So is what a commit holds (its listing and its texts), for a minute: the destinations that plan
// one commit one after the other read it from Git once.
import { LRUCache } from 'lru-cache';
import type { Json } from '../core/document.js';
import { readFilesAndBlobsAt } from './git.js';

/** Bytes of YAML kept parsed by default (their parsed form takes a few times as much). */
export const DEFAULT_PARSED_BYTES = 32 * 1024 * 1024;

interface Kept {
  value: Json;
  /** Paths at which this content passed validation's checks of one file (schema, fields). */
  cleanAt: Set<string>;
}

/** Commits remembered as valid, at most (a few bytes each, plus the paths that have a value). */
const VALID_COMMITS = 64;

/** Commits whose files are kept, and for how long: long enough for every destination to plan the newest. */
const READ_COMMITS = 2;
const READ_KEPT_MS = 60_000;

/** A commit's files: path → text, and path → blob id. */
type CommitFiles = Awaited<ReturnType<typeof readFilesAndBlobsAt>>;

export class ParsedDocuments {
  private readonly values: LRUCache<string, Kept>;
  /** Commit id → how many files of it were validated, and which of them have a value. */
  private readonly validCommits = new LRUCache<string, { files: number; valued: readonly string[] }>({ max: VALID_COMMITS });
  /** Selection → repository and commit → its files, being read or read (see filesAt). */
  private readonly reads = new WeakMap<(file: string) => boolean, LRUCache<string, Promise<CommitFiles>>>();
  /** Files found parsed, and files parsed in a run and kept (for /metrics and tests). */
  hits = 0;
  misses = 0;
  /** Commits read from Git (once per commit and selection while kept). */
  commitsRead = 0;

  constructor(maxBytes = DEFAULT_PARSED_BYTES) {
    this.values = new LRUCache({ maxSize: maxBytes });
  }

  /**
   * The files of `commit` that `wanted` selects, read from Git once while kept: runs that pass the
   * same `wanted` (one function, not an equal one) share what one read. Callers must not change them.
   */
  filesAt(dir: string, commit: string, wanted: (file: string) => boolean): Promise<CommitFiles> {
    const byCommit = this.reads.get(wanted) ?? new LRUCache<string, Promise<CommitFiles>>({ max: READ_COMMITS, ttl: READ_KEPT_MS, ttlAutopurge: true });
    this.reads.set(wanted, byCommit);
    const key = `${dir}\0${commit}`;
    const kept = byCommit.get(key);
    if (kept) return kept;
    this.commitsRead += 1;
    const reading = readFilesAndBlobsAt(dir, commit, wanted);
    byCommit.set(key, reading);
    // A failed read (git busy, a commit not fetched yet) is tried again by the next run.
    reading.catch(() => byCommit.delete(key));
    return reading;
  }

  /** The value of blob `oid`, if it was kept: frozen, shared by every run that reads it. */
  get(oid: string): Json | undefined {
    return this.values.get(oid)?.value;
  }

  /** Keeps a frozen copy of the value of blob `oid`, whose text is `bytes` long. */
  set(oid: string, value: Json, bytes: number): void {
    if (this.values.has(oid)) return;
    this.values.set(oid, { value: frozen(structuredClone(value)), cleanAt: new Set() }, { size: Math.max(1, bytes) });
  }

  /** Whether blob `oid` at `path` passed validation's checks of one file before. */
  isClean(oid: string, path: string): boolean {
    return this.values.peek(oid)?.cleanAt.has(path) ?? false;
  }

  markClean(oid: string, path: string): void {
    this.values.peek(oid)?.cleanAt.add(path);
  }

  /** Whether commit `commit`'s `files` passed validation before and `parsed` holds every value it gave. */
  isValid(commit: string, files: ReadonlyMap<string, string>, parsed: ReadonlyMap<string, Json>): boolean {
    const valid = this.validCommits.get(commit);
    return valid !== undefined && valid.files === files.size && valid.valued.every((file) => parsed.has(file));
  }

  markValid(commit: string, files: ReadonlyMap<string, string>, values: ReadonlyMap<string, Json>): void {
    this.validCommits.set(commit, { files: files.size, valued: [...values.keys()] });
  }
}

/**
 * `value`, frozen through and through: what one run is given is what every other run is given, so
 * a change would reach them all; frozen, an attempt throws instead (modules run in strict mode).
 */
function frozen(value: Json): Json {
  if (typeof value !== 'object' || value === null) return value;
  for (const item of Object.values(value)) frozen(item);
  Object.freeze(value);
  return value;
}

/** A commit's files: their texts, the values already parsed, and a way to keep what was parsed now. */
export interface FilesAt {
  files: Map<string, string>;
  /** Path → value, for the files whose blob was found in the cache. */
  parsed: Map<string, Json>;
  /** Files whose blob, at the same path, passed validation's checks of one file before. */
  clean: Set<string>;
  /**
   * Whether these files passed validation before (same commit, same files) and `parsed` holds
   * every value validation gave: validating them again would find nothing new.
   */
  valid: boolean;
  /**
   * Keeps the values of the files parsed in this run (path → value) by their blobs, and which
   * were clean; `valid` says the whole commit passed validation.
   */
  keep(values: ReadonlyMap<string, Json>, clean?: ReadonlySet<string>, valid?: boolean): void;
}

/**
 * The files of `commit` that `wanted` selects, with what `cache` knows of them already parsed (and,
 * with a cache, read from Git once for every run that passes the same `wanted`).
 */
export async function readParsedFilesAt(dir: string, commit: string, wanted: (file: string) => boolean, cache?: ParsedDocuments): Promise<FilesAt> {
  const { files, blobs } = cache ? await cache.filesAt(dir, commit, wanted) : await readFilesAndBlobsAt(dir, commit, wanted);
  const parsed = new Map<string, Json>();
  const clean = new Set<string>();
  if (!cache) return { files, parsed, clean, valid: false, keep: () => undefined };
  for (const [file, oid] of blobs) {
    const value = cache.get(oid);
    if (value === undefined) continue;
    cache.hits += 1;
    parsed.set(file, value);
    if (cache.isClean(oid, file)) clean.add(file);
  }
  const keep = (values: ReadonlyMap<string, Json>, cleanNow: ReadonlySet<string> = new Set(), valid = false) => {
    if (valid) cache.markValid(commit, files, values);
    for (const [file, value] of values) {
      const oid = blobs.get(file);
      if (oid === undefined) continue;
      if (!parsed.has(file)) {
        cache.misses += 1;
        cache.set(oid, value, Buffer.byteLength(files.get(file) ?? ''));
      }
      if (cleanNow.has(file)) cache.markClean(oid, file);
    }
  };
  return { files, parsed, clean, valid: cache.isValid(commit, files, parsed), keep };
}
