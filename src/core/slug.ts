// File names from resource names: stable (never an id), readable, unique within a folder.

/** `Web Shop (EU)` → `web-shop-eu`. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug === '' ? 'unnamed' : slug;
}

/**
 * Gives each name a unique slug. Names are sorted first so the same set of names always gets the
 * same slugs, whatever order the server listed them in; a clash gets `-2`, `-3`, ...
 */
export function uniqueSlugs(names: readonly string[]): Map<string, string> {
  const result = new Map<string, string>();
  const taken = new Set<string>();
  for (const name of [...names].sort()) {
    const base = slugify(name);
    let slug = base;
    for (let n = 2; taken.has(slug); n += 1) slug = `${base}-${n}`;
    taken.add(slug);
    result.set(name, slug);
  }
  return result;
}
