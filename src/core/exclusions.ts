// Which documents a config or destination leaves out. A project's own documents (channels,
// variables, process, runbooks) go with their project.
import type { KindDocument, KindName } from './document.js';
import { ownerOfName } from './names.js';

export interface Exclusion {
  kind: KindName;
  /** A name, or a pattern with `*` wildcards (case-insensitive). Absent: the whole kind. */
  name?: string;
  space?: string;
}

const PROJECT_OWNED: readonly KindName[] = ['channels', 'project-variables', 'deployment-processes', 'runbooks'];

export function isExcluded(rules: readonly Exclusion[], space: string, kind: KindName, name: string): boolean {
  return rules.some(
    (rule) =>
      rule.kind === kind &&
      (rule.space === undefined || rule.space.toLowerCase() === space.toLowerCase()) &&
      (rule.name === undefined || wildcard(rule.name).test(name)),
  );
}

export function isDocumentExcluded(rules: readonly Exclusion[], space: string, doc: Pick<KindDocument, 'kind' | 'name'>): boolean {
  if (isExcluded(rules, space, doc.kind, doc.name)) return true;
  // A runbook is named `<project>/<runbook>`; the other owned documents by their project's name.
  const project = doc.kind === 'runbooks' ? ownerOfName(doc.name) : doc.name;
  return PROJECT_OWNED.includes(doc.kind) && isExcluded(rules, space, 'projects', project);
}

function wildcard(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'i');
}
