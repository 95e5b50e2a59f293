import type { ResourceDef } from '../resource-def.js';
import { TAG_SCOPES, checkOneOf, nextSortOrder } from './common.js';

/** 2026 tag set types (tag-sets.md "Valid values"). */
const TAG_SET_TYPES = ['SingleSelect', 'MultiSelect', 'FreeText'];

interface Tag {
  Id?: string;
  Name?: string;
  Color?: string;
  Description?: string | null;
  SortOrder?: number;
  CanonicalTagName?: string;
}

// Tags are edited by PUTting the whole tag set. A tag keeps its Id across saves when the
// request sends it; new tags get `TagSets-N-M` (inferred id format). 2026 adds `Type` (how many
// tags of the set a resource may carry; `MultiSelect` when not sent, as tenant tag sets always
// were: inferred) and `Scopes` (what its tags apply to; `['Tenant']` when omitted, as documented).
export const tagSets: ResourceDef = {
  collection: 'tagsets',
  idPrefix: 'TagSets',
  itemType: 'TagSet',
  scope: 'space',
  sortBy: 'SortOrder',
  required: ['Name'],
  defaults: () => ({ Name: '', Description: null, Type: 'MultiSelect', Scopes: ['Tenant'], IsSystem: false, Tags: [] }),
  serverManaged: ['IsSystem'],
  validate: (doc) => {
    const errors: string[] = [...checkOneOf(doc, 'Type', TAG_SET_TYPES)];
    const scopes = Array.isArray(doc.Scopes) ? doc.Scopes : [];
    for (const scope of scopes) if (!TAG_SCOPES.includes(scope as never)) errors.push(`Scopes: '${String(scope)}' is not one of ${TAG_SCOPES.join(', ')}.`);
    const seen = new Set<string>();
    for (const tag of (doc.Tags as Tag[] | undefined) ?? []) {
      if (!tag.Name) errors.push('Tags: every tag needs a Name.');
      else if (seen.has(tag.Name.toLowerCase())) errors.push(`Tags: the tag name '${tag.Name}' is used twice.`);
      else seen.add(tag.Name.toLowerCase());
      if (tag.Color !== undefined && !/^#[0-9a-fA-F]{6}$/.test(tag.Color)) errors.push(`Tags: '${tag.Color}' is not a colour like #3156B3.`);
    }
    return errors;
  },
  prepare: (doc, ctx) => {
    if (!Array.isArray(doc.Scopes) || doc.Scopes.length === 0) doc.Scopes = ['Tenant'];
    if (doc.Type === null || doc.Type === undefined) doc.Type = 'MultiSelect';
    if (typeof doc.SortOrder !== 'number') {
      doc.SortOrder = ctx.previous?.SortOrder ?? nextSortOrder(ctx.instance, 'tagsets', ctx.spaceId);
    }
    const previousIds = new Set(((ctx.previous?.Tags as Tag[] | undefined) ?? []).map((tag) => tag.Id));
    const used = ((doc.Tags as Tag[] | undefined) ?? []).map((tag) => Number(String(tag.Id ?? '').split('-').pop()));
    let next = Math.max(0, ...used.filter(Number.isFinite)) + 1;
    doc.Tags = ((doc.Tags as Tag[] | undefined) ?? []).map((tag, index) => ({
      Id: tag.Id && (previousIds.has(tag.Id) || tag.Id.startsWith(`${doc.Id}-`)) ? tag.Id : `${doc.Id}-${next++}`,
      Name: tag.Name,
      Color: tag.Color ?? '#333333',
      Description: tag.Description ?? null,
      SortOrder: tag.SortOrder ?? index,
      CanonicalTagName: `${String(doc.Name)}/${tag.Name}`,
    }));
  },
};
