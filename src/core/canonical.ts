// One canonical form for documents: fixed key order, no nulls. Snapshot twice, get the same bytes.

import type { Json, JsonObject } from './document.js';

/** Keys that lead a mapping, in this order; the rest follow sorted. `Project` leads per-project files. */
const LEADING_KEYS = ['Name', 'Project', 'Description'];

/** Drops null and undefined values and orders keys (Name, Project, Description, then sorted), recursively. */
export function canonicalize<T extends Json>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => canonicalize(item)) as T;
  if (value === null || typeof value !== 'object') return value;
  // Every document of a plan goes through here: keys are sorted and copied without building
  // intermediate entry lists.
  const object = value as JsonObject;
  const keys: string[] = [];
  for (const key of Object.keys(object)) if (object[key] !== null && object[key] !== undefined) keys.push(key);
  if (keys.length > 1 && !inOrder(keys)) keys.sort(compareKeys);
  const result: JsonObject = {};
  for (const key of keys) {
    const item = canonicalize(object[key] as Json);
    // An assignment to `__proto__` would set the prototype, not a field a document may hold.
    if (key === '__proto__') Object.defineProperty(result, key, { value: item, enumerable: true, writable: true, configurable: true });
    else result[key] = item;
  }
  return result as T;
}

/**
 * Whether canonicalize would give the value back unchanged (no null, keys in order): a document
 * read from a snapshot's file usually is, and then need not be copied.
 */
export function isCanonical(value: Json): boolean {
  // Loops rather than every(): a plan asks this of every document of the repository.
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) {
    for (const item of value) if (item !== null && typeof item === 'object' && !isCanonical(item)) return false;
    return true;
  }
  let previous: string | undefined;
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (item === null || item === undefined) return false;
    if (previous !== undefined && compareKeys(previous, key) > 0) return false;
    if (typeof item === 'object' && !isCanonical(item)) return false;
    previous = key;
  }
  return true;
}

/** The order of keys in a canonical mapping. */
export function compareKeys(a: string, b: string): number {
  const ia = leadingRank(a);
  const ib = leadingRank(b);
  if (ia !== ib) return ia - ib;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether keys are in canonical order already (most objects already canonical): no sort then. */
function inOrder(keys: readonly string[]): boolean {
  for (let index = 1; index < keys.length; index++) if (compareKeys(keys[index - 1] as string, keys[index] as string) > 0) return false;
  return true;
}

/** A key's place among LEADING_KEYS (their count for any other key): asked for every pair of keys sorted. */
function leadingRank(key: string): number {
  // Compared by hand rather than looked up (LEADING_KEYS in order): this runs for every pair of keys of every object.
  return key === 'Name' ? 0 : key === 'Project' ? 1 : key === 'Description' ? 2 : LEADING_KEYS.length;
}

/** Case-insensitive, culture-independent comparison for sorting names. */
export function compareNames(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la !== lb) return la < lb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Deep equality of two JSON values (key order ignored). */
export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  // Loops rather than every(): a plan compares every live document with its desired one.
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let index = 0; index < a.length; index++) if (!jsonEqual(a[index], b[index])) return false;
    return true;
  }
  const keysA = Object.keys(a);
  if (keysA.length !== Object.keys(b).length) return false;
  for (const key of keysA) if (!(key in b) || !jsonEqual((a as JsonObject)[key], (b as JsonObject)[key])) return false;
  return true;
}
