// A parsed file's strings, copied out of the file's text. The YAML loader gives a string of 13
// characters or more as a slice of the text (V8 makes a substring a view of its parent), so one
// such value keeps the whole file alive: a plan of a large repository held every file's text
// (about 14 MB at 2,000 projects) as long as it held the parsed documents. A copy holds only its
// own characters.
import type { Json } from '../core/document.js';

/** Shorter strings are copied by V8 anyway (`SlicedString::kMinLength`). */
const SLICED_FROM = 13;

/** Replaces, in place, every string of `value` by a copy of its own; `value` must be freshly parsed (not frozen or shared). */
export function ownStrings(value: Json): Json {
  if (typeof value === 'string') return value.length < SLICED_FROM ? value : copyOf(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const item = value[index] as Json;
      if (typeof item === 'object' ? item !== null : typeof item === 'string' && item.length >= SLICED_FROM) value[index] = ownStrings(item);
    }
    return value;
  }
  for (const key of Object.keys(value)) {
    // Assigning `__proto__` would set the prototype; such a key keeps its value as parsed.
    if (key === '__proto__') continue;
    const item = value[key] as Json;
    if (typeof item === 'object' ? item !== null : typeof item === 'string' && item.length >= SLICED_FROM) value[key] = ownStrings(item);
  }
  return value;
}

/**
 * A copy of `text` that does not refer to the string it was sliced from: the concatenation is
 * flattened into a new string, of which the result is a view.
 */
function copyOf(text: string): string {
  return ` ${text}`.slice(1);
}
