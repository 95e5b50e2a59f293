// Folders depend one way: the CLI on commands and the daemon, those on the layers below, never
// the reverse; core/ is pure. A cycle between commands and the daemon (each importing the other)
// is what moved the apply lock and the status store into state/.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importedSpecifiers, resolveRelative, sourceFiles, srcRoot } from './support/imports.js';

/** Folder of src/ → folders of src/ it must never import. */
const FORBIDDEN: Record<string, string[]> = {
  core: ['cli', 'commands', 'daemon', 'state', 'kinds', 'octopus', 'repo', 'validate', 'simulator'],
  state: ['cli', 'commands', 'daemon', 'kinds', 'octopus', 'simulator'],
  kinds: ['cli', 'commands', 'daemon', 'state'],
  octopus: ['cli', 'commands', 'daemon', 'state', 'kinds'],
  repo: ['cli', 'commands', 'daemon', 'state'],
  validate: ['cli', 'commands', 'daemon', 'state'],
  commands: ['cli', 'daemon'],
  daemon: ['cli'],
};

function folderOf(file: string): string {
  return path.relative(srcRoot, file).split(path.sep)[0] ?? '';
}

describe('layers', () => {
  const files = sourceFiles(srcRoot).filter((file) => folderOf(file) in FORBIDDEN);

  it.each(files.map((file) => [path.relative(srcRoot, file), file]))('%s imports only the layers below it', (_name, file) => {
    const forbidden = FORBIDDEN[folderOf(file)] ?? [];
    const wrong = importedSpecifiers(readFileSync(file, 'utf8')).filter((specifier) => {
      const target = resolveRelative(file, specifier);
      return target !== undefined && forbidden.includes(folderOf(target));
    });
    expect(wrong).toEqual([]);
  });

  it('sees a wrong import', () => {
    const file = path.join(srcRoot, 'commands', 'apply.ts');
    const target = resolveRelative(file, '../daemon/lock.js') as string;
    expect(FORBIDDEN.commands).toContain(folderOf(target));
  });
});
