import type { ResourceDef } from '../resource-def.js';
import { nextSortOrder } from './common.js';

interface Tag {
  Id?: string;
  Name?: string;
  Color?: string;
  Description?: string | null;
  SortOrder?: number;
  CanonicalTagName?: string;
}

// Tags are edited by PUTting the whole tag set. A tag keeps its Id across saves when the
// request sends it; new tags get `TagSets-N-M` (inferred id format).
export const tagSets: ResourceDef = {
  collection: 'tagsets',
  idPrefix: 'TagSets',
  itemType: 'TagSet',
  scope: 'space',
  sortBy: 'SortOrder',
  required: ['Name'],
  defaults: () => ({ Name: '', Description: null, Tags: [] }),
  validate: (doc) => {
    const errors: string[] = [];
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
