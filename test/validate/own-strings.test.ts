// A parsed file's values do not keep the file's text alive: a large repository's texts are let go
// once parsed, whatever the plan keeps of their values.
import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../../src/commands/plan-memory.js';
import type { JsonObject } from '../../src/core/document.js';
import { loadYaml } from '../../src/repo/yaml-load.js';
import { ownStrings } from '../../src/validate/own-strings.js';

const MB = 1024 * 1024;

/** Heap in use after a full collection, once the given parse's kept value alone is held. */
function heapHeldBy(parse: (text: string) => JsonObject): { held: number; kept: unknown[] } {
  collectGarbage();
  const before = v8.getHeapStatistics().used_heap_size;
  const kept: unknown[] = [];
  for (let file = 0; file < 8; file += 1) {
    const text = `Name: a name of file ${file}\nDescription: "${'x'.repeat(MB)}"\nSteps:\n  - Name: a step of file ${file}\n    Properties: {Script: "echo a script of file ${file}"}\n`;
    const value = parse(text);
    kept.push(value.Name, (value.Steps as JsonObject[])[0]);
  }
  collectGarbage();
  return { held: v8.getHeapStatistics().used_heap_size - before, kept };
}

describe('ownStrings', () => {
  it('keeps a parsed value equal, its strings no longer holding the text they came from', () => {
    const text = 'Name: a name long enough to be sliced\nItems: [short, another string long enough, 12, null, {Key: a value long enough to be sliced}]\n';
    const value = ownStrings(loadYaml(text, 'a.yaml'));
    expect(value).toEqual(loadYaml(text, 'a.yaml'));
    const parseSliced = (file: string) => loadYaml(file, 'big.yaml') as JsonObject;
    const parseOwned = (file: string) => ownStrings(loadYaml(file, 'big.yaml')) as JsonObject;
    // Once first, so what the first run of each compiles is not counted.
    heapHeldBy(parseSliced);
    heapHeldBy(parseOwned);
    const sliced = heapHeldBy(parseSliced);
    const owned = heapHeldBy(parseOwned);
    // The loader's values hold all eight 1 MB texts; copies hold a few bytes each.
    expect(sliced.held).toBeGreaterThan(owned.held + 6 * MB);
    expect(owned.kept).toEqual(sliced.kept);
  });

  it('leaves a __proto__ key as it was', () => {
    const value = ownStrings(loadYaml('__proto__: a value long enough to be sliced\nName: x\n', 'a.yaml')) as JsonObject;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'Name']);
  });
});
