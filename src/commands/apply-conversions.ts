// A version-controlled project new to the destination is created in its database, then converted
// (kinds/projects): two writes. An apply that stops between them leaves a database project that
// the destination's overlay never allowed converting, and a plan would refuse it for ever. So the
// applied record names such projects until their conversion is seen to succeed, and plans made
// anywhere convert them (kinds/projects/persistence.ts `createdToConvert`).
import { documentKey } from '../core/plan.js';
import { isVersionControlled } from '../kinds/projects/persistence.js';
import type { ResourceOutcome } from '../state/status-store.js';
import type { PreparedPlan } from './plan.js';

/** Keys of the projects this apply creates to convert, with those earlier applies left unconverted. */
export function projectsToConvert(prepared: PreparedPlan): Set<string> {
  const keys = new Set(prepared.managed.converting);
  for (const space of prepared.spaces) {
    const created = new Set(prepared.plan.changes.filter((change) => change.space === space.name && change.kind === 'projects' && change.action === 'create').map((change) => change.name.toLowerCase()));
    for (const doc of space.desired) {
      if (doc.kind === 'projects' && created.has(doc.name.toLowerCase()) && isVersionControlled(doc.body)) keys.add(documentKey(space.name, 'projects', doc.name));
    }
  }
  return keys;
}

/**
 * What is still to convert once an apply ended: nothing after a success (every such project was
 * converted, or the plan would have changed it); after a failure, those whose create or update did
 * not succeed.
 */
export function stillToConvert(prepared: PreparedPlan, outcomes: readonly ResourceOutcome[], failed: boolean): string[] {
  if (!failed) return [];
  const written = new Set(outcomes.filter((o) => o.kind === 'projects' && o.result === 'applied').map((o) => documentKey(o.space, o.kind, o.name)));
  return [...projectsToConvert(prepared)].filter((key) => !written.has(key)).sort();
}
