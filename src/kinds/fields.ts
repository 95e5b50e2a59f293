// Field-level helpers shared by kinds: what the server manages, and sensitive values.
import type { Json, JsonObject } from '../core/document.js';

/** Fields every resource has that only the server sets; never written to a document. */
export const SERVER_FIELDS = ['Id', 'SpaceId', 'Links', 'LastModifiedOn', 'LastModifiedBy', 'Slug', 'Version'];

export function without(resource: JsonObject, fields: readonly string[]): JsonObject {
  // Copied key by key rather than spread and deleted from: an object that loses keys turns into a
  // slow dictionary for everything that reads it afterwards (normalizing, formatting, validating).
  const copy: JsonObject = {};
  for (const key of Object.keys(resource)) {
    if (fields.includes(key)) continue;
    // An assignment to `__proto__` would set the prototype, not a field a resource may hold.
    if (key === '__proto__') Object.defineProperty(copy, key, { value: resource[key], enumerable: true, writable: true, configurable: true });
    else copy[key] = resource[key] as Json;
  }
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
