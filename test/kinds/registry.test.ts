// Every kind folder is registered, documented, has a schema, fixtures and tests, and the
// dependency graph is complete and acyclic.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DependencyError, dependencyOrder } from '../../src/core/order.js';
import { KINDS, kindsInOrder } from '../../src/kinds/registry.js';

const root = path.resolve(import.meta.dirname, '../..');
const kindFolders = readdirSync(path.join(root, 'src/kinds'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== 'shared')
  .map((entry) => entry.name)
  .sort();

describe('kind registry', () => {
  it('registers exactly the kind folders', () => {
    expect(KINDS.map((kind) => kind.name).sort()).toEqual(kindFolders);
  });

  it.each(kindFolders)('%s has a readme, a schema, fixtures and tests', (name) => {
    const missing = [
      `src/kinds/${name}/README.md`,
      `schemas/${name}.schema.json`,
      `test/kinds/${name}.test.ts`,
      `test/kinds/${name}/fixtures`,
    ].filter((file) => !existsSync(path.join(root, file)));
    expect(missing).toEqual([]);
    // Fixtures are JSON captured here, or recorded real payloads read in place from the reference
    // data (never copied in): the fixtures' readme says which and where from.
    const fixtures = readdirSync(path.join(root, `test/kinds/${name}/fixtures`));
    expect(fixtures).toContain('README.md');
    const readsReferenceData = readFileSync(path.join(root, `test/kinds/${name}.test.ts`), 'utf8').includes('/support/reference-data.js');
    expect(fixtures.some((file) => file.endsWith('.json')) || readsReferenceData).toBe(true);
  });

  it('orders every kind after the kinds it depends on', () => {
    const order = kindsInOrder().map((kind) => kind.name);
    for (const kind of KINDS) {
      for (const dependency of kind.dependsOn) expect(order.indexOf(dependency), `${kind.name} after ${dependency}`).toBeLessThan(order.indexOf(kind.name));
    }
  });

  it('rejects a missing dependency and a cycle, naming them', () => {
    expect(() => dependencyOrder([{ name: 'a', dependsOn: ['ghost'] }])).toThrow(new DependencyError("'a' depends on 'ghost', which does not exist"));
    expect(() =>
      dependencyOrder([
        { name: 'a', dependsOn: ['b'] },
        { name: 'b', dependsOn: ['c'] },
        { name: 'c', dependsOn: ['a'] },
      ]),
    ).toThrow('dependency cycle: a → b → c → a');
  });
});
