// Octopus `SensitiveValue` semantics (OctopusClients SensitiveValue.cs): a read only says
// whether a value is set; a write with a non-null `NewValue` sets it, `HasValue: false` clears
// it, anything else keeps what the server has.
import type { Store } from './store.js';

export interface SensitiveValueView {
  HasValue: boolean;
  NewValue: null;
  Hint: null;
}

export function isSensitiveValueShape(value: unknown): value is { HasValue?: unknown; NewValue?: unknown } {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && ('HasValue' in value || 'NewValue' in value);
}

/**
 * Applies what a request sent for one sensitive field to the secret kept under `key` and
 * returns what the document shows. A plain string is taken as a new value (older clients send
 * one). On create, an absent field means no value.
 */
export function applySensitiveValue(store: Store, key: string, sent: unknown, creating: boolean): SensitiveValueView {
  if (typeof sent === 'string') {
    store.setSecret(key, sent === '' ? undefined : sent);
  } else if (isSensitiveValueShape(sent)) {
    if (typeof sent.NewValue === 'string') store.setSecret(key, sent.NewValue);
    else if (sent.HasValue === false) store.setSecret(key, undefined);
  } else if (creating) {
    store.setSecret(key, undefined);
  }
  return view(store.hasSecret(key));
}

export function view(hasValue: boolean): SensitiveValueView {
  return { HasValue: hasValue, NewValue: null, Hint: null };
}
