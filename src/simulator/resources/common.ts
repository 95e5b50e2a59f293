// Small helpers shared by resource definitions.
import { randomUUID } from 'node:crypto';
import type { Reference } from '../resource-def.js';
import { idsOf } from '../resource-def.js';
import type { Instance } from '../instance.js';
import type { Doc } from '../store.js';

/** A reference field holding one id or an array of ids. */
export function ref(field: string, collection: string): Reference {
  return { field, collection, ids: (doc) => idsOf(doc[field]) };
}

/** Variable templates (project and library set `Templates`, step template `Parameters`) show every field, null when not sent. */
export function templateDefaults(items: unknown): void {
  if (!Array.isArray(items)) return;
  for (const item of items as Record<string, unknown>[]) {
    for (const field of ['Label', 'HelpText', 'DefaultValue']) if (item && typeof item === 'object' && !(field in item)) item[field] = null;
    if (item && typeof item === 'object' && !('DisplaySettings' in item)) item.DisplaySettings = {};
  }
}

/** Gives every element of an array field an `Id` (a GUID) when it has none, as the server does. */
export function assignIds(items: unknown): void {
  if (!Array.isArray(items)) return;
  for (const item of items) {
    if (item && typeof item === 'object' && !(item as Record<string, unknown>).Id) {
      (item as Record<string, unknown>).Id = randomUUID();
    }
  }
}

/** What a tag set's tags can be put on (2026 `Scopes`; a tag set without them is a tenant tag set). */
export type TagScope = 'Tenant' | 'Environment' | 'Project' | 'Target' | 'Runbook' | 'Feature Toggle';

export const TAG_SCOPES: readonly TagScope[] = ['Tenant', 'Environment', 'Project', 'Target', 'Runbook', 'Feature Toggle'];

/** The scopes of a tag set: as stored, or `Tenant` for one saved without (the documented default). */
export function tagSetScopes(tagSet: Doc): string[] {
  return Array.isArray(tagSet.Scopes) && tagSet.Scopes.length > 0 ? tagSet.Scopes.map(String) : ['Tenant'];
}

/** Canonical tag names (`Tag Set/Tag`) that exist in a space, of tag sets that apply to `scope`. */
export function knownTags(instance: Instance, spaceId: string | null, scope: TagScope): Set<string> {
  const names = new Set<string>();
  for (const tagSet of instance.visible('tagsets', spaceId)) {
    if (!tagSetScopes(tagSet).includes(scope)) continue;
    for (const tag of (tagSet.Tags as { Name: string }[] | undefined) ?? []) {
      names.add(`${String(tagSet.Name)}/${tag.Name}`.toLowerCase());
    }
  }
  return names;
}

/** Canonical tenant tag names (`Tag Set/Tag`) that exist in a space. */
export function knownTenantTags(instance: Instance, spaceId: string | null): Set<string> {
  return knownTags(instance, spaceId, 'Tenant');
}

/** Error lines for tags that do not exist, or whose tag set does not apply to `scope`. */
export function checkTags(instance: Instance, spaceId: string | null, tags: unknown, field: string, scope: TagScope): string[] {
  const known = knownTags(instance, spaceId, scope);
  return idsOf(tags)
    .filter((tag) => typeof tag !== 'string' || !known.has(tag.toLowerCase()))
    .map((tag) => `${field}: the tag '${String(tag)}' does not exist, or its tag set does not apply to ${scope.toLowerCase()}s.`);
}

/** Error lines for tenant tags that do not exist. */
export function checkTenantTags(instance: Instance, spaceId: string | null, tags: unknown, field = 'TenantTags'): string[] {
  const known = knownTenantTags(instance, spaceId);
  return idsOf(tags)
    .filter((tag) => typeof tag !== 'string' || !known.has(tag.toLowerCase()))
    .map((tag) => `${field}: the tag '${String(tag)}' does not exist.`);
}

/** Error lines for a field required to hold one of a fixed set of values. */
export function checkOneOf(doc: Doc, field: string, allowed: readonly string[]): string[] {
  const value = doc[field];
  if (value === undefined || value === null || allowed.includes(String(value))) return [];
  return [`${field}: '${String(value)}' is not one of ${allowed.join(', ')}.`];
}

/** The next SortOrder for a collection that keeps one (new items go last). */
export function nextSortOrder(instance: Instance, collection: string, spaceId: string | null): number {
  const orders = instance.visible(collection, spaceId).map((doc) => Number(doc.SortOrder ?? 0));
  return orders.length === 0 ? 0 : Math.max(...orders) + 1;
}

export const TENANTED_MODES = ['Untenanted', 'TenantedOrUntenanted', 'Tenanted'] as const;

/** Retention as Octopus writes "keep everything" (fixtures/octopus-2018.11.2/lifecycle.json). */
export function keepForever(): Record<string, unknown> {
  return { Unit: 'Items', QuantityToKeep: 0, ShouldKeepForever: true };
}
