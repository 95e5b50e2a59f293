// Field-level differences between two documents, in terms people read: `Phases[Production].
// OptionalDeploymentTargets` rather than `/Phases/3/OptionalDeploymentTargets`.
import { jsonEqual } from './canonical.js';
import type { Json, JsonObject } from './document.js';

export interface FieldChange {
  /** Readable path: `Description`, `Steps[Deploy].Actions[Deploy].Properties.Octopus.Action.Script.ScriptBody`. */
  path: string;
  /** Absent when the field is added. */
  before?: Json;
  /** Absent when the field is removed. */
  after?: Json;
}

/** Changes that turn `before` into `after`; empty when they are equal. */
export function diffDocuments(before: JsonObject, after: JsonObject): FieldChange[] {
  const changes: FieldChange[] = [];
  diffValue(before, after, '', changes);
  return changes;
}

function diffValue(before: Json | undefined, after: Json | undefined, path: string, changes: FieldChange[]): void {
  if (jsonEqual(before, after)) return;
  if (isObject(before) && isObject(after)) {
    for (const key of unionKeys(before, after)) diffValue(before[key], after[key], join(path, key), changes);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const keyed = namedItems(before) && namedItems(after);
    if (keyed && sameNameOrder(before, after)) {
      before.forEach((item, index) => diffValue(item, after[index], `${path}[${nameOf(item)}]`, changes));
      return;
    }
  }
  changes.push({ path: path || '(document)', ...(before === undefined ? {} : { before }), ...(after === undefined ? {} : { after }) });
}

function isObject(value: Json | undefined): value is JsonObject {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value);
}

function unionKeys(a: JsonObject, b: JsonObject): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])];
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Lists of objects with unique names (steps, phases, variables by name) are compared item by item. */
function namedItems(items: Json[]): boolean {
  const names = items.map(nameOf);
  return names.every((name) => name !== undefined) && new Set(names).size === names.length;
}

function sameNameOrder(a: Json[], b: Json[]): boolean {
  return a.length === b.length && a.every((item, index) => nameOf(item) === nameOf(b[index] as Json));
}

function nameOf(item: Json): string | undefined {
  return isObject(item) && typeof item.Name === 'string' ? item.Name : undefined;
}
