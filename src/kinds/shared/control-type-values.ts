// Values whose meaning comes from a control type (`DisplaySettings['Octopus.ControlType']`): the
// parameters of step templates (their defaults, and the values actions using the template give
// them), the tenant variable templates of projects and library variable sets (their defaults,
// and the values tenants give them). Some control types hold ids:
// - `Certificate`, `WorkerPool`, and every account type (`AmazonWebServicesAccount`,
//   `AzureAccount`, `GoogleCloudAccount`, `GenericOidcAccount`, `UsernamePasswordAccount`,
//   `Token`, `SshKeyPair`, ...): the id of one resource. A document holds its name.
// - `Package`: JSON `{"PackageId": "...", "FeedId": "Feeds-1"}`. A document holds the same JSON
//   with `"Feed": "<feed name>"` in place of `FeedId`, so the field says what it holds.
// Expressions (`#{...}`) and empty values are kept as they are. Everything else is free text.
import type { Json, JsonObject } from '../../core/document.js';
import { asArray, isObject } from '../../core/document.js';
import type { IdResolver, NameResolver } from '../../core/refs.js';
import { KIND_OF_COLLECTION } from '../collections.js';
import type { DocumentReference } from '../types.js';
import { idOfName, isExpression, nameOfId } from './resolve.js';

/** Account types whose names do not end in `Account` (OctopusClients AccountType). */
const ACCOUNT_TYPES = new Set(['token', 'sshkeypair', 'azureserviceprincipal', 'azureoidc', 'usernamepassword', 'genericoidc', 'awsoidc']);

const CONTROL_TYPE = 'Octopus.ControlType';

/** The control type of a parameter or template (its `DisplaySettings`). */
export function controlTypeOf(displaySettings: Json | undefined): string | undefined {
  const type = isObject(displaySettings) ? displaySettings[CONTROL_TYPE] : undefined;
  return typeof type === 'string' && type !== '' ? type : undefined;
}

/**
 * The API collection a value of this type (a control type, or a variable's `Type`) is the id of:
 * `certificates`, `workerpools` or `accounts`.
 */
export function referenceCollection(type: string | undefined): string | undefined {
  if (type === undefined) return undefined;
  if (type === 'Certificate') return 'certificates';
  if (type === 'WorkerPool') return 'workerpools';
  if (/Account$/.test(type) || ACCOUNT_TYPES.has(type.toLowerCase())) return 'accounts';
  return undefined;
}

/** Control type by parameter or template name (lower case), for the values others give them. */
export function controlTypesByName(parameters: Json | undefined): ReadonlyMap<string, string> {
  const types = new Map<string, string>();
  for (const parameter of asArray(parameters).filter(isObject)) {
    const type = controlTypeOf(parameter.DisplaySettings);
    if (type !== undefined && typeof parameter.Name === 'string') types.set(parameter.Name.toLowerCase(), type);
  }
  return types;
}

/** A value of this control type as a document holds it: names for ids. */
export function controlValueToDocument(type: string | undefined, value: Json, names: NameResolver, where: string): Json {
  if (typeof value !== 'string' || value === '' || isExpression(value)) return value;
  const collection = referenceCollection(type);
  if (collection) return nameOfId(names, collection, value, where);
  if (type === 'Package') return mapPackageFeed(value, 'FeedId', 'Feed', (feed) => nameOfId(names, 'feeds', feed, `${where} FeedId`));
  return value;
}

/** A document's value of this control type with the destination's ids for names. */
export function controlValueToPayload(type: string | undefined, value: Json, ids: IdResolver, where: string): Json {
  if (typeof value !== 'string' || value === '' || isExpression(value)) return value;
  const collection = referenceCollection(type);
  if (collection) return idOfName(ids, collection, value, where);
  if (type === 'Package') return mapPackageFeed(value, 'Feed', 'FeedId', (feed) => idOfName(ids, 'feeds', feed, `${where} Feed`));
  return value;
}

/** The name a document's value of this control type refers to, at `pointer`. */
export function controlValueReferences(type: string | undefined, value: Json | undefined, pointer: string): DocumentReference[] {
  if (typeof value !== 'string' || value === '' || isExpression(value)) return [];
  const collection = referenceCollection(type);
  const kind = collection === undefined ? undefined : KIND_OF_COLLECTION[collection];
  if (kind) return [{ pointer, kind, name: value }];
  if (type !== 'Package') return [];
  const feed = packageJson(value)?.Feed;
  return typeof feed === 'string' && feed !== '' && !isExpression(feed) ? [{ pointer, kind: 'feeds', name: feed }] : [];
}

/** Package JSON with its feed field renamed and its value mapped; other text is kept as is. */
function mapPackageFeed(value: string, from: string, to: string, map: (feed: string) => string): string {
  const parsed = packageJson(value);
  if (!parsed || !(from in parsed)) return value;
  const result: JsonObject = {};
  for (const [key, item] of Object.entries(parsed)) {
    if (key !== from) result[key] = item;
    else result[to] = typeof item === 'string' && item !== '' && !isExpression(item) ? map(item) : item;
  }
  return JSON.stringify(result);
}

function packageJson(value: string): JsonObject | undefined {
  if (!value.trimStart().startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(value) as Json;
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
