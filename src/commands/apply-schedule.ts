// Which kinds an apply's creates and updates of a kind wait for, so that kinds that do not need
// each other are written at the same time instead of one after the other (every kind's end
// drained the pool of writes). Pure: kinds and dependencies in, waits out.
import type { PlannedChange } from '../core/plan.js';
import type { Wait } from '../core/pool.js';
import type { Kind } from '../kinds/types.js';
import type { ChangeDependencies } from './apply-dependencies.js';

/**
 * A kind's writes wait for the earlier kinds (in `kinds`, dependency order) that:
 * - write a collection it writes: a kind works from its own collections as read when it starts
 *   (a new project's default channel, process and variable set), and two kinds reading one
 *   collection back at once could each keep a view without the other's writes;
 * - hold a change of a document one of its changes refers to, or needs (its outcome decides
 *   whether the change is skipped): its writer resolves those names over the destination as read
 *   back after them.
 * Not the kinds it merely could refer to (`dependsOn`) when none of their documents it refers to
 * changes: what it names of them is in the destination as the plan read it. A project's
 * processes and runbooks that name none of its new channels go beside the channels.
 */
export function kindWaits(kinds: readonly Kind[], changes: readonly PlannedChange[], dependencies: ChangeDependencies): (kind: Kind) => Kind[] {
  const byName = new Map(kinds.map((kind) => [kind.name as string, kind]));
  const waits = new Map<Kind, Set<Kind>>();
  for (const [index, kind] of kinds.entries()) {
    const set = new Set<Kind>();
    const written = new Set(kind.writer?.writes ?? []);
    for (const earlier of kinds.slice(0, index)) {
      if ((earlier.writer?.writes ?? []).some((collection) => written.has(collection))) set.add(earlier);
    }
    waits.set(kind, set);
  }
  for (const change of changes) {
    if (change.action === 'delete') continue;
    const kind = byName.get(change.kind);
    if (!kind) continue;
    for (const need of [...dependencies.needs(change), ...dependencies.finishNeeds(change)]) {
      const other = byName.get(need.kind);
      if (other && other !== kind && kinds.indexOf(other) < kinds.indexOf(kind)) waits.get(kind)?.add(other);
    }
  }
  return (kind) => [...(waits.get(kind) ?? [])];
}

/** The part of a kind's apply done once each of its changes has an outcome, before its read-back. */
export const OUTCOMES = '#outcomes';

/**
 * What a kind's writes wait for of each kind it waits for (`waits`, see `kindWaits`): the outcomes of its
 * changes (whether a change that needs one is skipped), and the read-back of the collections the
 * kind reads or writes, not of every collection the other wrote. A new project's channels and
 * runbooks go once the projects and channels are read back, while its variable sets and
 * processes are still being read.
 */
export function kindWaitParts(waits: (kind: Kind) => readonly Kind[]): (kind: Kind) => Wait<Kind, string>[] {
  return (kind) => {
    const used = new Set([...kind.reads, ...(kind.writer?.writes ?? [])]);
    return waits(kind).map((other) => ({ item: other, parts: [OUTCOMES, ...(other.writer?.writes ?? []).filter((collection) => used.has(collection))] }));
  };
}

/**
 * The collections of `writes` in the groups a read-back reads them in: each on its own, except
 * the tenants with their variables (which of the two tenant variable reads the server takes
 * depends on what the read of the tenants and feature toggles tells), so no collection is read
 * twice.
 */
export function readBackGroups(writes: readonly string[]): string[][] {
  const together = new Set(['tenants', 'tenantvariables']);
  const tenantGroup = writes.filter((collection) => together.has(collection));
  return [...writes.filter((collection) => !together.has(collection)).map((collection) => [collection]), ...(tenantGroup.length > 0 ? [tenantGroup] : [])];
}

/**
 * Each kind's rank for the turns of the writes (`RankedGate`): the writes that wait for its
 * writes, on the longest chain of kinds waiting for it (their own writes and ranks), plus the
 * second steps of its own creates (a new runbook's process waits for every runbook and their
 * read-back). The kind holding back the most is written first, and the kinds written beside it
 * fill the pipe while it is read back: the runbooks go before the channels and processes, and the
 * tenants, as few as their writes are, are not left for last behind kinds of a lower rank.
 */
export function kindRanks(kinds: readonly Kind[], changes: readonly PlannedChange[], waits: (kind: Kind) => readonly Kind[]): (kind: Kind) => number {
  const byName = new Map(kinds.map((kind) => [kind.name as string, kind]));
  const firstSteps = new Map<string, number>();
  const secondSteps = new Map<string, number>();
  for (const change of changes) {
    if (change.action === 'delete') continue;
    firstSteps.set(change.kind, (firstSteps.get(change.kind) ?? 0) + 1);
    if (change.action === 'create' && byName.get(change.kind)?.writer?.createsInTwoSteps) secondSteps.set(change.kind, (secondSteps.get(change.kind) ?? 0) + 1);
  }
  const ranks = new Map<Kind, number>();
  /** Per kind, the most writes on a chain of the kinds waiting for it. */
  const held = new Map<Kind, number>();
  for (const kind of [...kinds].reverse()) {
    const rank = (secondSteps.get(kind.name) ?? 0) + (held.get(kind) ?? 0);
    ranks.set(kind, rank);
    const chain = (firstSteps.get(kind.name) ?? 0) + rank;
    for (const earlier of waits(kind)) held.set(earlier, Math.max(held.get(earlier) ?? 0, chain));
  }
  return (kind) => ranks.get(kind) ?? 0;
}
