// Ids found by their form where nothing is known about a field: a property no schema describes,
// JSON inside a string, the inputs of a step package. Octopus ids have recognisable forms
// (`Feeds-12`, `Accounts-3`, `teams-everyone`, ...), and octoterra finds them the same way
// (OctopusTerraformExport `regexes.go`, `octopus_action_processor.go`).
//
// Such an id becomes a reference token in the document, `{{octosync:<kind>/<name>}}`: the field
// says nothing about what it holds, so the value itself must, for apply to turn it back into the
// destination's id (and for `validate` and `plan` to check the name). A whole value, each part of
// a comma-separated list of ids, and each JSON string that is an id are replaced; text around an
// id (a script mentioning `Feeds-1`) is left alone. An id that names nothing in the source is a
// problem naming the document and field: the snapshot would otherwise carry it into another
// instance, where it means something else.
import type { Json } from '../../core/document.js';
import { isObject } from '../../core/document.js';
import type { IdResolver, NameResolver } from '../../core/refs.js';
import { KIND_OF_COLLECTION } from '../collections.js';
import type { DocumentReference } from '../types.js';
import { idOfName, nameOfId, splitCsv } from './resolve.js';

/** Id forms, by the API collection of what they name. */
const ID_FORMS: readonly { pattern: RegExp; collection: string }[] = [
  { pattern: /^Feeds-\d+$/, collection: 'feeds' },
  { pattern: /^feeds-builtin(-releases)?$/, collection: 'feeds' },
  { pattern: /^Accounts-\d+$/, collection: 'accounts' },
  { pattern: /^Projects-\d+$/, collection: 'projects' },
  { pattern: /^Certificates-\d+$/, collection: 'certificates' },
  { pattern: /^WorkerPools-\d+$/, collection: 'workerpools' },
  { pattern: /^GitCredentials-\d+$/, collection: 'gitcredentials' },
  { pattern: /^ActionTemplates-\d+$/, collection: 'actiontemplates' },
  { pattern: /^Environments-\d+$/, collection: 'environments' },
  { pattern: /^Tenants-\d+$/, collection: 'tenants' },
  { pattern: /^(Teams-\d+|teams-[a-z]+(-Spaces-\d+)?)$/, collection: 'teams' },
  { pattern: /^Lifecycles-\d+$/, collection: 'lifecycles' },
  { pattern: /^ProjectGroups-\d+$/, collection: 'projectgroups' },
  { pattern: /^LibraryVariableSets-\d+$/, collection: 'libraryvariablesets' },
  { pattern: /^MachinePolicies-\d+$/, collection: 'machinepolicies' },
  { pattern: /^Machines-\d+$/, collection: 'machines' },
];

/**
 * What every form above has in common (letters, a dash, then letters, digits and dashes): most
 * strings (scripts, names, URLs) fail this one test instead of every form's.
 */
const ANY_ID_FORM = /^[A-Za-z]+-[A-Za-z0-9-]+$/;

const TOKEN = /\{\{octosync:([a-z-]+)\/(.*?)\}\}/g;

/** The collection an id of this form belongs to, if the string is one. */
export function collectionOfId(value: string): string | undefined {
  if (!ANY_ID_FORM.test(value)) return undefined;
  return ID_FORMS.find((form) => form.pattern.test(value))?.collection;
}

/** The token a document holds for the resource `name` of `collection`. */
export function referenceToken(collection: string, name: string): string {
  return `{{octosync:${KIND_OF_COLLECTION[collection] ?? collection}/${name}}}`;
}

/**
 * A free-form string with the ids it consists of (the whole value, every part of a
 * comma-separated list, every string of its JSON) replaced by reference tokens.
 */
export function idsToTokens(value: string, names: NameResolver, where: string): string {
  const token = (id: string, collection: string) => {
    const name = nameOfId(names, collection, id, where);
    if (name.includes('}}')) names.problems.push({ where, message: `the name '${name}' contains '}}' and cannot be written as a reference` });
    return referenceToken(collection, name);
  };
  const whole = collectionOfId(value);
  if (whole) return token(value, whole);
  const parts = value.includes(',') ? splitCsv(value) : [];
  if (parts.length > 1 && parts.every((part) => collectionOfId(part))) {
    return parts.map((part) => token(part, collectionOfId(part) as string)).join(',');
  }
  const json = parseJson(value);
  if (json === undefined) return value;
  let text = value;
  for (const id of new Set(stringsOf(json).filter((item) => collectionOfId(item)))) {
    text = text.split(JSON.stringify(id)).join(JSON.stringify(token(id, collectionOfId(id) as string)));
  }
  return text;
}

/** A document string with its reference tokens replaced by the destination's ids. */
export function tokensToIds(value: string, ids: IdResolver, where: string): string {
  if (!value.includes('{{octosync:')) return value;
  const resolve = (token: string) => {
    const [, kind, name] = /^\{\{octosync:([a-z-]+)\/(.*)\}\}$/.exec(token) ?? [];
    const collection = collectionOfKind(kind ?? '');
    if (!collection || name === undefined) {
      ids.problems.push({ where, message: `'${token}' is not a reference octosync knows` });
      return token;
    }
    return idOfName(ids, collection, name, where);
  };
  const json = parseJson(value);
  if (json !== undefined) {
    let text = value;
    for (const token of new Set(stringsOf(json).flatMap((item) => item.match(TOKEN) ?? []))) {
      text = text.split(JSON.stringify(token).slice(1, -1)).join(resolve(token));
    }
    return text;
  }
  return value.replace(TOKEN, (token) => resolve(token));
}

/** Whether a string may hold a reference token: most hold none (a JSON text could spell one only with \u escapes). */
export function mayHoldTokens(value: string): boolean {
  return value.includes('{{octosync:') || value.includes('\\u');
}

/** The names the reference tokens of a string refer to, at `pointer`. */
export function tokenReferences(value: string, pointer: string): DocumentReference[] {
  if (!mayHoldTokens(value)) return [];
  const json = parseJson(value);
  const texts = json === undefined ? [value] : stringsOf(json);
  return texts.flatMap((text) =>
    [...text.matchAll(TOKEN)].flatMap(([, kind, name]) => {
      const known = KIND_BY_TOKEN.get(kind ?? '');
      return known && name !== undefined ? [{ pointer, kind: known, name }] : [];
    }),
  );
}

/** A JSON value (step-package inputs) with id strings anywhere in it replaced by tokens. */
export function jsonIdsToTokens(value: Json, names: NameResolver, where: string): Json {
  return mapStrings(value, (text) => idsToTokens(text, names, where));
}

/** A JSON value with the tokens anywhere in it replaced by the destination's ids. */
export function jsonTokensToIds(value: Json, ids: IdResolver, where: string): Json {
  return mapStrings(value, (text) => tokensToIds(text, ids, where));
}

/** The names the tokens anywhere in a JSON value refer to, at `pointer`. */
export function jsonTokenReferences(value: Json | undefined, pointer: string): DocumentReference[] {
  return stringsOf(value ?? null).flatMap((text) => tokenReferences(text, pointer));
}

const KIND_BY_TOKEN = new Map<string, DocumentReference['kind']>(Object.values(KIND_OF_COLLECTION).map((kind) => [kind, kind]));

function collectionOfKind(kind: string): string | undefined {
  return Object.entries(KIND_OF_COLLECTION).find(([, candidate]) => candidate === kind)?.[0];
}

function mapStrings(value: Json, map: (text: string) => string): Json {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, map)]));
  return value;
}

/** Every string of a JSON value: keys and leaves. */
function stringsOf(value: Json): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (isObject(value)) return Object.entries(value).flatMap(([key, item]) => [key, ...stringsOf(item)]);
  return [];
}

/** A JSON object or array written as a string; undefined for anything else. */
function parseJson(value: string): Json | undefined {
  const start = value.trimStart()[0];
  if (start !== '{' && start !== '[') return undefined;
  try {
    const parsed = JSON.parse(value) as Json;
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}
