// The simulator is an independent implementation of the Octopus API: it must not import
// octosync's own code, or a misunderstanding shared with the reconciler would pass every test.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importedSpecifiers, resolveRelative, sourceFiles, srcRoot } from '../support/imports.js';

const simulatorRoot = path.join(srcRoot, 'simulator');

describe('simulator independence', () => {
  const files = sourceFiles(simulatorRoot);

  it('finds the simulator sources', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files.map((file) => [path.relative(srcRoot, file), file]))('%s imports nothing outside src/simulator', (_name, file) => {
    const outside = importedSpecifiers(readFileSync(file, 'utf8'))
      .map((specifier) => ({ specifier, target: resolveRelative(file, specifier) }))
      .filter(({ target }) => target !== undefined && !target.startsWith(simulatorRoot + path.sep));
    expect(outside.map((o) => o.specifier)).toEqual([]);
  });

  it('recognises the imports it must reject', () => {
    const source = [
      "import { computePlan } from '../core/plan.js';",
      "import type { Kind } from '../../kinds/registry.js';",
      "export { x } from '../commands/apply.js';",
      "const m = await import('../daemon/watch.js');",
      "import '../kinds/side-effect.js';",
    ].join('\n');
    expect(importedSpecifiers(source)).toEqual([
      '../core/plan.js',
      '../../kinds/registry.js',
      '../commands/apply.js',
      '../daemon/watch.js',
      '../kinds/side-effect.js',
    ]);
    const file = path.join(simulatorRoot, 'handlers', 'x.ts');
    expect(resolveRelative(file, '../../core/plan.js')?.startsWith(simulatorRoot + path.sep)).toBe(false);
    expect(resolveRelative(file, '../store.js')?.startsWith(simulatorRoot + path.sep)).toBe(true);
  });
});
