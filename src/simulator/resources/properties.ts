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
