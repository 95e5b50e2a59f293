// Field-level differences between two documents, in terms people read: `Phases[Production].
// OptionalDeploymentTargets` rather than `/Phases/3/OptionalDeploymentTargets`.
import { jsonEqual } from './canonical.js';
import type { Json, JsonObject } from './document.js';
import { isObject } from './document.js';
import { scopeText } from './secrets.js';

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
  if (Array.isArray(before) && Array.isArray(after) && keyedItems(before) && keyedItems(after)) {
    const beforeKeys = before.map(keyOf);
    const afterKeys = after.map(keyOf);
    const common = afterKeys.filter((key) => beforeKeys.includes(key));
    // Order carries meaning (steps, phases): a reordering is shown as the whole list.
    if (common.join('\u0000') === beforeKeys.filter((key) => afterKeys.includes(key)).join('\u0000')) {
      for (const [index, item] of before.entries()) {
        const key = beforeKeys[index] as string;
        const match = afterKeys.indexOf(key);
        if (match === -1) changes.push({ path: `${path}[${key}]`, before: item });
        else diffValue(item, after[match], `${path}[${key}]`, changes);
      }
      for (const [index, item] of after.entries()) {
        if (!beforeKeys.includes(afterKeys[index] as string)) changes.push({ path: `${path}[${afterKeys[index]}]`, after: item });
      }
      return;
    }
  }
  changes.push({ path: path || '(document)', ...(before === undefined ? {} : { before }), ...(after === undefined ? {} : { after }) });
}


function unionKeys(a: JsonObject, b: JsonObject): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])];
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/**
 * Lists of objects with unique keys are compared item by item. An item's key is its Name, with
 * its Scope for variables (`Db{Environment=Production}`): the same key secret paths use.
 */
function keyedItems(items: Json[]): boolean {
  const keys = items.map(keyOf);
  return keys.every((key) => key !== undefined) && new Set(keys).size === keys.length;
}

function keyOf(item: Json): string | undefined {
  return isObject(item) && typeof item.Name === 'string' ? `${item.Name}${scopeText(item.Scope)}` : undefined;
}
