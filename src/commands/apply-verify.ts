// What the destination kept of what apply wrote. A server drops fields it does not know (a
// misspelled `IsDisabeld` in a step action passes the schema, which lets unknown fields through
// for newer servers) and fills in those a document leaves out; either way the next plan would show
// the same change again: written on every apply, reported as drift for ever. After writing, apply
// reads the space once more and compares each document it wrote. What did not stick fails that
// change, naming the file, the fields and both values, and is remembered in the status: plans
// leave that change out (with a notice) until the document says something else.
import type { KindDocument, LiveSpace } from '../core/document.js';
import { diffDocuments } from '../core/diff.js';
import { documentKey } from '../core/plan.js';
import type { NotKept } from '../core/plan.js';
import { NameResolver, buildRefTable } from '../core/refs.js';
import { secretSlots } from '../core/secrets.js';
import { collectionsRead, readLiveSpace } from '../kinds/read-live.js';
import type { ResourceOutcome } from '../state/status-store.js';
import type { PreparedPlan } from './plan.js';

export interface Verification {
  /** Documents written whose fields did not stick: key → path → the value written (JSON). */
  notKept: NotKept;
  /** Keys of the documents written and read back as written. */
  kept: string[];
  /** Key → a sentence for the failed change. */
  messages: Map<string, string>;
}

/**
 * Compares every document written with what was desired, over each space as apply read it back
 * after its last writes (`readBack`, by space name), or as read again here for a space it lacks.
 */
export async function verifyWrites(prepared: PreparedPlan, outcomes: readonly ResourceOutcome[], readBack: ReadonlyMap<string, LiveSpace> = new Map()): Promise<Verification> {
  const result: Verification = { notKept: {}, kept: [], messages: new Map() };
  for (const space of prepared.spaces) {
    // A document whose second pass failed or was skipped is not whole yet: that is said already.
    // A set, not a search of every outcome per outcome (which grew with the square of the writes).
    const notApplied = new Set(outcomes.filter((o) => o.space === space.name && o.result !== 'applied').map((o) => documentKey(o.space, o.kind, o.name)));
    const written = outcomes.filter((o) => o.space === space.name && o.result === 'applied' && o.action !== 'delete' && !notApplied.has(documentKey(o.space, o.kind, o.name)));
    if (written.length === 0) continue;
    // Only the kinds written are compared: normalizing every kind of a large space again costs
    // as much as the plan did, for an apply that wrote one document. Apply read each collection it
    // wrote back after its last write to it, so what it read back is what the destination kept,
    // without reading every written kind once more. Without that, only what the written kinds
    // read is read again (their own collections and those whose names they use): the rest of the
    // space is as the plan read it, which is all their names need.
    const writtenKinds = prepared.kinds.filter((kind) => written.some((o) => o.kind === kind.name));
    const live = readBack.get(space.name) ?? { ...space.live, ...(await readLiveSpace(prepared.client, space.spaceId, collectionsRead(writtenKinds))) };
    const names = new NameResolver(buildRefTable(live));
    const byName = (docs: readonly KindDocument[]) => new Map(docs.map((doc) => [`${doc.kind}/${doc.name}`.toLowerCase(), doc]));
    const now = byName(writtenKinds.flatMap((kind) => kind.toDocuments(live, names)));
    const desired = byName(space.desired);
    for (const outcome of written) {
      const key = documentKey(space.name, outcome.kind, outcome.name);
      const wanted = desired.get(`${outcome.kind}/${outcome.name}`.toLowerCase());
      const held = now.get(`${outcome.kind}/${outcome.name}`.toLowerCase());
      if (!wanted || !held) continue;
      // Secrets are compared by digest elsewhere; their markers say nothing here.
      const secrets = new Set(secretSlots(wanted.body).map((slot) => slot.path));
      const fields = diffDocuments(held.body, wanted.body).filter((field) => !secrets.has(field.path));
      if (fields.length === 0) {
        result.kept.push(key);
        continue;
      }
      result.notKept[key] = Object.fromEntries(fields.map((field) => [field.path, JSON.stringify(field.after ?? null)]));
      const shown = fields.map((field) => `${field.path} (the document: ${show(field.after)}; the destination: ${show(field.before)})`).join(', ');
      result.messages.set(
        key,
        `the destination did not keep ${shown}${wanted.file ? ` from ${wanted.file}` : ''}: a server drops fields it does not know (check their spelling) and fills in those a document leaves out; make the document say what the destination keeps. Until it changes, plans leave this change out rather than write it again`,
      );
    }
  }
  return result;
}

/** The status's record after a verification: findings replace those of the documents read back. */
export function mergeNotKept(previous: NotKept | undefined, verification: Verification): NotKept {
  const merged: NotKept = { ...(previous ?? {}) };
  for (const key of verification.kept) delete merged[key];
  return { ...merged, ...verification.notKept };
}

function show(value: unknown): string {
  if (value === undefined) return 'absent';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
