// Tenant variable templates (`Templates` of projects and library variable sets) and the values
// tenants give them. A template's Id is a per-instance GUID; documents name a template by its
// Name (unique within its owner), and tenant values are written under that name.
import type { Json, JsonObject } from '../../core/document.js';
import type { IdResolver, NameResolver } from '../../core/refs.js';
import { asArray, isObject, without } from '../fields.js';
import { controlTypeOf, controlValueReferences, controlValueToDocument, controlValueToPayload } from '../shared/control-type-values.js';
import type { DocumentReference } from '../types.js';

/**
 * A `PropertyValueResource` (a template default, a tenant variable value) as a document holds
 * it: a plain string, or `{HasValue: true}` for a secret the server holds. Real servers write a
 * plain string or a `SensitiveValue` (`{HasValue, NewValue, Hint}`); the swagger also describes
 * the long form `{IsSensitive, Value, SensitiveValue}`. Returns null when there is no value.
 */
export function propertyValue(value: Json | undefined): Json {
  if (value === undefined || value === null) return null;
  if (!isObject(value)) return value;
  if (value.IsSensitive === true) return isObject(value.SensitiveValue) && value.SensitiveValue.HasValue === true ? { HasValue: true } : null;
  if ('IsSensitive' in value || 'Value' in value) return value.Value ?? null;
  if ('HasValue' in value || 'NewValue' in value) return value.HasValue === true || typeof value.NewValue === 'string' ? { HasValue: true } : null;
  return value;
}

/** Whether a document value stands for a secret (`{HasValue: true}`, or `{NewValue}` from an overlay). */
export function isSecretValue(value: Json | undefined): value is JsonObject {
  return isObject(value) && ('HasValue' in value || 'NewValue' in value);
}

/**
 * Templates as a document lists them: in their order (the order of the tenant variables form),
 * without Ids; a default whose control type refers to something (a certificate, a worker pool,
 * an account, a package's feed) by its name.
 */
export function normalizeTemplates(templates: Json | undefined, names: NameResolver, where: string): JsonObject[] {
  return asArray(templates)
    .filter(isObject)
    .map((template) => {
      const body = without(template, ['Id', 'Links']);
      if ('DefaultValue' in template) {
        body.DefaultValue = controlValueToDocument(controlTypeOf(template.DisplaySettings), propertyValue(template.DefaultValue), names, `${where} template '${String(template.Name)}' DefaultValue`);
      }
      return body;
    });
}

/**
 * Templates as a payload sends them: a template keeps the Id it has in the destination (matched
 * by Name), because tenant variable values there are keyed by that Id; a new one gets its Id
 * from the server. A default naming something is sent as the destination's id.
 */
export function templatesPayload(templates: Json | undefined, existing: Json | undefined, ids: IdResolver, where: string): JsonObject[] {
  const current = asArray(existing).filter(isObject);
  return asArray(templates)
    .filter(isObject)
    .map((template) => {
      const match = current.find((candidate) => sameName(candidate.Name, template.Name));
      const payload: JsonObject = match && typeof match.Id === 'string' ? { Id: match.Id, ...template } : { ...template };
      if ('DefaultValue' in template && !isObject(template.DefaultValue)) {
        payload.DefaultValue = controlValueToPayload(controlTypeOf(template.DisplaySettings), template.DefaultValue ?? null, ids, `${where} template '${String(template.Name)}' DefaultValue`);
      }
      return payload;
    });
}

/** The template with this Id, among a list of templates. */
export function templateById(templates: Json | undefined, id: string): JsonObject | undefined {
  return asArray(templates)
    .filter(isObject)
    .find((template) => typeof template.Id === 'string' && template.Id.toLowerCase() === id.toLowerCase());
}

/** The template with this Name (case-insensitive), among a list of templates. */
export function templateByName(templates: Json | undefined, name: string): JsonObject | undefined {
  return asArray(templates)
    .filter(isObject)
    .find((template) => sameName(template.Name, name));
}

export function sameName(a: Json | undefined, b: Json | undefined): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
}

/** The names the defaults of a document's templates refer to (under `/Templates`). */
export function templateReferences(templates: Json | undefined): DocumentReference[] {
  return asArray(templates).flatMap((template, index) =>
    isObject(template) ? controlValueReferences(controlTypeOf(template.DisplaySettings), template.DefaultValue, `/Templates/${index}/DefaultValue`) : [],
  );
}
