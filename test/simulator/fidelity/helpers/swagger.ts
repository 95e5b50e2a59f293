// JSON Schemas for the simulator's responses, built from the Swagger 2.0 document Octopus Server
// 2021.2.1387 served at /api/swagger.json (../shared/octopus-api/swagger-2021.2.1387.json).
//
// Which definition a response must match is read from the swagger itself: the request path is
// matched against the swagger's path templates and the definition is the declared response
// schema for that method and status. A small fallback table covers only routes whose 2021 entry
// declares no schema and routes that post-date 2021 (each entry says why).
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
// ajv-formats is CommonJS: its function is `module.exports` and also `.default`, which is the
// one TypeScript's NodeNext typing exposes.
import ajvFormats from 'ajv-formats';
import { readSharedJson } from './shared-api.js';
import type { Exchange } from './http.js';

type Schema = Record<string, unknown>;

interface Operation {
  responses?: Record<string, { schema?: Schema }>;
}

interface SwaggerDocument {
  info: { version: string };
  paths: Record<string, Record<string, Operation>>;
  definitions: Record<string, Schema>;
}

export const SWAGGER_FILE = 'swagger-2021.2.1387.json';
const SCHEMA_ID = 'octopus-swagger-2021.2.1387';

/**
 * Enum values newer servers send that the 2021 swagger's closed enums predate. Each list is the
 * newer values as API-NOTES.md records them from current OctopusClients (§2.6 FeedType, §2.19
 * AccountType, §2.20 CommunicationStyle); every 2021 value stays valid and nothing else is added.
 */
const NEWER_ENUM_VALUES: { definition: string; property?: string; values: string[] }[] = [
  { definition: 'FeedType', values: ['OciRegistry', 'AzureContainerRegistry', 'GoogleContainerRegistry', 'ArtifactoryGeneric', 'Npm', 'GcsStorage', 'PyPi'] },
  {
    definition: 'AccountResource',
    property: 'AccountType',
    values: ['AzureOidc', 'AmazonWebServicesRoleAccount', 'AmazonWebServicesOidcAccount', 'GoogleCloudAccount', 'GoogleCloudOidcAccount', 'GenericOidcAccount'],
  },
  { definition: 'CommunicationStyle', values: ['StepPackage', 'KubernetesTentacle', 'AwsEcsCluster'] },
];

/** A collection envelope for `definition`, shaped as the swagger's own `*ResourceCollection` definitions are. */
function collectionOf(definitions: Record<string, Schema>, definition: string): Schema {
  const template = structuredClone(definitions.EnvironmentResourceCollection) as { properties: Record<string, Schema> };
  template.properties.Items = { type: 'array', items: { $ref: `#/definitions/${definition}` } };
  return template;
}

const ref = (definition: string): Schema => ({ $ref: `#/definitions/${definition}` });

/**
 * Routes the 2021 swagger cannot answer for: `METHOD template` → schema in swagger terms.
 * Only consulted when no swagger template matches the request, or the matching operation
 * declares the status without a schema.
 */
function fallbackRoutes(definitions: Record<string, Schema>): Record<string, Schema> {
  const events = { title: 'EventResourceCollection', ...collectionOf(definitions, 'EventResource') };
  return {
    // The 2021 entries declare 200 as "ResourceCollection_of_EventResource resource returned" with no schema.
    'GET /events': events,
    'GET /{baseSpaceId}/events': events,
    // Declared without a schema; OctopusClients `UserRepository.GetCurrent()` returns a UserResource.
    'GET /users/me': ref('UserResource'),
    // Declared without a schema; the root document links it as `tenantvariables/all{?projectId}`.
    'GET /{baseSpaceId}/tenantvariables/all': { type: 'array', items: ref('TenantVariableResource') },
    // Project-scoped routes newer than 2021 (API-NOTES §2.9, §2.16-2.18; api-client 3.11 uses them).
    'GET /{baseSpaceId}/projects/{projectId}/deploymentprocesses': ref('DeploymentProcessResource'),
    'PUT /{baseSpaceId}/projects/{projectId}/deploymentprocesses': ref('DeploymentProcessResource'),
    'GET /{baseSpaceId}/projects/{projectId}/runbookProcesses/{id}': ref('RunbookProcessResource'),
    'PUT /{baseSpaceId}/projects/{projectId}/runbookProcesses/{id}': ref('RunbookProcessResource'),
    'GET /{baseSpaceId}/projects/{projectId}/variables': ref('VariableSetResource'),
    'PUT /{baseSpaceId}/projects/{projectId}/variables': ref('VariableSetResource'),
    'POST /{baseSpaceId}/projects/{projectId}/runbooks': ref('RunbookResource'),
    'GET /{baseSpaceId}/projects/{projectId}/runbooks/{id}': ref('RunbookResource'),
    'PUT /{baseSpaceId}/projects/{projectId}/runbooks/{id}': ref('RunbookResource'),
    'POST /{baseSpaceId}/projects/{projectId}/channels': ref('ChannelResource'),
    'GET /{baseSpaceId}/projects/{projectId}/channels/{id}': ref('ChannelResource'),
    'PUT /{baseSpaceId}/projects/{projectId}/channels/{id}': ref('ChannelResource'),
  };
}

/** Swagger 2.0 definitions as JSON Schema (draft-07) for ajv, with the wire's known quirks. */
function toJsonSchemaDefinitions(swagger: SwaggerDocument): Record<string, Schema> {
  const definitions = structuredClone(swagger.definitions);

  // Wire quirk 1: the swagger declares `PropertyValueResource` (the values of step, action and
  // template `Properties`, and a template parameter's `DefaultValue`) as an object
  // {IsSensitive, Value, SensitiveValue}, but on the wire a value is a plain string, or a
  // SensitiveValue object {HasValue, NewValue, Hint} when sensitive: the recorded process
  // fixtures/octopus-2018.11.2/deploymentprocess.json has `"Octopus.Action.Script.Syntax": "PowerShell"`.
  definitions.PropertyValueResource = { anyOf: [{ type: 'string' }, ref('SensitiveValue'), definitions.PropertyValueResource] };
  // Wire quirk 2: `VariableResource.Type` refers to `VariableType`, declared as an object
  // {Value}, but Octopus serializes that tiny type as its string: every variable in
  // fixtures/octopus-2018.11.2/variableset-*.json has `"Type": "String"` or `"Type": "Sensitive"`.
  definitions.VariableType = { anyOf: [{ type: 'string' }, definitions.VariableType] };

  for (const { definition, property, values } of NEWER_ENUM_VALUES) {
    const target = (property ? (definitions[definition]?.properties as Record<string, Schema>)[property] : definitions[definition]) as { enum?: string[] };
    if (!target?.enum) throw new Error(`swagger: ${definition}${property ? `.${property}` : ''} is not an enum`);
    target.enum = [...target.enum, ...values];
  }
  return Object.fromEntries(Object.entries(definitions).map(([name, schema]) => [name, convert(schema) as Schema]));
}

/**
 * Swagger 2 has no `nullable`, and real Octopus returns `null` for unset values, so every
 * property a definition does not list as `required` also accepts null. Everything else is
 * kept: types, `format`s, enums, `uniqueItems`; extra properties stay allowed because newer
 * servers add fields.
 */
function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (node === null || typeof node !== 'object') return node;
  const source = node as Schema;
  const required = new Set(Array.isArray(source.required) ? (source.required as string[]) : []);
  return Object.fromEntries(
    Object.entries(source).map(([key, value]) => {
      if (key !== 'properties') return [key, convert(value)];
      const properties = Object.entries(value as Record<string, unknown>).map(([name, property]) => {
        const converted = convert(property);
        return [name, required.has(name) ? converted : { anyOf: [{ type: 'null' }, converted] }];
      });
      return [key, Object.fromEntries(properties)];
    }),
  );
}

/** .NET `TimeSpan` as JSON.NET writes it: `[-][d.]hh:mm:ss[.fffffff]` (e.g. "1.00:00:00", fixture machinepolicy.json). */
const DATE_SPAN = /^-?(\d+\.)?\d{2}:\d{2}:\d{2}(\.\d{1,7})?$/;

interface CompiledTemplate {
  template: string;
  method: string;
  pattern: RegExp;
  literals: number;
  operation?: Operation;
  fallback?: Schema;
}

function compileTemplate(template: string): { pattern: RegExp; literals: number } {
  const segments = template.split('/').filter((s) => s !== '');
  const parts = segments.map((s) => (/^\{[^}]+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^$()|[\]\\]/g, '\\$&')));
  // Octopus routes are case-insensitive (`runbookProcesses` and `runbookprocesses` both work).
  return { pattern: new RegExp(`^/${parts.join('/')}$`, 'i'), literals: segments.filter((s) => !s.startsWith('{')).length };
}

export interface ResponseCheck {
  /** The template that decided, e.g. `GET /{baseSpaceId}/environments/{id}`, and where it came from. */
  route?: string;
  source?: 'swagger' | 'fallback';
  /** A name for the schema, e.g. `EnvironmentResource` or `array of EnvironmentResource`. */
  definition?: string;
  /** The response schema, in swagger terms. */
  schema?: Schema;
  problems: string[];
}

export class SwaggerValidator {
  readonly version: string;
  private readonly definitions: Record<string, Schema>;
  private readonly ajv: Ajv;
  private readonly templates: CompiledTemplate[] = [];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(swagger: SwaggerDocument = readSharedJson<SwaggerDocument>(SWAGGER_FILE)) {
    this.version = swagger.info.version;
    this.definitions = swagger.definitions;
    // Strict mode: an unknown keyword or format fails loudly instead of validating nothing.
    // Every `format` the 2021 swagger uses is registered (`date-span` is .NET's TimeSpan).
    this.ajv = new Ajv({ strict: true, allErrors: true });
    ajvFormats.default(this.ajv, ['date-time', 'int32', 'int64', 'double', 'byte', 'uuid', 'email', 'binary']);
    this.ajv.addFormat('date-span', DATE_SPAN);
    const definitions = toJsonSchemaDefinitions(swagger);
    this.ajv.addSchema({ $id: SCHEMA_ID, definitions });

    for (const [template, operations] of Object.entries(swagger.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (typeof operation !== 'object' || !operation.responses) continue;
        this.templates.push({ template, method: method.toUpperCase(), operation, ...compileTemplate(template) });
      }
    }
    for (const [key, schema] of Object.entries(fallbackRoutes(swagger.definitions))) {
      const [method = '', template = ''] = key.split(' ');
      this.templates.push({ template, method, fallback: schema, ...compileTemplate(template) });
    }
  }

  /** Whether the swagger has this exact route, e.g. `declares('GET', '/{baseSpaceId}/releases/all')`. */
  declares(method: string, template: string): boolean {
    return this.templates.some((t) => t.operation !== undefined && t.method === method && t.template === template);
  }

  /** The swagger or fallback entry for a request; the most literal template wins (`/environments/all` over `/environments/{id}`). */
  private match(method: string, path: string, preferFallback: boolean): CompiledTemplate | undefined {
    const candidates = this.templates
      .filter((t) => t.method === method && t.pattern.test(path) && (preferFallback ? t.fallback !== undefined : t.operation !== undefined))
      .sort((a, b) => b.literals - a.literals);
    return candidates[0];
  }

  /** Checks one response: its status is one the swagger declares, and its body matches the declared definition. */
  check(exchange: Pick<Exchange, 'method' | 'url' | 'status' | 'body'>): ResponseCheck {
    const path = apiPath(exchange.url);
    const status = String(exchange.status);
    if (exchange.status >= 400) {
      // Every error answers with the Error envelope, whatever the route (swagger `Error`).
      return this.validate('Error', ref('Error'), exchange.body, {});
    }
    const swagger = this.match(exchange.method, path, false);
    const responses = swagger?.operation?.responses ?? {};
    const declared = responses[status];
    // 32 operations of the 2021 document declare no responses at all (e.g. `GET /users/me`):
    // they say nothing about the status, and the fallback table supplies the schema.
    if (swagger && !declared && Object.keys(responses).length > 0) {
      return { route: `${exchange.method} ${swagger.template}`, source: 'swagger', problems: [`status ${status} is not declared (declared: ${Object.keys(responses).join(', ')})`] };
    }
    if (declared?.schema && swagger) {
      return this.validate(describe(declared.schema), declared.schema, exchange.body, { route: `${exchange.method} ${swagger.template}`, source: 'swagger' });
    }
    const fallback = this.match(exchange.method, path, true);
    if (fallback?.fallback) {
      return this.validate(describe(fallback.fallback), fallback.fallback, exchange.body, { route: `${exchange.method} ${fallback.template}`, source: 'fallback' });
    }
    if (swagger && exchange.body === undefined) return { route: `${exchange.method} ${swagger.template}`, source: 'swagger', problems: [] };
    return { problems: [`no swagger definition for ${exchange.method} ${path} (${status})`] };
  }

  private validate(definition: string, schema: Schema, body: unknown, where: Pick<ResponseCheck, 'route' | 'source'>): ResponseCheck {
    const key = JSON.stringify(schema);
    let validator = this.validators.get(key);
    if (!validator) {
      // Route schemas refer to definitions as `#/definitions/X`; point them into the added document.
      const converted = JSON.stringify(convert(schema)).replaceAll('"#/definitions/', `"${SCHEMA_ID}#/definitions/`);
      validator = this.ajv.compile(JSON.parse(converted) as Schema);
      this.validators.set(key, validator);
    }
    const problems = validator(body) ? [] : summarize(validator.errors ?? [], body);
    return { ...where, definition, schema, problems };
  }

  /**
   * Fields of a response the 2021 definitions do not have, as `Definition.Field`. They are
   * allowed (newer servers add fields), but a misspelt field would show up here too, so tests
   * compare them with the newer fields the API notes document.
   */
  extraFields(schema: Schema | undefined, body: unknown): Set<string> {
    const extras = new Set<string>();
    const walk = (node: Schema | undefined, value: unknown, owner: string): void => {
      if (!node || value === null || typeof value !== 'object') return;
      if (typeof node.$ref === 'string') {
        const name = node.$ref.replace('#/definitions/', '');
        // The two wire quirks: their wire form is not the declared object (see above).
        if (name === 'PropertyValueResource' || name === 'VariableType') return;
        walk(this.definitions[name], value, name);
        return;
      }
      if (Array.isArray(value)) {
        if (node.type === 'array') for (const item of value) walk(node.items as Schema, item, owner);
        return;
      }
      const record = value as Record<string, unknown>;
      const properties = node.properties as Record<string, Schema> | undefined;
      if (properties) {
        for (const [key, child] of Object.entries(record)) {
          if (!(key in properties)) extras.add(`${owner}.${key}`);
          else walk(properties[key], child, `${owner}.${key}`);
        }
      } else if (node.additionalProperties && typeof node.additionalProperties === 'object') {
        for (const child of Object.values(record)) walk(node.additionalProperties as Schema, child, `${owner}{}`);
      }
    };
    walk(schema, body, describe(schema ?? {}));
    return extras;
  }
}

function apiPath(url: string): string {
  const path = url.split('?')[0] ?? '';
  const withoutApi = path.replace(/^\/api(?=\/|$)/i, '');
  return withoutApi === '' ? '/' : withoutApi;
}

function describe(schema: Schema): string {
  if (typeof schema.title === 'string') return schema.title;
  const name = (s: unknown) => String((s as Schema | undefined)?.$ref ?? '').replace('#/definitions/', '');
  return schema.type === 'array' ? `array of ${name(schema.items)}` : name(schema);
}

/**
 * ajv's errors for a failed `anyOf: [null, X]` repeat every branch; keep the innermost, most
 * specific ones and say what the value was.
 */
function summarize(errors: ErrorObject[], body: unknown): string[] {
  const specific = errors.filter((e) => e.keyword !== 'anyOf' && !(e.keyword === 'type' && (e.params as { type?: unknown }).type === 'null'));
  return [...new Set((specific.length > 0 ? specific : errors).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword} (got ${JSON.stringify(at(body, e.instancePath))?.slice(0, 120)})`))];
}

function at(body: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>((value, part) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined), body);
}
