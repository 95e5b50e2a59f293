// Which names documents refer to that exist nowhere. `validate` checks a repository against
// itself; `plan` checks the desired state against itself plus the destination (what it has and
// what never-synced kinds, such as accounts, it holds).
import type { KindDocument } from './document.js';
import { objectsOf } from './document.js';

/** A name a document refers to (what a kind's `references` returns). */
export interface NameReference {
  pointer: string;
  kind: string;
  name: string;
  project?: string;
}


/** Names known to exist, by kind (and project for channels and runbooks), case-insensitive. */
export class KnownNames {
  private readonly names = new Set<string>();

  add(kind: string, name: string, project?: string): void {
    this.names.add(KnownNames.key(kind, name, project));
  }

  has(ref: Pick<NameReference, 'kind' | 'name' | 'project'>): boolean {
    return this.names.has(KnownNames.key(ref.kind, ref.name, ref.project));
  }

  /** Names every space has without a document defining them, by kind (built-in feeds, system teams, ...). */
  addBuiltIns(names: Readonly<Partial<Record<string, readonly string[]>>>): this {
    for (const [kind, list] of Object.entries(names)) for (const name of list ?? []) this.add(kind, name);
    return this;
  }

  /** Every name the documents define: documents themselves, channels and tags inside them. */
  addDocuments(documents: readonly KindDocument[]): this {
    for (const doc of documents) for (const defined of namesDefinedBy(doc)) this.add(defined.kind, defined.name, defined.project);
    return this;
  }

  /** The key of a name, as `has` compares names: by kind, project and name, ignoring case. */
  static keyOf(ref: Pick<NameReference, 'kind' | 'name' | 'project'>): string {
    return KnownNames.key(ref.kind, ref.name, ref.project);
  }

  private static key(kind: string, name: string, project = ''): string {
    return `${kind}\u0000${project.toLowerCase()}\u0000${name.toLowerCase()}`;
  }
}

/**
 * The names a document defines: itself, and the channels, tags and runbooks inside it (script
 * modules are library variable sets to the API: projects include both by the same field).
 */
export function namesDefinedBy(doc: KindDocument): Pick<NameReference, 'kind' | 'name' | 'project'>[] {
  if (doc.kind === 'channels') return objectsOf(doc.body.Channels).map((channel) => ({ kind: 'channels', name: String(channel.Name), project: doc.name }));
  if (doc.kind === 'runbooks') return [{ kind: 'runbooks', name: String(doc.body.Name), project: String(doc.body.Project) }];
  if (doc.kind === 'tag-sets') return [{ kind: 'tag-sets', name: doc.name }, ...objectsOf(doc.body.Tags).map((tag) => ({ kind: 'tag-sets', name: `${doc.name}/${String(tag.Name)}` }))];
  if (doc.kind === 'script-modules') return [{ kind: 'script-modules', name: doc.name }, { kind: 'library-variable-sets', name: doc.name }];
  return [{ kind: doc.kind, name: doc.name }];
}

export function describeMissing(ref: NameReference, where: string): string {
  const what = ref.kind.replace(/-/g, ' ').replace(/s$/, '');
  if (ref.kind === 'tag-sets' && ref.name.includes('/')) return `refers to the tenant tag '${ref.name}', which no tag set ${where} defines`;
  if (ref.project) return `refers to the ${what} '${ref.name}' of project '${ref.project}', which does not exist ${where}`;
  return `refers to the ${what} '${ref.name}', which does not exist ${where}`;
}
