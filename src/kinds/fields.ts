// Field-level helpers shared by kinds: what the server manages, and sensitive values.
import type { Json, JsonObject } from '../core/document.js';

/** Fields every resource has that only the server sets; never written to a document. */
export const SERVER_FIELDS = ['Id', 'SpaceId', 'Links', 'LastModifiedOn', 'LastModifiedBy', 'Slug', 'Version'];

export function without(resource: JsonObject, fields: readonly string[]): JsonObject {
  const copy: JsonObject = { ...resource };
  for (const field of fields) delete copy[field];
  return copy;
}

/**
 * A `SensitiveValue` as a document shows it: only whether the server holds a value. The value
 * itself is never readable, and never written to Git; overlays supply it by reference.
 */
export function sensitiveMarker(value: Json | undefined): JsonObject | null {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return null;
  return value.HasValue === true ? { HasValue: true } : null;
}

export { asArray, isObject } from '../core/document.js';
