// Parsed files of a state repository by Git blob id, kept between runs: a blob's content never
// changes, so a daemon that plans many destinations of the same commits (and commit after commit,
// where most files stay the same) parses each file once. Bounded by the size of the files kept,
// least recently used first out. Each run gets its own copy of what it reads: plans and overlays
// may change the documents they are given, and one destination's overlay must never reach another.
// A commit whose files passed validation is remembered too: the many destinations that plan the
// same commit validate it once (validation depends on the files alone, and a commit's never change).
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

export class ParsedDocuments {
  private readonly values: LRUCache<string, Kept>;
  /** Commit id → how many files of it were validated, and which of them have a value. */
  private readonly validCommits = new LRUCache<string, { files: number; valued: readonly string[] }>({ max: VALID_COMMITS });
  /** Files found parsed, and files parsed in a run and kept (for /metrics and tests). */
  hits = 0;
  misses = 0;

  constructor(maxBytes = DEFAULT_PARSED_BYTES) {
    this.values = new LRUCache({ maxSize: maxBytes });
  }

  /** A copy of the value of blob `oid`, if it was kept. */
  get(oid: string): Json | undefined {
    const kept = this.values.get(oid);
    if (kept === undefined) return undefined;
    return structuredClone(kept.value);
  }

  /** Keeps (a copy of) the value of blob `oid`, whose text is `bytes` long. */
  set(oid: string, value: Json, bytes: number): void {
    if (this.values.has(oid)) return;
    this.values.set(oid, { value: structuredClone(value), cleanAt: new Set() }, { size: Math.max(1, bytes) });
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

/** The files of `commit` that `wanted` selects, with what `cache` knows of them already parsed. */
export async function readParsedFilesAt(dir: string, commit: string, wanted: (file: string) => boolean, cache?: ParsedDocuments): Promise<FilesAt> {
  const { files, blobs } = await readFilesAndBlobsAt(dir, commit, wanted);
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
