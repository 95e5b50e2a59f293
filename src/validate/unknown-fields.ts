// Keys a document holds that its kind does not know (knownFields): a key close to a known one is
// a typo (`UseGuidedFaliure`), an error with a suggestion, since the server would drop it and the
// source's value would silently stay; any other is a warning (newer servers add fields, and they
// still pass through).
import type { Json } from '../core/document.js';
import { isObject } from '../core/document.js';
import { suggest } from '../core/suggest.js';

export interface UnknownField {
  key: string;
  /** The known field it is probably a misspelling of. */
  suggestion?: string;
}

/** The top-level keys of `value` that are not in `known`, each with a suggestion when one is close. */
export function unknownFields(value: Json, known: ReadonlySet<string>): UnknownField[] {
  if (!isObject(value)) return [];
  return Object.keys(value)
    .filter((key) => !known.has(key))
    .map((key) => {
      const suggestion = suggest(key, known);
      return suggestion ? { key, suggestion } : { key };
    });
}

export function describeUnknown(field: UnknownField, owner: string): string {
  return field.suggestion
    ? `unknown field '${field.key}' (did you mean ${field.suggestion}?)`
    : `unknown field '${field.key}': ${owner} has no such field in the 2026 API reference; it is passed through as it is`;
}
