// Writing the kinds that own a variable set: library variable sets and script modules (an owner
// resource in `libraryvariablesets` plus its set), and project variables (a project's set).
//
// A variable set is only ever replaced as a whole (`PUT /variables/{id}` with the stored
// `Version`); desired variables reuse the `Id` of the existing variable with the same Name and
// Scope (`variablesPayload`), so a variable that did not change keeps its id and, when sensitive
// and given no value, its secret. An owner and its set are two writes: each is written only when
// its part of the document differs from the destination's.
import { canonicalize, jsonEqual } from '../../core/canonical.js';
import type { Json, JsonObject, KindDocument } from '../../core/document.js';
import type { IdResolver } from '../../core/refs.js';
import { spacePath } from '../../octopus/index.js';
import { asArray, isObject } from '../fields.js';
import type { KindWriter, WriteContext } from '../types.js';
import { WriteError, findByField, liveResource, resolved, withClearedFields } from '../writing.js';
import { sortVariables, variableSetBody } from './variables.js';

/** Whether two lists of document variables say the same, whatever their order. */
export function sameVariables(a: Json | undefined, b: Json | undefined): boolean {
  const normal = (variables: Json | undefined) => sortVariables(asArray(variables).filter(isObject).map((variable) => canonicalize(variable)));
  return jsonEqual(normal(a), normal(b));
}

/**
 * The destination's variable set `id`: as `ctx.live` holds it (read with the space), or read now
 * when it is not there (an owner created in this apply by a kind that does not re-read
 * `variables`).
 */
export async function variableSetOf(ctx: WriteContext, id: Json | undefined, what: string): Promise<JsonObject> {
  if (typeof id !== 'string' || id === '') throw new WriteError(`${what} has no variable set in the destination`);
  const known = findByField(ctx.live.variables ?? [], 'Id', id);
  return known ?? (await ctx.api.get<JsonObject>(spacePath(ctx.spaceId, 'variables', id)));
}

/** `PUT /variables/{Id}` of a set body (`variableSetBody`: Id, OwnerId, Version, Variables). */
export async function putVariableSet(ctx: WriteContext, body: JsonObject): Promise<void> {
  if (typeof body.Id !== 'string') throw new WriteError(`a variable set payload without an Id (owner '${String(body.OwnerId)}')`);
  await ctx.api.put(spacePath(ctx.spaceId, 'variables', body.Id), body);
}

export interface LibraryOwnerSpec {
  /** `library variable set`, `script module`: for messages. */
  title: string;
  /** The owner resource (POST, or PUT over the destination's own). */
  toPayload(doc: KindDocument, ids: IdResolver): JsonObject;
  /** The set's body: with `existing`, its Id, OwnerId and Version and reused variable ids. */
  variableSetPayload(doc: KindDocument, ids: IdResolver, existing?: JsonObject): JsonObject;
  /** The part of a document body the owner resource holds (compared to see whether it changed). */
  ownerPart(body: JsonObject): JsonObject;
  /** Whether two document bodies hold the same variable set. */
  sameSet(a: JsonObject, b: JsonObject): boolean;
}

const COLLECTION = 'libraryvariablesets';

/**
 * The writer of a kind stored in `libraryvariablesets`. Create: POST the owner, read the set the
 * server created with it (for its Id and Version), PUT the variables (skipped when there are
 * none: a new set is empty). Update: PUT the owner over the destination's own resource when its
 * part changed; PUT the set when its variables changed. Remove: DELETE (the set goes with it).
 * Every name is resolved before the first write.
 */
export function libraryOwnerWriter(spec: LibraryOwnerSpec): KindWriter {
  const what = (name: string) => `${spec.title} '${name}'`;
  return {
    writes: [COLLECTION, 'variables'],
    create: async (doc, ctx) => {
      const payload = resolved(ctx.ids, what(doc.name), () => ({ resource: spec.toPayload(doc, ctx.ids), set: spec.variableSetPayload(doc, ctx.ids) }));
      const created = await ctx.api.post<JsonObject>(spacePath(ctx.spaceId, COLLECTION), payload.resource);
      const variables = asArray(payload.set.Variables).filter(isObject);
      if (variables.length === 0) return;
      const set = await ctx.api.get<JsonObject>(spacePath(ctx.spaceId, 'variables', String(created.VariableSetId)));
      await putVariableSet(ctx, variableSetBody(variables, set, typeof created.Id === 'string' ? created.Id : undefined));
    },
    update: async (doc, current, ctx) => {
      const existing = liveResource(ctx, COLLECTION, current.name);
      const ownerChanged = !jsonEqual(canonicalize(spec.ownerPart(doc.body)), canonicalize(spec.ownerPart(current.body)));
      const set = !spec.sameSet(doc.body, current.body) ? await variableSetOf(ctx, existing.VariableSetId, what(doc.name)) : undefined;
      const payload = resolved(ctx.ids, what(doc.name), () => ({
        resource: ownerChanged ? { ...existing, ...spec.toPayload(withClearedFields(doc, current), ctx.ids) } : undefined,
        set: set ? spec.variableSetPayload(doc, ctx.ids, set) : undefined,
      }));
      if (payload.resource) await ctx.api.put(spacePath(ctx.spaceId, COLLECTION, String(existing.Id)), payload.resource);
      if (!payload.set) return;
      // Saving the owner may save its set too (a real server renames a script module's
      // variables with the module): carry the set's Version as it is now.
      const version = payload.resource ? (await ctx.api.get<JsonObject>(spacePath(ctx.spaceId, 'variables', String(existing.VariableSetId)))).Version : payload.set.Version;
      await putVariableSet(ctx, { ...payload.set, Version: version ?? null });
    },
    remove: async (current, ctx) => {
      const existing = liveResource(ctx, COLLECTION, current.name);
      await ctx.api.delete(spacePath(ctx.spaceId, COLLECTION, String(existing.Id)));
    },
  };
}
