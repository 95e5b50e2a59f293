// Which top-level fields a kind's documents may hold: what the 2026 reference says its resources
// hold (reference-fields.ts), those holding ids as documents name them (`LifecycleId` → `Lifecycle`,
// `EnvironmentIds` → `Environments`), and what its schema declares (fields octosync adds, such as
// a tenant's `Variables`). Undefined for kinds whose documents the reference does not describe
// as one resource (variables, processes): their keys are not checked.
import type { KindName } from '../core/document.js';
import { PHASE_FIELDS, REFERENCE_FIELDS } from './reference-fields.js';

export function knownFields(kind: KindName, schemaProperties: readonly string[] = []): ReadonlySet<string> | undefined {
  const reference = REFERENCE_FIELDS[kind];
  if (!reference) return undefined;
  return new Set([...withNameForms(reference), ...schemaProperties]);
}

/** A lifecycle phase's fields (as documents name them). */
export const KNOWN_PHASE_FIELDS: ReadonlySet<string> = new Set(withNameForms(PHASE_FIELDS));

function withNameForms(fields: readonly string[]): string[] {
  return fields.flatMap((field) => {
    if (field.endsWith('Ids')) return [field, `${field.slice(0, -3)}s`];
    if (field.endsWith('Id') && field !== 'Id') return [field, field.slice(0, -2)];
    return [field];
  });
}
