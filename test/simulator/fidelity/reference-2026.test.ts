// Every response example of Octopus's 2026 REST API reference (reference-2026/ in the reference
// data) for the kinds octosync syncs, compared with what the simulator answers on the same route:
// every field the example shows must come back, with the same JSON type. The simulator is
// populated through its API with every 2026 feature (populate-2026.ts), then every documented
// read route is called for what was created; writes are compared through the responses of the
// writes that populated it.
//
// What is not compared is listed in SKIPPED with the reason, and the test fails when an entry no
// longer names a documented operation, or names one the simulator now answers.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator } from '../../../src/simulator/index.js';
import type { Simulator } from '../../../src/simulator/index.js';
import { describeWithReferenceData } from '../../support/reference-data.js';
import { SimHttp } from './helpers/http.js';
import type { Exchange } from './helpers/http.js';
import { populate2026, readDocumentedRoutes } from './helpers/populate-2026.js';
import type { ReferenceEndpoint } from './helpers/reference-2026.js';
import { compareWithExample, literalSegments, readReferenceEndpoints, routeMatches } from './helpers/reference-2026.js';
import { ONLY_NULL, SKIPPED, SKIPPED_FIELDS, isEnvelopeField } from './helpers/reference-2026-skips.js';

/** The reference pages of what octosync syncs, reads to resolve names, or uses to find out what a server can do. */
export const SYNCED_PAGES = [
  'home.md', 'spaces.md', 'environments.md', 'parent-environments.md', 'worker-pools.md', 'machine-policies.md', 'tag-sets.md',
  'certificates.md', 'feeds.md', 'lifecycles.md', 'library-variable-sets.md', 'action-templates.md', 'community-action-templates.md',
  'project-groups.md', 'teams.md', 'scoped-user-roles.md', 'user-roles.md', 'tenants.md', 'projects.md', 'channels.md', 'variables.md',
  'deployment-processes.md', 'runbooks.md', 'runbook-processes.md', 'features-configuration.md', 'deprecations.md',
];

const endpoints = readReferenceEndpoints(SYNCED_PAGES);
const key = (endpoint: Pick<ReferenceEndpoint, 'method' | 'path'>) => `${endpoint.method} ${endpoint.path}`;
const compared = endpoints.filter((endpoint) => endpoint.response !== undefined && !(key(endpoint) in SKIPPED));

/** The documented operation a request was for: among those whose routes match, the most literal. */
function endpointOf(exchange: Exchange): ReferenceEndpoint | undefined {
  const path = exchange.url.split('?')[0] ?? '';
  const candidates = endpoints.filter((e) => e.method === exchange.method && e.routes.some((route) => routeMatches(route, path)));
  const literal = (e: ReferenceEndpoint) => Math.max(...e.routes.filter((route) => routeMatches(route, path)).map(literalSegments));
  return candidates.sort((a, b) => literal(b) - literal(a))[0];
}

describeWithReferenceData('the simulator answers as the 2026 API reference shows', () => {
  let sim: Simulator;
  const byEndpoint = new Map<string, Exchange[]>();

  beforeAll(async () => {
    sim = await startSimulator({ flavour: 'cloud' });
    const http = new SimHttp(sim);
    const populated = await populate2026(http, sim);
    await readDocumentedRoutes(http, populated, endpoints.filter((e) => e.method === 'GET' && e.response !== undefined && !(key(e) in SKIPPED)));
    for (const exchange of http.exchanges.filter((e) => e.status >= 200 && e.status < 300)) {
      const endpoint = endpointOf(exchange);
      if (endpoint) byEndpoint.set(key(endpoint), [...(byEndpoint.get(key(endpoint)) ?? []), exchange]);
    }
  }, 120_000);

  afterAll(async () => {
    await sim?.close();
  });

  it('reads the reference pages', () => {
    expect(endpoints.length).toBeGreaterThan(200);
    expect(endpoints.filter((e) => e.deprecated).map(key)).toContain('PUT /api/{spaceId}/deploymentprocesses/{id}');
  });

  it('skips only documented operations, each for a stated reason, and none the simulator answers', () => {
    const documented = new Set(endpoints.map(key));
    expect(Object.keys(SKIPPED).filter((skipped) => !documented.has(skipped))).toEqual([]);
    expect(Object.entries(SKIPPED).filter(([, reason]) => reason.trim().length < 10)).toEqual([]);
    expect(Object.keys(SKIPPED).filter((skipped) => byEndpoint.has(skipped))).toEqual([]);
  });

  it.each(compared.map((endpoint) => [key(endpoint), endpoint] as const))('%s', (name, endpoint) => {
    const exchanges = byEndpoint.get(name) ?? [];
    expect(exchanges.length, `no successful ${name} was made`).toBeGreaterThan(0);
    const findings = compareWithExample(endpoint.response, exchanges.map((exchange) => exchange.body));
    const skipped = Object.keys(SKIPPED_FIELDS[name] ?? {});
    const isSkipped = (path: string) => isEnvelopeField(endpoint.response, path) || skipped.some((field) => path === field || /^[.[{]/.test(path.slice(field.length)) && path.startsWith(field));
    const problems = [...findings.values()]
      .filter((finding) => !isSkipped(finding.path))
      .flatMap((finding) => {
        const wrong = [...finding.seen].filter((type) => type !== finding.expected && type !== 'null');
        if (wrong.length > 0) return [`${finding.path}: expected ${finding.expected}, got ${wrong.join(', ')}`];
        // Null says nothing about the type: the field must be seen with a value, or say why it never is.
        if (finding.expected !== 'null' && finding.seen.size > 0 && [...finding.seen].every((type) => type === 'null') && !onlyNull(finding.path)) {
          return [`${finding.path}: only ever null`];
        }
        return [];
      });
    expect(problems, problems.join('; ')).toEqual([]);
  });
});

/** Whether a field seen only as null is listed in ONLY_NULL (by its last name), with why. */
function onlyNull(path: string): boolean {
  const field = path.split(/[.[\]{}]+/).filter((part) => part !== '').pop() ?? path;
  return field in ONLY_NULL || path in ONLY_NULL;
}
