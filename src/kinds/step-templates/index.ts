// Step templates (`actiontemplates`): one file per template. The template's `Version` counts saves
// in one instance and is not synced; actions using a template refer to it by name (see
// shared/process.ts), and get the destination template's own Version when they are written.
// A template installed from the community library (library.octopus.com) is written as a reference
// to its library entry, `CommunityTemplate: {Name, Website}` (the library's ids are numbered by
// each server), and installed in the destination from the destination's library.
import { canonicalize } from '../../core/canonical.js';
import type { JsonObject, KindDocument, LiveSpace } from '../../core/document.js';
import type { IdResolver, NameResolver } from '../../core/refs.js';
import { uniqueSlugs } from '../../core/slug.js';
import { SERVER_FIELDS, asArray, isObject, without } from '../fields.js';
import { controlTypeOf, controlValueReferences, controlValueToDocument, controlValueToPayload } from '../shared/control-type-values.js';
import {
  PROPERTY_READS,
  packageReferences,
  packagesToDocument,
  packagesToPayload,
  propertiesToDocument,
  propertiesToPayload,
  propertyReferences,
  sensitivePayload,
} from '../shared/process.js';
import type { Kind, KindWriter } from '../types.js';
import { liveResource, resolved, withClearedFields } from '../writing.js';
import { spacePath } from '../../octopus/index.js';
import { omitNewerDefaults } from '../newer-fields.js';

const TITLE = 'step template';

export const stepTemplates: Kind = {
  name: 'step-templates',
  title: TITLE,
  // Template properties may name feeds, environments, teams or projects (PROPERTY_REFS), and
  // parameter defaults certificates and worker pools (their control types); accounts are never
  // synced, only referred to by name. The community library is read to recognise installed templates.
  dependsOn: ['environments', 'feeds', 'teams', 'projects', 'certificates', 'worker-pools'],
  reads: [...PROPERTY_READS, 'communityactiontemplates'],
  toDocuments: (live, names) => stepTemplateDocuments(live, names),
  toPayload: (doc, ids) => stepTemplatePayload(doc, ids),
  references: (doc) => [
    ...propertyReferences(doc.body.Properties, '/Properties'),
    ...packageReferences(doc.body.Packages, '/Packages'),
    ...asArray(doc.body.Parameters).flatMap((parameter, index) =>
      isObject(parameter) ? controlValueReferences(controlTypeOf(parameter.DisplaySettings), parameter.DefaultValue, `/Parameters/${index}/DefaultValue`) : [],
    ),
  ],
  writer: stepTemplateWriter(),
};

export function stepTemplateDocuments(live: LiveSpace, names: NameResolver): KindDocument[] {
  const templates = live.actiontemplates ?? [];
  const slugs = uniqueSlugs(templates.map((template) => String(template.Name)));
  return templates.map((template) => {
    const name = String(template.Name);
    const where = `${TITLE} '${name}'`;
    const file = `step-templates/${slugs.get(name)}.yaml`;
    const library = communityEntry(live, template);
    if (library) return { kind: 'step-templates', name, file, body: { Name: name, CommunityTemplate: library } };
    // An installed template whose library entry the server does not list (its library switched
    // off) is written as its content: applied, it is an ordinary template.
    const body = without(template, [...SERVER_FIELDS, 'CommunityActionTemplateId']);
    body.Properties = propertiesToDocument(template.Properties, names, where);
    body.Packages = packagesToDocument(template.Packages, names, where);
    body.Parameters = asArray(template.Parameters)
      .filter(isObject)
      .map((parameter) => {
        const doc = without(parameter, ['Id']);
        // A parameter's default is a string or, for sensitive parameters, a SensitiveValue; its
        // control type says whether the string is the id of something.
        if (isObject(parameter.DefaultValue)) doc.DefaultValue = { HasValue: parameter.DefaultValue.HasValue === true };
        else if ('DefaultValue' in parameter) doc.DefaultValue = controlValueToDocument(controlTypeOf(parameter.DisplaySettings), parameter.DefaultValue ?? null, names, `${where} parameter '${String(parameter.Name)}' DefaultValue`);
        return doc;
      });
    return { kind: 'step-templates', name, file, body: canonicalize(omitNewerDefaults('step-templates', body)) };
  });
}

/** What a document says of the community template it is: its library entry's Name and Website. */
export interface CommunityReference {
  Name: string;
  Website: string;
}

/** The library entry a template was installed from, as a reference, when the server lists it. */
function communityEntry(live: LiveSpace, template: JsonObject): JsonObject | undefined {
  if (typeof template.CommunityActionTemplateId !== 'string' || template.CommunityActionTemplateId === '') return undefined;
  const id = template.CommunityActionTemplateId.toLowerCase();
  const entry = (live.communityactiontemplates ?? []).find((candidate) => String(candidate.Id).toLowerCase() === id);
  if (!entry || typeof entry.Website !== 'string' || entry.Website === '') return undefined;
  return { Name: String(entry.Name), Website: entry.Website };
}

/** The document's community reference, if it is one. */
export function communityReference(doc: KindDocument): CommunityReference | undefined {
  const reference = doc.body.CommunityTemplate;
  if (!isObject(reference) || typeof reference.Website !== 'string') return undefined;
  return { Name: String(reference.Name ?? ''), Website: reference.Website };
}

/** The entry of a server's library a reference names: by Website (a library entry's address), else by Name. */
export function libraryEntry(live: LiveSpace, reference: CommunityReference): JsonObject | undefined {
  const library = live.communityactiontemplates ?? [];
  const website = reference.Website.replace(/\/+$/, '').toLowerCase();
  return (
    library.find((entry) => typeof entry.Website === 'string' && entry.Website.replace(/\/+$/, '').toLowerCase() === website) ??
    library.find((entry) => String(entry.Name).toLowerCase() === reference.Name.toLowerCase())
  );
}

/**
 * The API body that creates or updates a template. With the destination's `existing` template,
 * it keeps its Id and Version and the Ids of parameters and packages matched by Name (parameter
 * values in processes are keyed by parameter Name, so new Ids would also be harmless).
 */
export function stepTemplatePayload(doc: KindDocument, ids: IdResolver, existing?: JsonObject): JsonObject {
  const where = `${TITLE} '${doc.name}'`;
  const payload: JsonObject = { ...doc.body };
  if (existing) {
    payload.Id = existing.Id ?? null;
    if (existing.Version !== undefined) payload.Version = existing.Version;
  }
  const parametersBefore = new Map(
    asArray(existing?.Parameters)
      .filter(isObject)
      .map((parameter) => [String(parameter.Name).toLowerCase(), parameter] as const),
  );
  payload.Properties = propertiesToPayload(doc.body.Properties, ids, where);
  payload.Packages = packagesToPayload(doc.body.Packages, ids, where, existing?.Packages);
  payload.Parameters = asArray(doc.body.Parameters)
    .filter(isObject)
    .map((parameter) => {
      const result: JsonObject = { ...parameter };
      const before = parametersBefore.get(String(parameter.Name).toLowerCase());
      if (typeof before?.Id === 'string') result.Id = before.Id;
      if (isObject(parameter.DefaultValue)) result.DefaultValue = sensitivePayload(parameter.DefaultValue);
      else if ('DefaultValue' in parameter) result.DefaultValue = controlValueToPayload(controlTypeOf(parameter.DisplaySettings), parameter.DefaultValue ?? null, ids, `${where} parameter '${String(parameter.Name)}' DefaultValue`);
      return result;
    });
  return payload;
}

/** The id of the destination library's entry to install; the plan checked it is there. */
function installable(doc: KindDocument, reference: CommunityReference, live: LiveSpace): string {
  const entry = libraryEntry(live, reference);
  if (!entry) throw new Error(`${TITLE} '${doc.name}': the destination's community library has no template at ${reference.Website}`);
  return String(entry.Id);
}

/**
 * A community reference is installed from the destination's library
 * (`POST /communityactiontemplates/{id}/installation/{spaceId}`). Otherwise: POST a new template; PUT over the destination's own one (its Id and Version, and the Ids of
 * parameters and packages matched by Name, so sensitive parameter defaults keep their secrets);
 * DELETE. The server counts `Version` itself: the PUT sends back the one it has.
 */
function stepTemplateWriter(): KindWriter {
  const what = (name: string) => `${TITLE} '${name}'`;
  return {
    writes: ['actiontemplates'],
    create: async (doc, ctx) => {
      const reference = communityReference(doc);
      if (reference) {
        await ctx.api.post(`/api/communityactiontemplates/${encodeURIComponent(installable(doc, reference, ctx.live))}/installation/${encodeURIComponent(ctx.spaceId)}`, {});
        return;
      }
      const payload = resolved(ctx.ids, what(doc.name), () => stepTemplatePayload(doc, ctx.ids));
      await ctx.api.post(spacePath(ctx.spaceId, 'actiontemplates'), payload);
    },
    update: async (doc, current, ctx) => {
      // The plan refuses to turn a template into a community one or back (server-compatibility.ts);
      // an installed template is the library's, so there is nothing to write.
      if (communityReference(doc) || communityReference(current)) throw new Error(`${what(doc.name)}: a community template is installed, never written`);
      const existing = liveResource(ctx, 'actiontemplates', current.name);
      const payload = resolved(ctx.ids, what(doc.name), () => stepTemplatePayload(withClearedFields(doc, current), ctx.ids, existing));
      await ctx.api.put(spacePath(ctx.spaceId, 'actiontemplates', String(existing.Id)), { ...existing, ...payload });
    },
    remove: async (current, ctx) => {
      const existing = liveResource(ctx, 'actiontemplates', current.name);
      await ctx.api.delete(spacePath(ctx.spaceId, 'actiontemplates', String(existing.Id)));
    },
  };
}
