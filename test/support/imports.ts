// Reading a source tree's imports, for the tests that keep folders depending one way.
import { readdirSync } from 'node:fs';
import path from 'node:path';

export const srcRoot = path.resolve(import.meta.dirname, '../../src');

export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Module specifiers of static imports, re-exports and dynamic imports. */
export function importedSpecifiers(source: string): string[] {
  const pattern = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;
  return [...source.matchAll(pattern)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

/** Where a relative import from `file` lands, or undefined for packages and node builtins. */
export function resolveRelative(file: string, specifier: string): string | undefined {
  return specifier.startsWith('.') ? path.resolve(path.dirname(file), specifier) : undefined;
}
