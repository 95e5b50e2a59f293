// A project's channels: `projects/<project slug>/channels.yaml`, one document per project
// holding all its channels (a project always has at least its default one). Channel names are
// unique within their project only, so the document is named after the project.
import { canonicalize, compareNames } from '../../core/canonical.js';
import type { Json, JsonObject, KindDocument, LiveSpace } from '../../core/document.js';
import type { IdResolver, NameResolver } from '../../core/refs.js';
import { SERVER_FIELDS, asArray, isObject, without } from '../fields.js';
import { projectFolders } from '../projects/index.js';
import type { DocumentReference, Kind } from '../types.js';

/** Server fields of a channel version rule (a sub-resource with its own GUID). */
const RULE_SERVER_FIELDS = ['Id', 'Links', 'LastModifiedOn', 'LastModifiedBy'];

export const channels: Kind = {
  name: 'channels',
  title: 'project channels',
  dependsOn: ['projects', 'lifecycles', 'tag-sets'],
  reads: ['channels', 'projects', 'lifecycles'],
  toDocuments: channelDocuments,
  // One document is several resources: the payload lists them with the project they belong to.
  toPayload: (doc, ids) => {
    const projectId = projectIdOf(doc, ids);
    return { ProjectId: projectId, Channels: channelPayloads(doc, ids, projectId) };
  },
  references: channelReferences,
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
    byProject.set(projectId, [...(byProject.get(projectId) ?? []), channel]);
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
      body: canonicalize({ Project: name, Channels: list }),
    });
  }
  return documents;
}

function channelBody(channel: JsonObject, names: NameResolver, where: string): JsonObject {
  const body = without(channel, [...SERVER_FIELDS, 'ProjectId', 'LifecycleId', 'Rules', 'TenantTags']);
  // No lifecycle means the project's.
  body.Lifecycle = names.optional('lifecycles', channel.LifecycleId, `${where} LifecycleId`);
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
        ...without(channel, ['Lifecycle']),
        ProjectId: projectId,
        LifecycleId: ids.optional('lifecycles', channel.Lifecycle, `${where} Lifecycle`),
        IsDefault: channel.IsDefault === true,
        Rules: asArray(channel.Rules),
        TenantTags: asArray(channel.TenantTags),
      } satisfies JsonObject;
    });
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
      if (typeof channel.Lifecycle === 'string') refs.push({ pointer: pointer('Channels', index, 'Lifecycle'), kind: 'lifecycles', name: channel.Lifecycle });
      asArray(channel.TenantTags).forEach((tag, at) => refs.push({ pointer: pointer('Channels', index, 'TenantTags', at), kind: 'tag-sets', name: String(tag) }));
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

/** A JSON pointer to a value of a document body. */
function pointer(...segments: (string | number)[]): string {
  return segments.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
