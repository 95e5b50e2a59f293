// How a space's collections are read: all at once, the longest answers of a large instance asked
// first, and the tenant variables as soon as the feature toggles (which API) and the tenants are
// in, not once every collection is: on a slow server that wait is a round trip of its own.
import { describe, expect, it } from 'vitest';
import { alwaysRead, readLiveSpace } from '../../src/kinds/read-live.js';
import { kindsInOrder } from '../../src/kinds/registry.js';
import { createOctopusClient } from '../../src/octopus/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { simulatorsClosedAfterEach } from '../support/kind-checks.js';
import { settlesWhen } from '../support/settles-when.js';

const simulator = simulatorsClosedAfterEach();

const asked = (sim: Simulator, route: string) => (sim.knobs.requestCounts().byRoute[`GET ${route}`] ?? 0) > 0;

async function readHoldingVariables(sim: Simulator, tenantVariableRoute: string) {
  // The project variables' answer is held until the tenant variables were asked (or 5 s).
  sim.knobs.addFault({ method: 'GET', path: /\/variables\/all$/, holdUntil: settlesWhen(() => asked(sim, tenantVariableRoute), 5_000), times: 1 });
  sim.knobs.resetCounts();
  const client = createOctopusClient({ server: sim.url, apiKey: sim.apiKey });
  try {
    const progress: [number, number][] = [];
    const live = await readLiveSpace(client, 'Spaces-1', alwaysRead(kindsInOrder()), (done, total) => progress.push([done, total]));
    const spans = sim.knobs.requestSpans();
    const held = spans.find((span) => span.route === '/api/:spaceId/variables/all');
    const tenantVariables = spans.filter((span) => span.route === tenantVariableRoute);
    return { live, held, tenantVariables, progress };
  } finally {
    await client.close();
  }
}

describe('reading a space', () => {
  it('reads the tenant variables while the largest collections are still being answered', { timeout: 30_000 }, async () => {
    const sim = await simulator('synthetic:3', { tenantVariableScoping: false });
    const { live, held, tenantVariables, progress } = await readHoldingVariables(sim, '/api/:spaceId/tenantvariables/all');
    expect(held).toBeDefined();
    // Progress counts up to the total (every collection asked), whichever read ends first.
    const total = progress[0]?.[1] ?? 0;
    expect(total).toBe(new Set(alwaysRead(kindsInOrder())).size);
    expect(progress.map(([done]) => done)).toEqual(Array.from({ length: total }, (_, index) => index + 1));
    expect(tenantVariables).toHaveLength(1);
    // Asked before the held project variables were answered.
    expect(tenantVariables[0]?.start).toBeLessThan(held?.end ?? 0);
    expect(live.tenantvariables?.length).toBeGreaterThan(0);
    expect(live.variables?.length).toBeGreaterThan(0);
  });

  it('reads scoped tenant variables per tenant as soon as the tenants are in', { timeout: 30_000 }, async () => {
    // The sample's tenants are connected to a project: they have variables to read.
    const sim = await simulator('sample', { tenantVariableScoping: true });
    const { live, held, tenantVariables } = await readHoldingVariables(sim, '/api/:spaceId/tenants/:id/commonvariables');
    expect(tenantVariables.length).toBeGreaterThan(0);
    expect(tenantVariables.some((span) => span.start < (held?.end ?? 0))).toBe(true);
    expect(live.tenantvariables?.length).toBe(tenantVariables.length);
  });

  it('asks the collections that grow with the projects before the small ones', { timeout: 30_000 }, async () => {
    const sim = await simulator('synthetic:3', { tenantVariableScoping: false });
    // One request at a time: the order they arrive in is the order they were asked in.
    const client = createOctopusClient({ server: sim.url, apiKey: sim.apiKey, maxConcurrency: 1 });
    try {
      sim.knobs.resetCounts();
      await readLiveSpace(client, 'Spaces-1', alwaysRead(kindsInOrder()));
    } finally {
      await client.close();
    }
    const order = [...sim.knobs.requestSpans()].sort((a, b) => a.start - b.start).map((span) => span.route.replace(/^\/api\/(:spaceId\/)?/, ''));
    // The tenant variable read's gates first, then the collections with a resource or more per project, then the rest.
    expect(order.slice(0, 2).sort()).toEqual(['configuration/feature-toggles', 'tenants/all']);
    expect(order.slice(2, 8).sort()).toEqual(['channels/all', 'deploymentprocesses', 'projects/all', 'runbookProcesses', 'runbooks/all', 'variables/all']);
    expect(order.at(-1)).toBe('tenantvariables/all');
  });
});
