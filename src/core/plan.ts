// The plan: what apply will do to a destination, as plain data. Computed from the desired
// documents (repository + overlay) and the live ones (destination, normalized the same way).
// It can be printed, saved and applied later; it never holds a secret, only where one comes from.
import { compareNames } from './canonical.js';
import type { FieldChange } from './diff.js';
import { diffDocuments } from './diff.js';
import type { KindDocument, KindName } from './document.js';
import type { SecretSource } from './secrets.js';
import { escapeName } from './names.js';
import { secretSlots } from './secrets.js';

export type ChangeAction = 'create' | 'update' | 'delete';

export interface SecretChange {
  path: string;
  /** `set`: from its source; `placeholder`: created empty (missingSecrets: placeholder). */
  action: 'set' | 'placeholder';
  /** `env:NAME` or `file:PATH`, never the value. */
  from?: string;
}

export interface PlannedChange {
  action: ChangeAction;
  kind: KindName;
  /** What the kind calls its documents (`environment`, `project variables`). */
  title: string;
  /** Destination space name. */
  space: string;
  name: string;
  /** The document's file in the repository (create and update). */
  file?: string;
  fields: FieldChange[];
  secrets: SecretChange[];
  /** The destination resource's name before this update renames it (same resource, same id). */
  renamedFrom?: string;
  /** What else a delete takes with it, as read from the destination (a project's releases). */
  consequences?: string[];
}

export interface PlanProblem {
  space?: string;
  where: string;
  message: string;
  /** Where in the destination file it is (a JSON pointer), when it is there. */
  pointer?: string;
}

export interface MissingSecret {
  space: string;
  kind: KindName;
  name: string;
  path: string;
}

/**
 * A part a version-controlled project keeps in its Git repository (its deployment process, its
 * non-sensitive variables) that differs between the destination project's default branch and the
 * repository's review copy. Read-only: octosync never writes it; not a change.
 */
export interface GitHeldDifference {
  space: string;
  project: string;
  /** The review copy's path in the repository. */
  file: string;
  /** What the part is (`deployment process Pet Clinic (in its Git repository)`). */
  title: string;
  /** From the destination's branch to the repository's copy, as a change of a document is shown. */
  fields: FieldChange[];
  /** When only one side has the part. */
  only?: 'repository' | 'destination';
}

export interface Plan {
  format: 'octosync-plan/1';
  destination: string;
  /** The ref planned (a branch follows its head when the plan is applied later); absent: the destination's branch. */
  ref?: string;
  commit: string;
  /** Digest of the destination file (its overlays and policies). */
  overlayDigest: string;
  /**
   * Digest of the destination's live state the plan was computed against, in a plan written out
   * as JSON (`plan --out`, `--output json`): `apply --plan` compares it with the destination's
   * state then. Worked out only for those (see withLiveDigest in commands/plan.ts): it serializes
   * every live document, which a plan applied at once or a drift check has no use for.
   */
  liveDigest?: string;
  changes: PlannedChange[];
  /** Secrets nothing supplies and the destination does not hold: apply fails unless `missingSecrets: placeholder`. */
  missingSecrets: MissingSecret[];
  /** Errors: apply refuses a plan with problems. */
  problems: PlanProblem[];
  /** Why this plan may miss changes (what the destination last applied could not be read): shown first; apply refuses it. */
  incomplete?: string[];
  /** What a reader should know that is not an error (a connection change waiting for a merge). */
  notices: string[];
  /** Git-held parts of version-controlled projects that differ (with `snapshot.gitHeldParts`); never applied. */
  gitHeld?: GitHeldDifference[];
  summary: { create: number; update: number; delete: number };
}

export interface SpaceState {
  /** Destination space name. */
  space: string;
  desired: readonly KindDocument[];
  live: readonly KindDocument[];
}

/**
 * Fields a destination did not keep when they were last written: document key → field path → the
 * value written (JSON). A change made only of those is left out of a plan: writing it again would
 * change nothing.
 */
export type NotKept = Record<string, Record<string, string>>;

export interface PlanInput {
  destination: string;
  ref?: string;
  commit: string;
  overlayDigest: string;
  /** Kinds in apply order; `createRequires` names secrets without which a document cannot be created. */
  kinds: readonly { name: KindName; title: string; createRequires?: readonly string[] }[];
  spaces: readonly SpaceState[];
  /** Where secrets come from: document key (see documentKey) → secret path → source. */
  secretSources: ReadonlyMap<string, ReadonlyMap<string, SecretSource>>;
  /**
   * Digests of the secret values now (document key + path → digest), when the caller read them
   * (apply does, to write again a value that changed behind an unchanged source; a plan does not).
   */
  secretDigests?: ReadonlyMap<string, string>;
  /**
   * What the destination last applied: document keys (the managed set), where each secret set
   * came from (document key + path → `env:NAME`), and the digests this machine kept of them.
   */
  lastApplied: { documents: ReadonlySet<string>; secretSources: ReadonlyMap<string, string>; secretDigests?: ReadonlyMap<string, string> };
  /** Why what was last applied is not known (see Plan.incomplete). */
  incomplete?: readonly string[];
  prune: boolean;
  missingSecrets: 'error' | 'placeholder';
  problems: readonly PlanProblem[];
  notices?: readonly string[];
  notKept?: Readonly<NotKept>;
  /** Resources renamed at the source (see renames.ts): `live` already shows them under their new name. */
  renames?: readonly { space: string; kind: KindName; from: string; to: string }[];
  /** Document keys of what every space is born with (the default machine policy): never deleted. */
  builtIns?: ReadonlySet<string>;
  /** Deletes beyond this share of what octosync manages in a space, or of every document of a kind, need `allowLargeDeletes`. */
  largeDeleteShare?: number;
  allowLargeDeletes?: boolean;
}

/** Of what octosync manages in a space, the share prune may delete at once unasked (at least 3). */
export const DEFAULT_LARGE_DELETE_SHARE = 0.5;
const LARGE_DELETE_MINIMUM = 3;

/**
 * `space/kind/name` in lower case: how a document is recognised across runs. The space and the
 * name are escaped (see names.ts), so no two documents share a key whatever their names hold.
 */
export function documentKey(space: string, kind: KindName, name: string): string {
  return `${escapeName(space)}/${kind}/${escapeName(name)}`.toLowerCase();
}

export function computePlan(input: PlanInput): Plan {
  const changes: PlannedChange[] = [];
  const missingSecrets: MissingSecret[] = [];
  const deletes: PlannedChange[] = [];
  const requiredMissing: PlanProblem[] = [];
  /** Deletes too large to make unasked (see allowLargeDeletes). */
  const large: PlanProblem[] = [];
  const problems: PlanProblem[] = [];
  const notices = [...(input.notices ?? [])];

  for (const state of input.spaces) {
    const desiredByKind = groupByKind(state.desired);
    const liveByKind = groupByKind(state.live);
    for (const kind of input.kinds) {
      const desired = desiredByKind.get(kind.name) ?? new Map();
      const live = liveByKind.get(kind.name) ?? new Map();
      for (const [key, doc] of [...desired].sort(([, a], [, b]) => compareNames(a.name, b.name))) {
        const current = live.get(key);
        const secrets = planSecrets(input, state.space, doc, current, missingSecrets);
        for (const path of current ? [] : (kind.createRequires ?? [])) {
          if (secrets.some((secret) => secret.path === path && secret.action === 'set')) continue;
          requiredMissing.push({ space: state.space, where: `${kind.title} '${doc.name}'`, message: `cannot be created without ${path}: supply it in the destination's overlay (secrets.${kind.name}/${doc.name}.${path}: {valueFrom: ...})` });
        }
        // A secret's marker changing is said by the secret change itself.
        const secretPaths = new Set(secrets.map((secret) => secret.path));
        const renamed = input.renames?.find((r) => r.space === state.space && r.kind === kind.name && r.to.toLowerCase() === doc.name.toLowerCase());
        const fields = [...(renamed ? [{ path: 'Name', before: renamed.from, after: doc.name }] : []), ...diffDocuments(current?.body ?? {}, doc.body).filter((field) => !secretPaths.has(field.path))];
        if (current && fields.length === 0 && secrets.length === 0) continue;
        if (current && secrets.length === 0 && onlyNotKept(input.notKept?.[documentKey(state.space, doc.kind, doc.name)], fields)) {
          notices.push(`${kind.title} '${doc.name}' is left out: the destination did not keep ${fields.map((f) => f.path).join(', ')} when last written (see the last apply); change ${doc.file ?? 'the document'} to what it keeps`);
          continue;
        }
        changes.push({ action: current ? 'update' : 'create', kind: kind.name, title: kind.title, space: state.space, name: doc.name, ...(renamed && current ? { renamedFrom: renamed.from } : {}), file: doc.file, fields, secrets });
      }
      if (!input.prune || state.desired.length === 0) continue; // an empty desired space never prunes everything
      let kindDeletes = 0;
      for (const [key, doc] of live) {
        const docKey = documentKey(state.space, kind.name, doc.name);
        if (desired.has(key) || !input.lastApplied.documents.has(docKey)) continue;
        if (input.builtIns?.has(docKey)) {
          notices.push(`${kind.title} '${doc.name}' is built into every space: it is never deleted, though the repository no longer has it`);
          continue;
        }
        kindDeletes += 1;
        deletes.push({ action: 'delete', kind: kind.name, title: kind.title, space: state.space, name: doc.name, fields: [], secrets: [] });
      }
      if (kindDeletes > 0 && desired.size === 0) large.push({ space: state.space, where: `every ${kind.title}`, message: `the repository has no ${kind.title} documents left, so all ${kindDeletes} would be deleted` });
    }
    // A share of what octosync manages here: a bad merge, not a cleanup, until someone says so.
    const managedHere = state.live.filter((doc) => input.lastApplied.documents.has(documentKey(state.space, doc.kind, doc.name))).length;
    const deletesHere = deletes.filter((change) => change.space === state.space).length;
    const share = input.largeDeleteShare ?? DEFAULT_LARGE_DELETE_SHARE;
    if (deletesHere >= LARGE_DELETE_MINIMUM && deletesHere > share * managedHere) {
      large.push({ space: state.space, where: `${deletesHere} deletes`, message: `more than ${Math.round(share * 100)}% of the ${managedHere} resources octosync manages in this space would be deleted` });
    }
  }
  if (!input.allowLargeDeletes) {
    for (const problem of large) problems.push({ ...problem, message: `${problem.message}; confirm with apply --allow-large-deletes, or allowLargeDeletes: true in the destination file (or raise largeDeleteShare)` });
  }
  // Deletes run in reverse dependency order, after every create and update.
  const ordered = [...changes, ...deletes.reverse()];
  return {
    format: 'octosync-plan/1',
    destination: input.destination,
    ...(input.ref ? { ref: input.ref } : {}),
    commit: input.commit,
    overlayDigest: input.overlayDigest,
    changes: ordered,
    missingSecrets,
    problems: [...input.problems, ...requiredMissing, ...problems],
    ...(input.incomplete?.length ? { incomplete: [...input.incomplete] } : {}),
    notices,
    summary: {
      create: ordered.filter((c) => c.action === 'create').length,
      update: ordered.filter((c) => c.action === 'update').length,
      delete: ordered.filter((c) => c.action === 'delete').length,
    },
  };
}

/**
 * Which secrets this change sets. A secret with a source is set when the destination has none or
 * when its source differs from the one it was last set from: both known without its value, so a
 * plan made anywhere says the same. Given digests (apply), one whose value changed since it was
 * last set here is set too. A secret without a source keeps the destination's; with none there
 * either, it is missing.
 */
function planSecrets(input: PlanInput, space: string, doc: KindDocument, current: KindDocument | undefined, missing: MissingSecret[]): SecretChange[] {
  const key = documentKey(space, doc.kind, doc.name);
  const sources = input.secretSources.get(key);
  const slots = secretSlots(doc.body);
  // A destination document equal to the desired one may share its body: one walk for both.
  const held = new Set((current ? (current.body === doc.body ? slots : secretSlots(current.body)) : []).filter((slot) => slot.hasValue).map((slot) => slot.path));
  const result: SecretChange[] = [];
  for (const slot of slots) {
    const source = sources?.get(slot.path);
    const digestKey = `${key}#${slot.path}`;
    if (source) {
      const moved = input.lastApplied.secretSources.get(digestKey) !== describeSource(source);
      const rotated = input.secretDigests !== undefined && input.secretDigests.get(digestKey) !== input.lastApplied.secretDigests?.get(digestKey);
      if (!held.has(slot.path) || moved || rotated) result.push({ path: slot.path, action: 'set', from: describeSource(source) });
    } else if (slot.hasValue && !held.has(slot.path)) {
      if (input.missingSecrets === 'placeholder') result.push({ path: slot.path, action: 'placeholder' });
      else missing.push({ space, kind: doc.kind, name: doc.name, path: slot.path });
    }
  }
  return result;
}

/** Whether every changed field is one the destination did not keep, with the same value written. */
function onlyNotKept(notKept: Readonly<Record<string, string>> | undefined, fields: readonly { path: string; after?: unknown }[]): boolean {
  if (!notKept || fields.length === 0) return false;
  return fields.every((field) => notKept[field.path] === JSON.stringify(field.after ?? null));
}

export function describeSource(source: SecretSource): string {
  return 'env' in source ? `env:${source.env}` : `file:${source.file}`;
}

function groupByKind(docs: readonly KindDocument[]): Map<KindName, Map<string, KindDocument>> {
  const groups = new Map<KindName, Map<string, KindDocument>>();
  for (const doc of docs) {
    const group = groups.get(doc.kind) ?? new Map<string, KindDocument>();
    group.set(doc.name.toLowerCase(), doc);
    groups.set(doc.kind, group);
  }
  return groups;
}
