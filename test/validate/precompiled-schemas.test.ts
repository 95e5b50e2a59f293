// The validators `npm run build` precompiles from the schemas (ajv standalone code) say exactly
// what the schemas compiled at run time say, and are used only for the schema files they came from.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '../../src/core/document.js';
import { buildSchemaSet, precompiledSource, readPrecompiled, schemaFiles, schemasDigest } from '../../src/validate/schemas.js';
import type { Validators } from '../../src/validate/schemas.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = path.join(ROOT, 'state-repo-example');

async function exampleDocuments(): Promise<Json[]> {
  const files = (await readdir(EXAMPLE, { recursive: true })).filter((file) => file.endsWith('.yaml'));
  return Promise.all(files.map(async (file) => parse(await readFile(path.join(EXAMPLE, file), 'utf8')) as Json));
}

/** Each document as it is, with a field no schema knows, and with every top-level value of the wrong type. */
function variants(document: Json): Json[] {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) return [document];
  return [document, { ...document, NoSuchField: true }, Object.fromEntries(Object.keys(document).map((key) => [key, 42])), {}];
}

describe('precompiled schema validators', () => {
  const files = schemaFiles();
  let work: string;
  let file: string;

  beforeAll(async () => {
    // Inside the package: the generated code requires ajv's run-time helpers, as dist/'s does.
    await mkdir(path.join(ROOT, 'node_modules', '.cache'), { recursive: true });
    work = await mkdtemp(path.join(ROOT, 'node_modules', '.cache', 'octosync-precompiled-'));
    file = path.join(work, 'schemas-compiled.cjs');
    await writeFile(file, precompiledSource(files));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('are read only for the schema files they were generated from', () => {
    expect(readPrecompiled(file, schemasDigest(files))).toBeDefined();
    const edited = new Map(files);
    edited.set('projects.schema.json', `${files.get('projects.schema.json')} `);
    expect(schemasDigest(edited)).not.toBe(schemasDigest(files));
    expect(readPrecompiled(file, schemasDigest(edited))).toBeUndefined();
    expect(readPrecompiled(path.join(work, 'missing.cjs'), schemasDigest(files))).toBeUndefined();
  });

  it('report the same issues as the schemas compiled at run time, for every document of the example repository against every schema', async () => {
    const precompiled = readPrecompiled(file, schemasDigest(files));
    expect(precompiled).toBeDefined();
    const compiledAtRunTime = buildSchemaSet(files);
    const fromBuild = buildSchemaSet(files, precompiled as Validators);
    expect(fromBuild.names()).toEqual(compiledAtRunTime.names());
    let failing = 0;
    let compared = 0;
    for (const document of await exampleDocuments()) {
      for (const value of variants(document)) {
        for (const name of compiledAtRunTime.names()) {
          const expected = compiledAtRunTime.validate(name, value);
          expect(fromBuild.validate(name, value), `${name}: ${JSON.stringify(value).slice(0, 80)}`).toEqual(expected);
          if (expected.length > 0) failing += 1;
          compared += 1;
        }
      }
    }
    // The comparison covers documents that pass and documents that fail.
    expect(failing).toBeGreaterThan(100);
    expect(compared - failing).toBeGreaterThan(10);
  });

  it('are what a schema set validates with when given', () => {
    const refuseAll = Object.assign(() => false, { errors: [{ instancePath: '/Name', schemaPath: '#/x', keyword: 'x', params: {}, message: 'precompiled says no' }] });
    const set = buildSchemaSet(files, { projects: refuseAll as unknown as Validators[string] });
    expect(set.validate('projects', {})).toEqual([{ pointer: '/Name', message: 'precompiled says no' }]);
    // Schemas it has no validator for are compiled.
    expect(set.validate('environments', { Name: 'Dev' })).toEqual([]);
  });
});
