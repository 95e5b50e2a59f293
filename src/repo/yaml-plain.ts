// js-yaml held to the YAML 1.2 core schema as `yaml` resolves it: the fast half of yaml-load.ts.
import { FAILSAFE_SCHEMA, Type, load } from 'js-yaml';
import type { Json } from '../core/document.js';

/** A plain scalar's type by the core schema's own patterns (as `yaml` 2 has them). */
const scalar = (tag: string, pattern: RegExp, construct: (text: string) => Json) =>
  new Type(`tag:yaml.org,2002:${tag}`, {
    kind: 'scalar',
    resolve: (data) => data === null ? tag === 'null' : typeof data === 'string' && pattern.test(data),
    construct: (data) => (data === null ? null : construct(data as string)),
  });

const CORE_SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [
    scalar('null', /^(?:~|[Nn]ull|NULL)?$/, () => null),
    scalar('bool', /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (text) => text[0] === 't' || text[0] === 'T'),
    scalar('int', /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/, (text) => (text.startsWith('0o') ? parseInt(text.slice(2), 8) : text.startsWith('0x') ? parseInt(text.slice(2), 16) : parseInt(text, 10))),
    scalar('float', /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/, (text) =>
      /nan$/i.test(text) ? NaN : /inf$/i.test(text) ? (text.startsWith('-') ? -Infinity : Infinity) : parseFloat(text),
    ),
  ],
});

/**
 * A file's value when js-yaml takes it as plainly as \`yaml\` would (see yaml-load.ts); undefined
 * when only \`yaml\` may say what it holds. No \`yaml\` here: the thread that parses a plan's files
 * ahead (yaml-ahead.ts) loads only this.
 */
export function loadPlainly(text: string): { value: Json } | undefined {
  return text.startsWith('%') ? undefined : tryLoad(text);
}

function tryLoad(text: string): { value: Json } | undefined {
  let value: unknown;
  try {
    value = load(text, { schema: CORE_SCHEMA });
  } catch {
    return undefined; // `yaml` says what is wrong, and where
  }
  // An alias is written `*name`: a text without a `*` has none, and its value need not be walked.
  return text.includes('*') && sharesCollections(value) ? undefined : { value: (value ?? null) as Json };
}

/** Whether a collection appears twice in a value: an alias, which `yaml` expands within a limit. */
function sharesCollections(value: unknown): boolean {
  const seen = new Set<object>();
  const visit = (item: unknown): boolean => {
    if (item === null || typeof item !== 'object') return false;
    if (seen.has(item)) return true;
    seen.add(item);
    return Object.values(item).some(visit);
  };
  return visit(value);
}
