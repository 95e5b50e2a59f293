// Every response the simulator gives validates against the matching definition of the Swagger
// document a real Octopus Server 2021.2.1387 served (../shared/octopus-api/). The definition
// for a response is the one the swagger declares for that route, method and status (see
// helpers/swagger.ts for how Swagger 2.0 becomes JSON Schema and the two wire quirks it allows).
// Fields the simulator adds beyond 2021 pass; every field the swagger has must have its type.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator } from '../../../src/simulator/index.js';
import type { Simulator } from '../../../src/simulator/index.js';
import { crawl, KINDS } from './helpers/crawl.js';
import type { Kind } from './helpers/crawl.js';
import { SimHttp } from './helpers/http.js';
import type { Exchange } from './helpers/http.js';
import { isDocumentedNewerField, KNOWN_UNDOCUMENTED_FIELDS } from './helpers/newer-fields.js';
import { populate, writeOwnedDocuments } from './helpers/populate.js';
import { SwaggerValidator } from './helpers/swagger.js';
import type { ResponseCheck } from './helpers/swagger.js';
import { describeWithReferenceData, referenceDataPresent, referenceDataRequired } from '../../support/reference-data.js';

// Without the reference data every suite below is skipped and the validator is never used.
const swagger = referenceDataPresent || referenceDataRequired ? new SwaggerValidator() : (undefined as unknown as SwaggerValidator);
const checks = new WeakMap<Exchange, ResponseCheck>();

/** The swagger's verdict on one response (computed once per exchange). */
function checkOf(exchange: Exchange): ResponseCheck {
  let check = checks.get(exchange);
  if (!check) {
    check = swagger.check(exchange);
    checks.set(exchange, check);
  }
  return check;
}

/** One line per response that breaks its definition, naming the route, the definition and the field. */
function violations(exchanges: Exchange[]): string[] {
  return exchanges.flatMap((exchange) => {
    const check = checkOf(exchange);
    return check.problems.map((problem) => `${exchange.method} ${exchange.url} [${check.route ?? '?'} → ${check.definition ?? '?'}]: ${problem}`);
  });
}

/** Fields of successful responses that the matching 2021 definitions do not have, as `Definition.Field`. */
function extraFields(exchanges: Exchange[]): Set<string> {
  const extras = new Set<string>();
  for (const exchange of exchanges.filter((e) => e.status < 300)) {
    for (const field of swagger.extraFields(checkOf(exchange).schema, exchange.body)) extras.add(field);
  }
  return extras;
}

/** Extra fields no source documents (known ones are reported separately). */
function undocumentedFields(exchanges: Exchange[]): string[] {
  return [...extraFields(exchanges)].filter((field) => !isDocumentedNewerField(field) && !(field in KNOWN_UNDOCUMENTED_FIELDS)).sort();
}

/** The definitions (by name) the item routes of a kind resolved to. */
function definitionsUsed(exchanges: Exchange[]): Set<string> {
  return new Set(exchanges.map((exchange) => checkOf(exchange).definition ?? ''));
}

describeWithReferenceData('the swagger validator itself', () => {
  it('reads the 2021.2.1387 swagger', () => {
    expect(swagger.version).toBe('2021.2.1387');
  });

  it.each([
    ['GET', '/api/Spaces-1/environments/Environments-1', 'EnvironmentResource'],
    ['GET', '/api/Spaces-1/environments/all', 'array of EnvironmentResource'],
    ['GET', '/api/Spaces-1/environments?skip=0&take=1', 'EnvironmentResourceCollection'],
    ['GET', '/api/Spaces-1/machines/Machines-1', 'DeploymentTargetResource'],
    ['GET', '/api/Spaces-1/tenants/Tenants-1/variables', 'TenantVariableResource'],
    ['GET', '/api/spaces/Spaces-1', 'SpaceResource'],
    ['GET', '/api/Spaces-1', 'SpaceRootResource'],
    ['GET', '/api', 'RootResource'],
    ['POST', '/api/Spaces-1/projects', 'ProjectResource'],
  ])('maps %s %s to %s from the swagger paths', (method, url, definition) => {
    const status = method === 'POST' ? 201 : 200;
    const check = swagger.check({ method, url, status, body: {} });
    expect({ source: check.source, definition: check.definition }).toEqual({ source: 'swagger', definition });
  });

  it('rejects a field of the wrong type, a wrong enum value and a missing required field', () => {
    const bad = swagger.check({ method: 'GET', url: '/api/Spaces-1/environments/Environments-1', status: 200, body: { Id: 'Environments-1', SortOrder: '1' } });
    expect(bad.problems.join('\n')).toMatch(/\/SortOrder/);
    const enumValue = swagger.check({ method: 'GET', url: '/api/Spaces-1/projects/Projects-1', status: 200, body: { TenantedDeploymentMode: 'Sometimes' } });
    expect(enumValue.problems.join('\n')).toMatch(/TenantedDeploymentMode/);
    const required = swagger.check({ method: 'GET', url: '/api/Spaces-1/deploymentprocesses/deploymentprocess-Projects-1', status: 200, body: { Steps: [] } });
    expect(required.problems.join('\n')).toMatch(/Version/);
    const int32 = swagger.check({ method: 'GET', url: '/api/Spaces-1/environments/Environments-1', status: 200, body: { SortOrder: 1.5 } });
    expect(int32.problems).not.toEqual([]);
  });

  it('accepts null for optional fields, newer fields, and the wire forms of property values and variable types', () => {
    const environment = swagger.check({ method: 'GET', url: '/api/Spaces-1/environments/Environments-1', status: 200, body: { Id: 'Environments-1', Description: null, Slug: 'dev' } });
    expect(environment.problems).toEqual([]);
    const step = { Name: 'S', Properties: { a: 'plain', b: { HasValue: true, NewValue: null, Hint: null } }, Actions: [] };
    const process = swagger.check({ method: 'GET', url: '/api/Spaces-1/deploymentprocesses/deploymentprocess-Projects-1', status: 200, body: { Version: 1, Steps: [step] } });
    expect(process.problems).toEqual([]);
    const variables = swagger.check({ method: 'GET', url: '/api/Spaces-1/variables/variableset-Projects-1', status: 200, body: { Variables: [{ Name: 'x', Type: 'Sensitive', Value: null }] } });
    expect(variables.problems).toEqual([]);
  });

  it('checks error responses against the Error envelope', () => {
    expect(swagger.check({ method: 'GET', url: '/api/Spaces-1/environments/x', status: 404, body: { ErrorMessage: 'x', Errors: [] } }).problems).toEqual([]);
    expect(swagger.check({ method: 'GET', url: '/api/Spaces-1/environments/x', status: 404, body: { ErrorMessage: 1 } }).problems).not.toEqual([]);
  });
});

describeWithReferenceData('responses of a server populated through the API match the swagger', () => {
  let sim: Simulator;
  let http: SimHttp;
  let writes: Exchange[];
  let ownedWriteFailures: Map<string, string>;
  let byKind: Map<Kind, Exchange[]>;

  beforeAll(async () => {
    sim = await startSimulator({ flavour: 'cloud', tenantVariableScoping: false });
    http = new SimHttp(sim);
    const populated = await populate(http, sim);
    ownedWriteFailures = await writeOwnedDocuments(http, populated);
    writes = http.exchanges.filter((exchange) => exchange.method !== 'GET');
    byKind = await crawl(http, swagger, 'Spaces-1');
  });

  afterAll(async () => {
    await sim?.close();
  });

  it.each(KINDS.map(({ kind, definition }) => [kind, definition]))('%s: every read validates against %s', (kind, definition) => {
    const ownedWrite = ownedWriteFailures.get(kind);
    expect(ownedWrite, `writing ${kind} failed`).toBeUndefined();
    const exchanges = byKind.get(kind as Kind) ?? [];
    expect(exchanges.filter((e) => e.status !== 200).map((e) => `${e.url} → ${e.status} ${JSON.stringify(e.body)}`)).toEqual([]);
    expect(violations(exchanges)).toEqual([]);
    // The swagger's own routes decided, and they name the definition the kind is known by.
    expect([...definitionsUsed(exchanges)]).toContain(definition);
  });

  it('every create and modify response validates and has a status the swagger declares', () => {
    // One create at least for every kind that has a create route (releases are created through the model, see populate).
    const created = new Set(writes.filter((e) => e.method === 'POST').map((e) => (e.url.split('?')[0] ?? '').split('/').pop()));
    const creatable = KINDS.map(({ kind }) => kind).filter((kind) => !['root', 'users', 'userroles', 'variables', 'deploymentprocesses', 'runbookProcesses', 'releases', 'events', 'tenantvariables'].includes(kind));
    expect(creatable.filter((kind) => !created.has(kind))).toEqual([]);
    expect(violations(writes)).toEqual([]);
  });

  it('fields beyond the 2021 definitions are ones newer servers are documented to send', () => {
    const undocumented = undocumentedFields(http.exchanges);
    expect(undocumented, undocumented.join(', ')).toEqual([]);
  });

  it('the known undocumented fields (reported, see newer-fields.ts) are still sent', () => {
    const extras = extraFields(http.exchanges);
    expect(Object.keys(KNOWN_UNDOCUMENTED_FIELDS).filter((field) => !extras.has(field))).toEqual([]);
  });

  it('error responses use the Error envelope with the documented status codes', async () => {
    const errors = [
      await http.request('GET', '/api/Spaces-1/environments/Environments-999'),
      await http.request('POST', '/api/Spaces-1/environments', { Name: 'Development' }),
      await http.request('POST', '/api/Spaces-1/projects', { Name: 'No group' }),
      await new SimHttp(sim, 'API-WRONG').request('GET', '/api/Spaces-1/environments'),
    ];
    expect(errors.map((e) => e.status)).toEqual([404, 400, 400, 401]);
    expect(violations(errors)).toEqual([]);
  });
});

// Everything the `sample` seed serves (data made by other code than the populate helper above).
describeWithReferenceData('responses of the sample seed match the swagger', () => {
  let sim: Simulator;
  let byKind: Map<Kind, Exchange[]>;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 'sample' });
    byKind = await crawl(new SimHttp(sim), swagger, 'Spaces-1');
  });

  afterAll(async () => {
    await sim?.close();
  });

  it.each(KINDS.map(({ kind }) => [kind]))('%s', (kind) => {
    const exchanges = byKind.get(kind as Kind) ?? [];
    expect(exchanges.filter((e) => e.status !== 200).map((e) => `${e.url} → ${e.status} ${JSON.stringify(e.body)}`)).toEqual([]);
    expect(violations(exchanges)).toEqual([]);
    const undocumented = undocumentedFields(exchanges);
    expect(undocumented, undocumented.join(', ')).toEqual([]);
  });
});
