// Which planned changes need which others, so that a failed write stops only what depends on it.
// A document needs the changes that make the names it refers to: a create, or an update that
// adds a channel or a tag, when the destination does not have that name yet. Its second pass
// (deferred values, a project's own references) needs every change of a document it refers to.
// A delete needs the changes of the documents that refer to what it deletes (they let go of it
// first). Pure: plan and documents in, dependencies out.
import type { KindDocument } from '../core/document.js';
import { asArray, isObject } from '../core/document.js';
import type { PlannedChange } from '../core/plan.js';
import { KnownNames, namesDefinedBy } from '../core/references.js';
import type { NameReference } from '../core/references.js';
import { BUILT_IN_NAMES } from '../kinds/shared/built-ins.js';
import type { Kind, ReferenceContext } from '../kinds/types.js';

export interface ChangeDependencies {
  /** The changes a change's write needs to have succeeded. */
  needs(change: PlannedChange): readonly PlannedChange[];
  /** The changes a create's or update's second pass needs to have succeeded. */
  finishNeeds(change: PlannedChange): readonly PlannedChange[];
}

/** Whether a project's variables are scoped to steps or processes (`Action`, `ProcessOwner`). */
function scopesToSteps(doc: KindDocument): boolean {
  if (doc.kind !== 'project-variables') return false;
  return asArray(doc.body.Variables).some((variable) => isObject(variable) && isObject(variable.Scope) && ('Action' in variable.Scope || 'ProcessOwner' in variable.Scope));
}

export function changeDependencies(changes: readonly PlannedChange[], desired: readonly KindDocument[], live: readonly KindDocument[], kinds: readonly Kind[]): ChangeDependencies {
  const docKey = (kind: string, name: string) => `${kind}\u0000${name.toLowerCase()}`;
  const changeOf = new Map(changes.map((change) => [docKey(change.kind, change.name), change] as const));
  const desiredOf = new Map(desired.map((doc) => [docKey(doc.kind, doc.name), doc] as const));
  const liveOf = new Map(live.map((doc) => [docKey(doc.kind, doc.name), doc] as const));
  const context: ReferenceContext = { document: (kind, name) => desiredOf.get(docKey(kind, name)) ?? liveOf.get(docKey(kind, name)) };
  const referencesOf = (doc: KindDocument) => kinds.find((kind) => kind.name === doc.kind)?.references?.(doc, context) ?? [];

  // Which document of the desired state defines each name, and which names the destination has.
  const definer = new Map<string, KindDocument>();
  for (const doc of desired) for (const defined of namesDefinedBy(doc)) definer.set(KnownNames.keyOf(defined), doc);
  const inDestination = new KnownNames().addBuiltIns(BUILT_IN_NAMES).addDocuments(live);
  const changeDefining = (ref: NameReference) => {
    const doc = definer.get(KnownNames.keyOf(ref));
    return doc === undefined ? undefined : changeOf.get(docKey(doc.kind, doc.name));
  };

  // The changes of each project's processes (deployment process, runbooks), by project: looked
  // up per project rather than searched for among all changes, which grew with the square of the
  // number of projects.
  const processChanges = new Map<string, PlannedChange[]>();
  for (const other of changes) {
    const project = other.kind === 'deployment-processes' ? other.name : other.kind === 'runbooks' ? desiredOf.get(docKey(other.kind, other.name))?.body.Project : undefined;
    if (typeof project !== 'string') continue;
    const list = processChanges.get(project.toLowerCase()) ?? [];
    list.push(other);
    processChanges.set(project.toLowerCase(), list);
  }

  const needs = new Map<PlannedChange, PlannedChange[]>();
  const finishNeeds = new Map<PlannedChange, PlannedChange[]>();
  const add = (map: Map<PlannedChange, PlannedChange[]>, change: PlannedChange, needed: PlannedChange | undefined) => {
    if (needed === undefined || needed === change || needed.action === 'delete') return;
    const list = map.get(change) ?? [];
    if (!list.includes(needed)) list.push(needed);
    map.set(change, list);
  };
  for (const change of changes) {
    if (change.action === 'delete') continue;
    const doc = desiredOf.get(docKey(change.kind, change.name));
    for (const ref of doc ? referencesOf(doc) : []) {
      const needed = changeDefining(ref);
      if (!inDestination.has(ref)) add(needs, change, needed);
      add(finishNeeds, change, needed);
    }
    // Variables scoped to steps name actions of the project's processes, which are not
    // documents of their own: they need the changes of those processes.
    if (doc && scopesToSteps(doc)) {
      for (const other of processChanges.get(change.name.toLowerCase()) ?? []) add(needs, change, other);
    }
  }
  // A delete waits for the documents that refer to what it deletes.
  const deletes = new Map(changes.filter((change) => change.action === 'delete').map((change) => [docKey(change.kind, change.name), change] as const));
  for (const doc of live) {
    const referrer = changeOf.get(docKey(doc.kind, doc.name));
    if (referrer === undefined) continue;
    for (const ref of referencesOf(doc)) {
      const deleted = deletes.get(docKey(ref.kind, ref.name));
      if (deleted && deleted !== referrer) {
        const list: PlannedChange[] = needs.get(deleted) ?? [];
        if (!list.includes(referrer)) list.push(referrer);
        needs.set(deleted, list);
      }
    }
  }
  return { needs: (change) => needs.get(change) ?? [], finishNeeds: (change) => finishNeeds.get(change) ?? [] };
}
