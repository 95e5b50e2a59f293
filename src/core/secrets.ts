// Secrets in documents. A document never holds a secret: it only marks where one is
// (`{HasValue: true}` for a SensitiveValue field, `IsSensitive: true` without `Value` for a
// variable). Overlays say where a destination's value comes from; apply reads it at the last
// moment and puts it into the payload, never into a plan, a log or Git.
import type { Json, JsonObject } from './document.js';

/** Where a secret's value comes from: an environment variable or a file (read at apply time). */
export type SecretSource = { env: string } | { file: string };

/** One place in a document where a secret lives. */
export interface SecretSlot {
  /** Readable, stable path: `Password`, `Variables[DbPassword{Environment=Production}]`, `Steps[Deploy].Actions[Deploy].Properties.Token`. */
  path: string;
  /** JSON pointer to the value in the document body (`/Password`, `/Variables/3/Value`). */
  pointer: string;
  /** `sensitive-value`: a `{HasValue}` field; `variable`: a sensitive variable's `Value`. */
  form: 'sensitive-value' | 'variable';
  /** Whether the document says a value exists (in the source). */
  hasValue: boolean;
}

/** Every secret slot of a document body, in document order. */
export function secretSlots(body: JsonObject): readonly SecretSlot[] {
  // A frozen body cannot change: its slots are found once (a daemon's destinations share the
  // repository's values frozen, repo/parsed-documents.ts, and plan each of them).
  const frozen = Object.isFrozen(body);
  const kept = frozen ? slotsOfFrozen.get(body) : undefined;
  if (kept) return kept;
  const slots: SecretSlot[] = [];
  walk(body, [], slots);
  if (frozen) slotsOfFrozen.set(body, Object.freeze(slots.map((slot) => Object.freeze(slot))));
  return slots;
}

const slotsOfFrozen = new WeakMap<JsonObject, readonly SecretSlot[]>();

/** A step from a document's root to a value: a field, or a list item. */
type Step = { key: string } | { item: Json; index: number };

// Every plan walks every document, and almost none holds a secret: a slot's path and pointer are
// spelled out from the steps only when one is found.
function walk(value: Json, steps: Step[], slots: SecretSlot[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      if (item === null || typeof item !== 'object') return;
      steps.push({ item, index });
      walk(item, steps, slots);
      steps.pop();
    });
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (isSensitiveMarker(value)) {
    slots.push({ ...located(steps), form: 'sensitive-value', hasValue: value.HasValue === true });
    return;
  }
  if (isSensitiveVariable(value)) {
    const at = located(steps);
    slots.push({ path: at.path, pointer: `${at.pointer}/Value`, form: 'variable', hasValue: true });
  }
  for (const key of Object.keys(value)) {
    const child = value[key] as Json;
    if (child === null || typeof child !== 'object') continue;
    steps.push({ key });
    walk(child, steps, slots);
    steps.pop();
  }
}

/** The readable path and the JSON pointer of the value the steps lead to. */
function located(steps: readonly Step[]): { path: string; pointer: string } {
  let path = '';
  let pointer = '';
  for (const step of steps) {
    if ('key' in step) {
      path = path === '' ? step.key : `${path}.${step.key}`;
      pointer += `/${escapePointer(step.key)}`;
    } else {
      path += `[${itemKey(step.item, step.index)}]`;
      pointer += `/${step.index}`;
    }
  }
  return { path, pointer };
}

/** `{HasValue: ...}` and nothing else (what a document keeps of a SensitiveValue). */
export function isSensitiveMarker(value: JsonObject): boolean {
  const keys = Object.keys(value);
  return keys.includes('HasValue') && keys.every((key) => key === 'HasValue' || key === 'NewValue');
}

function isSensitiveVariable(value: JsonObject): boolean {
  return typeof value.Name === 'string' && (value.IsSensitive === true || value.Type === 'Sensitive') && !('Value' in value && typeof value.Value === 'string');
}

/**
 * How a list item is named in a path: by Name (and Scope for variables); a tenant variable value
 * by the environments it is for (`*`: every environment); else by position.
 */
function itemKey(item: Json, index: number): string {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return String(index);
  if (typeof item.Name === 'string') return `${item.Name}${scopeText(item.Scope)}`;
  if ('Value' in item) return Array.isArray(item.Environments) && item.Environments.length > 0 ? item.Environments.map(String).join(',') : '*';
  return String(index);
}

/** `{Environment=Production,Staging;Role=web}`, or '' for no scope. */
export function scopeText(scope: Json | undefined): string {
  if (scope === null || scope === undefined || typeof scope !== 'object' || Array.isArray(scope)) return '';
  const parts = Object.keys(scope)
    .sort()
    .map((key) => {
      const values = scope[key];
      return `${key}=${(Array.isArray(values) ? values.map(String) : [String(values)]).sort().join(',')}`;
    });
  return parts.length === 0 ? '' : `{${parts.join(';')}}`;
}

export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Sets the value at a JSON pointer inside a copy of `body`. */
export function setAtPointer(body: JsonObject, pointer: string, value: Json): JsonObject {
  return setAtPointers(body, [[pointer, value]]);
}

/**
 * `body` with the values set at JSON pointers: the objects and arrays on the pointers' paths are
 * copied (once each, whatever the number of values), everything else is shared with `body`,
 * which is left as it was. A whole copy of the body per document cost more than its write.
 */
export function setAtPointers(body: JsonObject, values: readonly (readonly [string, Json])[]): JsonObject {
  const copies = new Set<object>();
  const own = <T extends JsonObject | Json[]>(node: T): T => {
    if (copies.has(node)) return node;
    const copy = (Array.isArray(node) ? [...node] : { ...node }) as T;
    copies.add(copy);
    return copy;
  };
  const root = own(body);
  for (const [pointer, value] of values) {
    const tokens = pointer
      .split('/')
      .slice(1)
      .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
    let node: JsonObject | Json[] = root;
    for (const token of tokens.slice(0, -1)) {
      const child: Json | undefined = Array.isArray(node) ? node[Number(token)] : node[token];
      if (child === null || child === undefined || typeof child !== 'object') throw new Error(`no value at ${pointer}`);
      const mine: JsonObject | Json[] = own(child);
      if (Array.isArray(node)) node[Number(token)] = mine;
      else node[token] = mine;
      node = mine;
    }
    const last = tokens[tokens.length - 1] as string;
    if (Array.isArray(node)) node[Number(last)] = value;
    else node[last] = value;
  }
  return root;
}
