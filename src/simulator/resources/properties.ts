// Property bags (step and template `Properties`): values are strings, or `SensitiveValue`
// objects for sensitive properties. Secrets are kept in the store under `<prefix>:<name>`.
import { applySensitiveValue, isSensitiveValueShape } from '../sensitive.js';
import type { Store } from '../store.js';

export function applySensitiveProperties(store: Store, prefix: string, sent: unknown, previous: unknown): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const keep = new Set<string>();
  const before = (previous && typeof previous === 'object' ? previous : {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries((sent && typeof sent === 'object' ? sent : {}) as Record<string, unknown>)) {
    if (isSensitiveValueShape(value)) {
      const key = `${prefix}:${name}`;
      keep.add(key);
      result[name] = applySensitiveValue(store, key, value, !isSensitiveValueShape(before[name]));
    } else {
      result[name] = value === null || value === undefined ? value : String(value);
    }
  }
  store.pruneSecrets(`${prefix}:`, keep);
  return result;
}

/**
 * Parameter and tenant-template defaults (`Templates[].DefaultValue`, `Parameters[].DefaultValue`)
 * may be SensitiveValues; their secrets are kept under `<prefix>:<template id>`. Ids must be
 * assigned first.
 */
export function applySensitiveDefaults(store: Store, prefix: string, templates: unknown, previous: unknown): void {
  const before = new Map<unknown, Record<string, unknown>>();
  for (const template of Array.isArray(previous) ? (previous as Record<string, unknown>[]) : []) before.set(template.Id, template);
  const keep = new Set<string>();
  for (const template of Array.isArray(templates) ? (templates as Record<string, unknown>[]) : []) {
    if (!isSensitiveValueShape(template.DefaultValue)) continue;
    const key = `${prefix}:${String(template.Id)}`;
    keep.add(key);
    template.DefaultValue = applySensitiveValue(store, key, template.DefaultValue, !isSensitiveValueShape(before.get(template.Id)?.DefaultValue));
  }
  store.pruneSecrets(`${prefix}:`, keep);
}
