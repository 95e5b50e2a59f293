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

  /** Every name the documents define: documents themselves, channels and tags inside them. */
  addDocuments(documents: readonly KindDocument[]): this {
    for (const doc of documents) {
      if (doc.kind === 'channels') {
        for (const channel of objectsOf(doc.body.Channels)) this.add('channels', String(channel.Name), doc.name);
      } else if (doc.kind === 'runbooks') {
        this.add('runbooks', String(doc.body.Name), String(doc.body.Project));
      } else if (doc.kind === 'tag-sets') {
        this.add('tag-sets', doc.name);
        for (const tag of objectsOf(doc.body.Tags)) this.add('tag-sets', `${doc.name}/${String(tag.Name)}`);
      } else if (doc.kind === 'script-modules') {
        // Script modules are library variable sets to the API; projects include both by name.
        this.add('script-modules', doc.name);
        this.add('library-variable-sets', doc.name);
      } else {
        this.add(doc.kind, doc.name);
      }
    }
    return this;
  }

  private static key(kind: string, name: string, project = ''): string {
    return [kind, project.toLowerCase(), name.toLowerCase()].join('\u0000');
  }
}

export function describeMissing(ref: NameReference, where: string): string {
  const what = ref.kind.replace(/-/g, ' ').replace(/s$/, '');
  if (ref.kind === 'tag-sets' && ref.name.includes('/')) return `refers to the tenant tag '${ref.name}', which no tag set ${where} defines`;
  if (ref.project) return `refers to the ${what} '${ref.name}' of project '${ref.project}', which does not exist ${where}`;
  return `refers to the ${what} '${ref.name}', which does not exist ${where}`;
}
