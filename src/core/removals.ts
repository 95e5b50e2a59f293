// How much a snapshot removes, kind by kind, compared with the last one. A source that answers
// an empty list or a part of one (a proxy cutting answers short, a permission missing) looks like
// a source whose resources were deleted; applied, it would delete them or empty them in every
// destination (a team's user roles and a tenant's variable values are updates, not deletes, so
// even `prune: false` would not save them). An unusually large removal therefore needs
// confirmation. Pure: documents in, findings out.
import type { Json, KindDocument } from './document.js';
import { asArray, isObject } from './document.js';

export interface RemovalPolicy {
  /** A kind may lose at most this share of what it had (0..1) without confirmation. */
  share: number;
}

export const DEFAULT_REMOVAL_POLICY: RemovalPolicy = { share: 0.5 };

/** Losing fewer than this many is never "large" (the share alone would flag 2 of 3). */
const MINIMUM_LARGE_REMOVAL = 3;

/**
 * What documents hold besides themselves, counted too: the parts an incomplete answer empties
 * without removing a file.
 */
const PARTS: Partial<Record<KindDocument['kind'], { label: string; count: (body: KindDocument['body']) => number }>> = {
  teams: { label: 'user roles of teams', count: (body) => asArray(body.UserRoles).length },
  tenants: { label: 'tenant variables', count: (body) => leaves(body.Variables) },
  'project-variables': { label: 'project variables', count: (body) => asArray(body.Variables).length },
  'library-variable-sets': { label: 'variables of library variable sets', count: (body) => asArray(body.Variables).length },
  'deployment-processes': { label: 'deployment process steps', count: (body) => asArray(body.Steps).length },
  channels: { label: 'channels', count: (body) => asArray(body.Channels).length },
};

/** Counts by what is counted (`machine policies`, `user roles of teams`). */
export type Measure = Map<string, number>;

export function measureDocuments(documents: readonly KindDocument[]): Measure {
  const measure: Measure = new Map();
  const add = (label: string, count: number) => measure.set(label, (measure.get(label) ?? 0) + count);
  for (const doc of documents) {
    // channels.yaml holds a project's channels: its part (the channels) is what is counted.
    if (doc.kind !== 'channels') add(doc.kind.replace(/-/g, ' '), 1);
    const part = PARTS[doc.kind];
    if (part) add(part.label, part.count(doc.body));
  }
  return measure;
}

/** What was lost beyond the policy, one sentence per kind or part (`all 2 tag sets`). */
export function largeRemovals(before: Measure, after: Measure, policy: RemovalPolicy = DEFAULT_REMOVAL_POLICY): string[] {
  const findings: string[] = [];
  for (const [label, had] of [...before].sort(([a], [b]) => a.localeCompare(b))) {
    const has = after.get(label) ?? 0;
    const removed = had - has;
    if (had > 0 && has === 0) findings.push(`all ${had} ${label} would be removed`);
    else if (removed >= MINIMUM_LARGE_REMOVAL && removed > policy.share * had) findings.push(`${removed} of ${had} ${label} would be removed`);
  }
  return findings;
}

function leaves(value: Json | undefined): number {
  if (Array.isArray(value)) return value.reduce<number>((sum, item) => sum + leaves(item), 0);
  if (isObject(value)) return 'HasValue' in value ? 1 : Object.values(value).reduce<number>((sum, item) => sum + leaves(item), 0);
  return value === undefined ? 0 : 1;
}
