import { compareNames } from '../../core/canonical.js';
import type { JsonObject } from '../../core/document.js';
import type { IdResolver } from '../../core/refs.js';
import { asArray, isObject, without } from '../fields.js';
import { simpleKind } from '../simple-kind.js';

// Tags are listed in their SortOrder; the position is the order, so SortOrder itself, the tag
// Ids and the computed CanonicalTagName (`Set/Tag`) are not written. Tags are edited by PUTting
// the whole tag set, and a tag sent without an Id is a new tag: an update sends back the
// destination's own tag Ids (matched by tag name) so its tags are edited, not replaced.
export const tagSets = simpleKind({
  name: 'tag-sets',
  title: 'tag set',
  collection: 'tagsets',
  dependsOn: [],
  // System tag sets belong to the server (2025+ `IsSystem`), like built-in roles.
  include: (resource) => resource.IsSystem !== true,
  drop: ['IsSystem'],
  normalize: (body, resource) => {
    // What a tag set applies to is a set (2025+): sorted.
    if (Array.isArray(resource.Scopes)) body.Scopes = resource.Scopes.map(String).sort(compareNames);
    const tags = asArray(resource.Tags).filter(isObject);
    tags.sort((a, b) => Number(a.SortOrder ?? 0) - Number(b.SortOrder ?? 0));
    body.Tags = tags.map((tag) => without(tag, ['Id', 'CanonicalTagName', 'SortOrder']));
  },
  denormalize: (payload, body, ids) => {
    const existing = destinationTagIds(ids, body.Name);
    payload.Tags = asArray(body.Tags)
      .filter(isObject)
      .map((tag, index) => {
        const id = existing.get(String(tag.Name).toLowerCase());
        return (id === undefined ? { ...tag, SortOrder: index } : { Id: id, ...tag, SortOrder: index }) satisfies JsonObject;
      });
  },
});

/** Tag name (lower case) → Id in the destination's tag set of that name, if it exists. */
function destinationTagIds(ids: IdResolver, name: unknown): Map<string, string> {
  const id = typeof name === 'string' ? ids.table.idOf('tagsets', name) : undefined;
  const live = id === undefined ? undefined : ids.table.resource('tagsets', id);
  return new Map(
    asArray(live?.Tags)
      .filter(isObject)
      .filter((tag) => typeof tag.Id === 'string')
      .map((tag) => [String(tag.Name).toLowerCase(), String(tag.Id)]),
  );
}
