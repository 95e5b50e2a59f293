// Reads Octopus's generated REST API reference (2026), `reference-2026/<tag>.md` in the reference
// data: one section per operation, each with an `:endpoint{method path}` line, the other routes
// it is "also reachable at", and JSON examples of its request and response. The examples are
// synthesised from the server's OpenAPI document ("string", 0, false): they give field names and
// JSON types, never real values.
import type { Json } from './http.js';
import { listReferenceFiles, readReferenceText } from '../../../support/reference-data.js';

export interface ReferenceEndpoint {
  /** The page, e.g. `tenants.md`. */
  file: string;
  /** The section heading. */
  title: string;
  method: string;
  /** The route as the heading gives it, e.g. `/api/{spaceId}/tenants/{id}`. */
  path: string;
  /** Every route the section names: the main one and those it is "also reachable at". */
  routes: string[];
  deprecated: boolean;
  /** The status of the documented response (`200`, `201`), when there is one. */
  status?: number;
  request?: unknown;
  response?: unknown;
}

/** Every operation of the given pages (all pages when none are given), in page order. */
export function readReferenceEndpoints(files?: readonly string[]): ReferenceEndpoint[] {
  const pages = files ?? listReferenceFiles('reference-2026').filter((file) => file.endsWith('.md') && file !== 'SOURCES.md');
  return pages.flatMap((file) => parsePage(file, readReferenceText(`reference-2026/${file}`)));
}

export function parsePage(file: string, text: string): ReferenceEndpoint[] {
  const sections = text.split(/\n## /).slice(1);
  return sections.flatMap((section) => {
    const endpoint = /:endpoint\{method="(\w+)" path="([^"]+)"( deprecated=true)?\}/.exec(section);
    if (!endpoint) return [];
    const path = unescape(endpoint[2] ?? '');
    const also = /Also reachable at ([^\n]+)\./.exec(section)?.[1] ?? '';
    const routes = [path, ...[...also.matchAll(/`([^`]+)`/g)].map((m) => unescape(m[1] ?? ''))];
    const examples = [...section.matchAll(/:::api-example\{label="([^"]+)"\}\n```json\n([\s\S]*?)```/g)];
    const example = (label: string) => {
      const found = examples.find((m) => m[1] === label);
      return found ? (JSON.parse(found[2] ?? 'null') as unknown) : undefined;
    };
    const status = /\*\*Response\*\*\s*\n\s*`(\d{3})`/.exec(section)?.[1];
    return [
      {
        file,
        title: section.split('\n')[0] ?? '',
        method: (endpoint[1] ?? '').toUpperCase(),
        path,
        routes,
        deprecated: endpoint[3] !== undefined,
        status: status === undefined ? undefined : Number(status),
        request: example('Request'),
        response: example('Response'),
      },
    ];
  });
}

function unescape(path: string): string {
  return path.replace(/\\([{}])/g, '$1');
}

/** Whether a concrete request path is one of the endpoint's routes (`{x}` matches one segment, case-insensitively). */
export function routeMatches(route: string, path: string): boolean {
  const pattern = route
    .split('/')
    .map((segment) => (/^\{[^}]+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${pattern}/?$`, 'i').test(path);
}

/** How many literal segments a route has: the most literal route wins (`/environments/all` over `/environments/{id}`). */
export function literalSegments(route: string): number {
  return route.split('/').filter((segment) => segment !== '' && !segment.startsWith('{')).length;
}

export type JsonType = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'null';

export function jsonType(value: unknown): JsonType {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as 'string' | 'number' | 'boolean' | 'object';
}

/** One field the reference shows, and what the simulator sent for it. */
export interface FieldFinding {
  /** JSON path, `[]` for array elements and `{}` for dictionary values: `Items[].Scope.EnvironmentIds`. */
  path: string;
  expected: JsonType;
  /** Types seen in the responses at this path (a field missing from a response counts as `missing`). */
  seen: Set<JsonType | 'missing'>;
}

/**
 * The generator's rendering of a `PropertyValueResource`: `{IsSensitive, SensitiveValue, Value}`,
 * or `{}` for a template's `DefaultValue`. On the wire the value is a plain string or a
 * SensitiveValue (`{HasValue, NewValue, Hint}`), as the request descriptions of the tenant
 * variable routes say; both count as the field being there with its documented type.
 */
export function isPropertyValue(key: string, example: unknown): boolean {
  if (isPropertyValueExample(example)) return true;
  return (key === 'DefaultValue' || key === 'Value') && example !== null && typeof example === 'object' && !Array.isArray(example) && Object.keys(example).length === 0;
}

export function isPropertyValueExample(example: unknown): boolean {
  if (example === null || typeof example !== 'object' || Array.isArray(example)) return false;
  const keys = Object.keys(example).sort();
  return keys.length === 3 && keys[0] === 'IsSensitive' && keys[1] === 'SensitiveValue' && keys[2] === 'Value';
}

/** A dictionary example: `{"additionalProp1": x, "additionalProp2": x, "additionalProp3": x}`. */
function isDictionaryExample(example: Json): boolean {
  const keys = Object.keys(example);
  return keys.length > 0 && keys.every((key) => /^additionalProp\d$/.test(key));
}

/**
 * Walks an example and the actual responses together, recording for every field of the example
 * which types the responses had there. Arrays compare the example's first element with every
 * actual element; dictionaries compare the example's value with every actual value; `{}` and
 * `[{}]` say only "an object", whatever it holds.
 */
export function compareWithExample(example: unknown, actuals: readonly unknown[], findings = new Map<string, FieldFinding>(), path = ''): Map<string, FieldFinding> {
  if (Array.isArray(example)) {
    const elements = actuals.flatMap((actual) => (Array.isArray(actual) ? actual : []));
    if (example.length > 0) compareWithExample(example[0], elements, findings, `${path}[]`);
    return findings;
  }
  if (example !== null && typeof example === 'object') {
    const objects = actuals.filter((actual): actual is Json => jsonType(actual) === 'object');
    const exampleObject = example as Json;
    if (isDictionaryExample(exampleObject)) {
      const values = objects.flatMap((object) => Object.values(object));
      if (isPropertyValueExample(exampleObject.additionalProp1)) {
        record(findings, `${path}{}`, 'object', values.map((value) => (typeof value === 'string' ? 'object' : jsonTypeOrMissing(value))));
      } else {
        compareWithExample(exampleObject.additionalProp1, values, findings, `${path}{}`);
      }
      return findings;
    }
    for (const [key, child] of Object.entries(exampleObject)) {
      const childPath = path === '' ? key : `${path}.${key}`;
      const values = objects.map((object) => (key in object ? object[key] : MISSING));
      if (isPropertyValue(key, child)) {
        record(findings, childPath, 'object', values.map((value) => (typeof value === 'string' ? 'object' : jsonTypeOrMissing(value))));
        continue;
      }
      record(findings, childPath, jsonType(child), values.map(jsonTypeOrMissing));
      compareWithExample(child, values.filter((value) => value !== MISSING), findings, childPath);
    }
  }
  return findings;
}

const MISSING = Symbol('missing');

function jsonTypeOrMissing(value: unknown): JsonType | 'missing' {
  return value === MISSING ? 'missing' : jsonType(value);
}

function record(findings: Map<string, FieldFinding>, path: string, expected: JsonType, seen: (JsonType | 'missing')[]): void {
  const finding = findings.get(path) ?? { path, expected, seen: new Set() };
  for (const type of seen) finding.seen.add(type);
  findings.set(path, finding);
}
