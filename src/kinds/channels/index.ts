// A project's channels: `projects/<project slug>/channels.yaml`, one document per project
// holding all its channels (a project always has at least its default one). Channel names are
// unique within their project only, so the document is named after the project.
import { canonicalize, compareNames, jsonEqual } from '../../core/canonical.js';
import type { Json, JsonObject, KindDocument, LiveSpace } from '../../core/document.js';
import { NameResolver } from '../../core/refs.js';
import type { IdResolver } from '../../core/refs.js';
import { spacePath } from '../../octopus/index.js';
import { SERVER_FIELDS, asArray, isObject, without } from '../fields.js';
import { projectFolders } from '../projects/index.js';
import type { DocumentReference, Kind, KindWriter, WriteContext } from '../types.js';
import { WriteError, filterByField, resolved } from '../writing.js';
import { omitNewerDefaults } from '../newer-fields.js';
import { jsonPointer } from '../../core/names.js';

/** Server fields of a channel version rule (a sub-resource with its own GUID). */
const RULE_SERVER_FIELDS = ['Id', 'Links', 'LastModifiedOn', 'LastModifiedBy'];

export const channels: Kind = {
  name: 'channels',
  title: 'project channels',
  dependsOn: ['projects', 'lifecycles', 'tag-sets'],
  reads: ['channels', 'projects', 'lifecycles', 'parentenvironments'],
  toDocuments: channelDocuments,
  // One document is several resources: the payload lists them with the project they belong to.
  toPayload: (doc, ids) => {
    const projectId = projectIdOf(doc, ids);
    return { ProjectId: projectId, Channels: channelPayloads(doc, ids, projectId) };
  },
  references: channelReferences,
  writer: {
    // Channels only: a project's other resources do not change with them.
    writes: ['channels'],
    // A channels document is created right after its project, which came with its automatic
    // default channel: create and update both bring the project's channels to the document.
    create: (doc, ctx) => writeChannels(doc, ctx),
    update: (doc, _current, ctx) => writeChannels(doc, ctx),
    remove: removeChannels,
  } satisfies KindWriter,
};

export function channelDocuments(live: LiveSpace, names: NameResolver): KindDocument[] {
  const folders = projectFolders(live);
  const byProject = new Map<string, JsonObject[]>();
  for (const channel of live.channels ?? []) {
    const projectId = String(channel.ProjectId);
    if (!folders.has(projectId)) {
      names.problems.push({ where: `channel '${String(channel.Name)}' ProjectId`, message: `refers to projects '${projectId}', which does not exist on the server` });
      continue;
    }
    const own = byProject.get(projectId);
    if (own) own.push(channel);
    else byProject.set(projectId, [channel]);
  }
  const documents: KindDocument[] = [];
  for (const project of live.projects ?? []) {
    const own = byProject.get(String(project.Id));
    if (!own) continue;
    const name = String(project.Name);
    const where = `channels '${name}'`;
    // Sorted by name, the default one included: moving the default flag is then a one-line
    // change (IsDefault) rather than a block moving to the top of the file.
    const list = own.map((channel) => channelBody(channel, names, `${where} channel '${String(channel.Name)}'`)).sort((a, b) => compareNames(String(a.Name), String(b.Name)));
    documents.push({
      kind: 'channels',
      name,
      file: `projects/${folders.get(String(project.Id))}/channels.yaml`,
      // Canonical already: `Project` leads, and each channel body is canonical (channelBody).
      body: { Project: name, Channels: list },
    });
  }
  return documents;
}

function channelBody(channel: JsonObject, names: NameResolver, where: string): JsonObject {
  const body = without(channel, [...SERVER_FIELDS, 'ProjectId', 'LifecycleId', 'ParentEnvironmentId', 'Rules', 'TenantTags']);
  // No lifecycle means the project's.
  body.Lifecycle = names.optional('lifecycles', channel.LifecycleId, `${where} LifecycleId`);
  // Ephemeral environment channels (2025+) create environments under a parent environment.
  body.ParentEnvironment = names.optional('parentenvironments', channel.ParentEnvironmentId, `${where} ParentEnvironmentId`);
  // Git resource rules are identified by what they govern; their Ids are the server's.
  if (Array.isArray(channel.GitResourceRules)) body.GitResourceRules = channel.GitResourceRules.map((rule) => (isObject(rule) ? without(rule, ['Id']) : rule));
  body.IsDefault = channel.IsDefault === true;
  body.Rules = asArray(channel.Rules)
    .filter(isObject)
    .map((rule) => {
      const normalized = without(rule, RULE_SERVER_FIELDS);
      // ActionPackages name a step's action and its package: names already, a set.
      if (Array.isArray(rule.ActionPackages)) normalized.ActionPackages = [...rule.ActionPackages].sort(compareJson);
      return normalized;
    });
  body.TenantTags = asArray(channel.TenantTags).map(String).sort(compareNames);
  // Newer fields at their defaults are left out, as a channel of an older server has none.
  omitNewerDefaults('channels', { Channels: [body] });
  return canonicalize(body);
}

/**
 * The ChannelResource payloads of a document, one per channel, each with the destination's
 * `ProjectId`, the default one first. Apply matches them to the project's existing channels by
 * Name (case-insensitive, see `existingChannelId`): PUT `/channels/{id}` for an existing one,
 * POST `/channels` for a new one, and only then deletes the channels the document no longer
 * lists (a project's default channel cannot be deleted while it is the default).
 */
export function channelPayloads(doc: KindDocument, ids: IdResolver, projectId = projectIdOf(doc, ids)): JsonObject[] {
  // The default channel first: saving it moves the flag, so no later save has to take the flag
  // away from a channel that still holds it (a project keeps exactly one default).
  const listed = asArray(doc.body.Channels).filter(isObject);
  return [...listed.filter((channel) => channel.IsDefault === true), ...listed.filter((channel) => channel.IsDefault !== true)]
    .map((channel) => {
      const where = `channels '${doc.name}' channel '${String(channel.Name)}'`;
      return {
        ...without(channel, ['Lifecycle', 'ParentEnvironment']),
        ProjectId: projectId,
        LifecycleId: ids.optional('lifecycles', channel.Lifecycle, `${where} Lifecycle`),
        ParentEnvironmentId: ids.optional('parentenvironments', channel.ParentEnvironment, `${where} ParentEnvironment`),
        IsDefault: channel.IsDefault === true,
        Rules: asArray(channel.Rules),
        TenantTags: asArray(channel.TenantTags),
      } satisfies JsonObject;
    });
}

/** A desired channel: its document entry, its payload, and the destination's channel it becomes. */
interface ChannelWrite {
  entry: JsonObject;
  payload: JsonObject;
  existing?: JsonObject;
}

/**
 * Brings a project's channels in the destination to the document, writing only what differs:
 * the default channel first (saving it moves the flag), then the other new or changed ones,
 * and only then deletes the channels the document does not list (none of them is the default
 * any more). Channels are matched by name; the desired default that matches no name takes over
 * the destination's default when that one matches none either (a renamed default, or the
 * automatic `Default` channel of a project that was just created), so it is renamed in place
 * rather than created beside it and deleted.
 */
async function writeChannels(doc: KindDocument, ctx: WriteContext): Promise<void> {
  const what = `channels of project '${projectName(doc)}'`;
  const { projectId, payloads } = resolved(ctx.ids, what, () => {
    const projectId = projectIdOf(doc, ctx.ids);
    return { projectId, payloads: channelPayloads(doc, ctx.ids, projectId) };
  });
  const entries = asArray(doc.body.Channels).filter(isObject);
  const defaults = entries.filter((entry) => entry.IsDefault === true).length;
  if (defaults !== 1) throw new WriteError(`cannot write ${what}: a project has exactly one default channel, the document marks ${defaults}`);
  const names = entries.map((entry) => String(entry.Name).toLowerCase());
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined) throw new WriteError(`cannot write ${what}: the channel name '${duplicate}' is listed twice`);

  const live = filterByField(ctx.live.channels ?? [], 'ProjectId', projectId);
  const unmatched = [...live];
  const take = (found: JsonObject | undefined) => {
    if (found) unmatched.splice(unmatched.indexOf(found), 1);
    return found;
  };
  // `channelPayloads` lists the default first, so it is also the first to be written.
  const writes: ChannelWrite[] = payloads.map((payload) => ({
    payload,
    entry: entries.find((entry) => entry.Name === payload.Name) ?? {},
    existing: take(unmatched.find((channel) => sameName(channel.Name, payload.Name))),
  }));
  const desiredDefault = writes[0];
  if (desiredDefault && !desiredDefault.existing) desiredDefault.existing = take(unmatched.find((channel) => channel.IsDefault === true));

  const resolver = new NameResolver(ctx.ids.table);
  for (const { entry, payload, existing } of writes) {
    if (!existing) {
      await ctx.api.post(spacePath(ctx.spaceId, 'channels'), payload);
      continue;
    }
    const current = channelBody(existing, resolver, `${what} channel '${String(existing.Name)}'`);
    if (!channelChanged(entry, current)) continue;
    // Fields the destination's channel has and the document does not are cleared.
    const cleared: JsonObject = {};
    // (Lifecycle and ParentEnvironment are in the payload under their API names, null when absent.)
    for (const key of Object.keys(current)) if (!(key in entry) && key !== 'Lifecycle' && key !== 'ParentEnvironment') cleared[key] = null;
    await ctx.api.put(spacePath(ctx.spaceId, 'channels', String(existing.Id)), { ...existing, ...cleared, ...payload });
  }
  for (const channel of unmatched) await ctx.api.delete(spacePath(ctx.spaceId, 'channels', String(channel.Id)));
}

/**
 * Whether a channel must be saved. A channel losing the default flag is not saved for that
 * alone: saving the new default takes the flag from it.
 */
function channelChanged(entry: JsonObject, current: JsonObject): boolean {
  if (entry.IsDefault === true && current.IsDefault !== true) return true;
  return !jsonEqual(canonicalize(without(entry, ['IsDefault'])), canonicalize(without(current, ['IsDefault'])));
}

/**
 * Removing a channels document (prune) deletes the project's channels but its default one,
 * which a project cannot be without; nothing when the project is gone.
 */
async function removeChannels(current: KindDocument, ctx: WriteContext): Promise<void> {
  const projectId = ctx.ids.table.idOf('projects', projectName(current));
  if (projectId === undefined) return;
  const own = filterByField(ctx.live.channels ?? [], 'ProjectId', projectId).filter((channel) => channel.IsDefault !== true);
  for (const channel of own) await ctx.api.delete(spacePath(ctx.spaceId, 'channels', String(channel.Id)));
}

function sameName(a: Json | undefined, b: Json | undefined): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
}

/** The destination id of the channel named `name` in the document's project, if it exists. */
export function existingChannelId(doc: KindDocument, ids: IdResolver, name: string): string | undefined {
  const projectId = ids.table.idOf('projects', projectName(doc));
  return projectId === undefined ? undefined : ids.table.idOf('channels', name, projectId);
}

/** The names a channels document refers to (for the repository's reference checks). */
export function channelReferences(doc: KindDocument): DocumentReference[] {
  const refs: DocumentReference[] = [{ pointer: '/Project', kind: 'projects', name: projectName(doc) }];
  asArray(doc.body.Channels)
    .filter(isObject)
    .forEach((channel, index) => {
      if (typeof channel.Lifecycle === 'string') refs.push({ pointer: jsonPointer('Channels', index, 'Lifecycle'), kind: 'lifecycles', name: channel.Lifecycle });
      if (typeof channel.ParentEnvironment === 'string') refs.push({ pointer: jsonPointer('Channels', index, 'ParentEnvironment'), kind: 'parent-environments', name: channel.ParentEnvironment });
      asArray(channel.TenantTags).forEach((tag, at) => refs.push({ pointer: jsonPointer('Channels', index, 'TenantTags', at), kind: 'tag-sets', name: String(tag) }));
    });
  return refs;
}

function projectIdOf(doc: KindDocument, ids: IdResolver): string {
  return ids.id('projects', projectName(doc), `channels '${doc.name}' Project`);
}

function projectName(doc: KindDocument): string {
  return typeof doc.body.Project === 'string' ? doc.body.Project : doc.name;
}

function compareJson(a: Json, b: Json): number {
  const ja = JSON.stringify(canonicalize(a));
  const jb = JSON.stringify(canonicalize(b));
  return ja < jb ? -1 : ja > jb ? 1 : 0;
}
