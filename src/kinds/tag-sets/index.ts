import type { JsonObject } from '../../core/document.js';
import { asArray, isObject, without } from '../fields.js';
import { simpleKind } from '../simple-kind.js';

// Tags are listed in their SortOrder; the position is the order, so SortOrder itself, the tag
// Ids and the computed CanonicalTagName (`Set/Tag`) are not written.
export const tagSets = simpleKind({
  name: 'tag-sets',
  title: 'tag set',
  collection: 'tagsets',
  dependsOn: [],
  normalize: (body, resource) => {
    const tags = asArray(resource.Tags).filter(isObject);
    tags.sort((a, b) => Number(a.SortOrder ?? 0) - Number(b.SortOrder ?? 0));
    body.Tags = tags.map((tag) => without(tag, ['Id', 'CanonicalTagName', 'SortOrder']));
  },
  denormalize: (payload, body) => {
    payload.Tags = asArray(body.Tags)
      .filter(isObject)
      .map((tag, index) => ({ ...tag, SortOrder: index }) satisfies JsonObject);
  },
});
