// Identities made of several names join them with `/`, so a `/` inside a name is escaped, as JSON
// pointers do it (`~` → `~0`, `/` → `~1`): project `A` with runbook `B/C` is `A/B~1C`, project
// `A/B` with runbook `C` is `A~1B/C`, never both `A/B/C`. A name without `/` or `~` is unchanged.

export function escapeName(name: string): string {
  // Most names hold neither: given back without two passes of a regular expression.
  if (!name.includes('~') && !name.includes('/')) return name;
  return name.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The JSON pointer of a path of keys and indexes (`/Steps/0/Name`). */
export function jsonPointer(...segments: (string | number)[]): string {
  let pointer = '';
  for (const segment of segments) pointer += `/${escapeName(String(segment))}`;
  return pointer;
}

export function unescapeName(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The identity of a document owned by another (a runbook of a project): `<owner>/<name>`, each escaped. */
export function ownedName(owner: string, name: string): string {
  return `${escapeName(owner)}/${escapeName(name)}`;
}

/** The owner's name in an identity `ownedName` made. */
export function ownerOfName(identity: string): string {
  return unescapeName(identity.split('/')[0] ?? identity);
}
