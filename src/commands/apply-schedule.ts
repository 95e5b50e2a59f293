// Which kinds an apply's creates and updates of a kind wait for, so that kinds that do not need
// each other are written at the same time instead of one after the other (every kind's end
// drained the pool of writes). Pure: kinds and dependencies in, waits out.
import type { PlannedChange } from '../core/plan.js';
import type { Kind } from '../kinds/types.js';
import type { ChangeDependencies } from './apply-dependencies.js';

/**
 * A kind's writes wait for the earlier kinds (in `kinds`, dependency order) that:
 * - it depends on (their documents are what it refers to);
 * - hold a change one of its changes needs (its outcome decides whether the change is skipped);
 * - write a collection it reads or writes: its writer resolves names over the destination as read
 *   when it starts, and two kinds reading one collection back at once could each keep a view
 *   without the other's writes.
 */
export function kindWaits(kinds: readonly Kind[], changes: readonly PlannedChange[], dependencies: ChangeDependencies): (kind: Kind) => Kind[] {
  const byName = new Map(kinds.map((kind) => [kind.name as string, kind]));
  const waits = new Map<Kind, Set<Kind>>();
  for (const [index, kind] of kinds.entries()) {
    const set = new Set<Kind>();
    for (const name of kind.dependsOn) {
      const other = byName.get(name);
      if (other) set.add(other);
    }
    const touched = new Set([...kind.reads, ...(kind.writer?.writes ?? [])]);
    for (const earlier of kinds.slice(0, index)) {
      if ((earlier.writer?.writes ?? []).some((collection) => touched.has(collection))) set.add(earlier);
    }
    waits.set(kind, set);
  }
  for (const change of changes) {
    if (change.action === 'delete') continue;
    const kind = byName.get(change.kind);
    if (!kind) continue;
    for (const need of dependencies.needs(change)) {
      const other = byName.get(need.kind);
      if (other && other !== kind) waits.get(kind)?.add(other);
    }
  }
  return (kind) => [...(waits.get(kind) ?? [])];
}
