// Parsed files kept by blob between runs: a file is parsed (and checked against its schema) once
// for as long as its content stays the same at its path; a changed file is read, parsed and
// checked again, so an error it brings is found as before. On a real repository of the sample.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kindsInOrder } from '../../src/kinds/registry.js';
import { resolveRef } from '../../src/repo/git.js';
import { ParsedDocuments, readParsedFilesAt } from '../../src/repo/parsed-documents.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { validateRepository } from '../../src/validate/repository.js';
import { loadSchemas } from '../../src/validate/schemas.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';

let source: Simulator;
let repo: StateRepo;
/** The snapshot, valid (later commits of the tests may not be). */
let snapshot: string;
const schemas = loadSchemas();
const kinds = kindsInOrder();
const everything = () => true;
const ENVIRONMENT = 'spaces/default/environments/dev.yaml';

beforeAll(async () => {
  source = await startSimulator({ seed: 'sample' });
  repo = await stateRepo();
  await repo.snapshot(source);
  snapshot = await resolveRef(repo.dir, 'HEAD');
});

afterAll(async () => {
  await source.close();
  await repo.cleanup();
});

/** One run as a plan makes it: read, validate with what the cache knows, keep what is new. */
async function validateAt(cache: ParsedDocuments, commit: string) {
  const { files, parsed, clean, valid, keep } = await readParsedFilesAt(repo.dir, commit, everything, cache);
  const report = validateRepository(files, schemas, kinds, parsed, clean);
  keep(report.values, report.clean, report.errors.length === 0);
  return { report, parsed, clean, valid };
}

describe('parsed files kept by blob', () => {
  it('parses and checks a file once while it stays the same, and again once it changes', async () => {
    const cache = new ParsedDocuments();
    const first = await resolveRef(repo.dir, 'HEAD');
    const run1 = await validateAt(cache, first);
    expect(run1.report.errors).toEqual([]);
    expect(run1.parsed.size).toBe(0);
    const files = run1.report.values.size;
    expect(files).toBeGreaterThan(10);
    expect(cache.misses).toBe(files);

    const run2 = await validateAt(cache, first);
    expect(run2.parsed.size).toBe(files);
    expect(run2.clean.size).toBe(run1.report.clean.size);
    expect(run2.report.errors).toEqual([]);
    expect(cache.misses).toBe(files);

    // The Dev environment gains a field its schema refuses: only that file is new, and its error is found.
    expect(run2.clean.has(ENVIRONMENT)).toBe(true);
    const second = await repo.commitFile(ENVIRONMENT, 'Name: Dev\nUseGuidedFailure: sometimes\n');
    const run3 = await validateAt(cache, second);
    expect(cache.misses).toBe(files + 1);
    expect(run3.clean.has(ENVIRONMENT)).toBe(false);
    expect(run3.report.errors.map((e) => `${e.file} ${e.pointer}`)).toEqual([`${ENVIRONMENT} /UseGuidedFailure`]);
    expect(run3.report.clean.has(ENVIRONMENT)).toBe(false);

    // Still refused the next time, though its value is now kept.
    const run4 = await validateAt(cache, second);
    expect(run4.parsed.has(ENVIRONMENT)).toBe(true);
    expect(run4.report.errors.map((e) => e.file)).toEqual([ENVIRONMENT]);
  });

  it('shares the values it keeps, frozen: a change attempted by one run throws and never reaches the next', async () => {
    const cache = new ParsedDocuments();
    const head = await resolveRef(repo.dir, 'HEAD');
    const first = await validateAt(cache, head);
    const { parsed } = await validateAt(cache, head);
    const value = parsed.get('octosync.yaml') as Record<string, Record<string, unknown>>;
    const server = value.source?.server;
    expect(server).toEqual(expect.any(String));
    expect(() => {
      value.source = { server: 'changed by a run' };
    }).toThrow(TypeError);
    expect(() => {
      (value.source as Record<string, unknown>).server = 'changed by a run';
    }).toThrow(TypeError);
    // The first run's own values (parsed by it) are its own: changing them does not reach the kept ones.
    (first.report.values.get('octosync.yaml') as Record<string, Record<string, unknown>>).source = { server: 'changed by the first run' };
    const again = await validateAt(cache, head);
    expect((again.parsed.get('octosync.yaml') as Record<string, Record<string, unknown>>).source?.server).toBe(server);
  });

  it('reads a commit from Git once for every run of it with the same selection', async () => {
    const cache = new ParsedDocuments();
    const head = await resolveRef(repo.dir, 'HEAD');
    const [one, two] = await Promise.all([readParsedFilesAt(repo.dir, head, everything, cache), readParsedFilesAt(repo.dir, head, everything, cache)]);
    const three = await readParsedFilesAt(repo.dir, head, everything, cache);
    expect(cache.commitsRead).toBe(1);
    expect(three.files).toBe(one.files);
    expect(two.files.size).toBeGreaterThan(10);
    // Another selection, or another commit, is a read of its own.
    const environments = await readParsedFilesAt(repo.dir, head, (file) => file.includes('/environments/'), cache);
    expect(cache.commitsRead).toBe(2);
    expect([...environments.files.keys()].every((file) => file.includes('/environments/'))).toBe(true);
    const next = await repo.commitFile(ENVIRONMENT, 'Name: Dev\nDescription: read again\n');
    const changed = await readParsedFilesAt(repo.dir, next, everything, cache);
    expect(cache.commitsRead).toBe(3);
    expect(changed.files.get(ENVIRONMENT)).toContain('read again');
  });

  it('knows a commit that passed validation as valid while every value is kept; never one with an error', async () => {
    const cache = new ParsedDocuments();
    const head = snapshot;
    expect((await validateAt(cache, head)).valid).toBe(false);
    const again = await validateAt(cache, head);
    expect(again.valid).toBe(true);
    expect(again.parsed.size).toBe(again.report.values.size);

    // A commit with an error is validated (and refused) every time.
    const broken = await repo.commitFile(ENVIRONMENT, 'Name: Dev\nUseGuidedFailure: never-valid\n');
    expect((await validateAt(cache, broken)).report.errors).toHaveLength(1);
    const stillBroken = await validateAt(cache, broken);
    expect(stillBroken.valid).toBe(false);
    expect(stillBroken.report.errors).toHaveLength(1);

    // A cache too small to keep every value: validation must run again to give them.
    const small = new ParsedDocuments(1);
    await validateAt(small, head);
    expect((await validateAt(small, head)).valid).toBe(false);
  });
});
