// Turning one reference into a name (snapshot) or a destination id (apply), the same way for
// every field that holds one: `#{...}` expressions are kept (they are resolved at deployment
// time), the built-in feeds resolve by their fixed names, anything else through the resolvers,
// which record a problem naming where the reference was when there is nothing to resolve it to.
import type { Json } from '../../core/document.js';
import type { IdResolver, NameResolver } from '../../core/refs.js';
import { builtInFeedId, builtInFeedName } from './built-ins.js';

/** `#{Variable}` expressions are resolved at deployment time, not by name: kept verbatim. */
export function isExpression(value: string): boolean {
  return value.includes('#{');
}

/** The parts of a comma-separated list, trimmed, without empty ones. */
export function splitCsv(value: string): string[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** The name of `id` in `collection`; a problem (and the id back) when the source has none. */
export function nameOfId(names: NameResolver, collection: string, id: string, where: string): string {
  if (collection === 'feeds' && names.table.nameOf('feeds', id) === undefined) {
    const builtIn = builtInFeedName(id);
    if (builtIn !== undefined) return builtIn;
  }
  return names.name(collection, id, where);
}

/** The destination's id of `name` in `collection`; a problem (and '') when it has none. */
export function idOfName(ids: IdResolver, collection: string, name: string, where: string, ownerId?: string): string {
  if (collection === 'feeds' && ids.table.idOf('feeds', name) === undefined) {
    const builtIn = builtInFeedId(name);
    if (builtIn !== undefined) return builtIn;
  }
  return ids.id(collection, name, where, ownerId);
}

/** An optional reference as a name: null, '' and expressions stay as they are. */
export function optionalName(names: NameResolver, collection: string, id: Json | undefined, where: string): string | null {
  if (id === null || id === undefined || id === '') return null;
  if (typeof id !== 'string') return names.name(collection, id, where);
  return isExpression(id) ? id : nameOfId(names, collection, id, where);
}

/** An optional reference as a destination id: null, '' and expressions stay as they are. */
export function optionalId(ids: IdResolver, collection: string, name: Json | undefined, where: string, ownerId?: string): string | null {
  if (name === null || name === undefined || name === '') return null;
  if (typeof name !== 'string') return ids.id(collection, name, where);
  return isExpression(name) ? name : idOfName(ids, collection, name, where, ownerId);
}

/** Whether the destination has `name` in `collection` now (a built-in feed always). */
export function existsInDestination(ids: IdResolver, collection: string, name: string, ownerId?: string): boolean {
  if (isExpression(name)) return true;
  if (collection === 'feeds' && builtInFeedId(name) !== undefined) return true;
  return ids.table.idOf(collection, name, ownerId) !== undefined;
}
