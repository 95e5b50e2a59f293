import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TAKE_ALL, readAllPages, spacePath } from '../../src/octopus/index.js';
import { IncompleteCollectionError } from '../../src/octopus/paging.js';
import { startHarness } from './helpers.js';
import type { Harness } from './helpers.js';

interface Environment {
  Id: string;
  Name: string;
}

const ENVIRONMENTS = spacePath('Spaces-1', 'environments');

describe('reading whole collections', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    const names = Array.from({ length: 75 }, (_, i) => `Env ${String(i + 1).padStart(2, '0')}`);
    await Promise.all(names.map((Name) => h.client.post(ENVIRONMENTS, { Name })));
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    h.sim.knobs.resetCounts();
    h.client.resetStats();
  });

  it('reads 75 environments with one request to the /all endpoint', async () => {
    const environments = await h.client.getAll<Environment>(ENVIRONMENTS);

    expect(environments).toHaveLength(75);
    expect(h.sim.knobs.requestCounts()).toEqual({ total: 1, byMethod: { GET: 1 }, byRoute: { 'GET /api/:spaceId/environments/all': 1 } });
  });

  it('reads a paged collection in one request by asking for everything', async () => {
    const environments = await h.client.list<Environment>(ENVIRONMENTS);

    expect(environments).toHaveLength(75);
    expect(h.sim.knobs.requestCounts().total).toBe(1);
    expect(TAKE_ALL).toBe(2_147_483_647);
  });

  it('follows the pages of a server that serves fewer items than asked, in one round of requests', async () => {
    const all = await h.client.getAll<Environment>(ENVIRONMENTS);
    h.sim.knobs.resetCounts();

    const paged = await h.client.list<Environment>(ENVIRONMENTS, {}, { pageSize: 30 });

    expect(paged.map((e) => e.Id)).toEqual(all.map((e) => e.Id));
    // ceil(75 / 30) = 3 pages: the first, then the other two together.
    expect(h.sim.knobs.requestCounts().total).toBe(3);
    expect(h.client.stats().maxInFlight).toBe(2);
  });

  it('passes filters to a paged list', async () => {
    const environments = await h.client.list<Environment>(ENVIRONMENTS, { partialName: 'Env 7' }, { pageSize: 2 });

    // Created concurrently, so their SortOrder (the collection's order) is arrival order.
    expect(environments.map((e) => e.Name).sort()).toEqual(['Env 70', 'Env 71', 'Env 72', 'Env 73', 'Env 74', 'Env 75']);
    expect(h.sim.knobs.requestCounts().total).toBe(3);
  });

  it('pages a collection that has no /all endpoint, and remembers that', async () => {
    const events = spacePath('Spaces-1', 'events');

    const first = await h.client.getAll<{ Id: string }>(events);
    expect(first.length).toBeGreaterThanOrEqual(75);
    expect(h.sim.knobs.requestCounts().total).toBe(2); // the 404 of /events/all, then one page

    h.sim.knobs.resetCounts();
    await h.client.getAll(events);
    expect(h.sim.knobs.requestCounts().total).toBe(1);
  });
});

describe('a collection cut short', () => {
  const page = (items: number[], total: number) => ({ Items: items.map((n) => ({ Id: `Things-${n}` })), TotalResults: total });

  it('is an error when a page holds nothing but the total says there is more', async () => {
    await expect(readAllPages(async () => page([], 5))).rejects.toThrow(IncompleteCollectionError);
    await expect(readAllPages(async () => page([], 5))).rejects.toThrow('0 of 5 items');
  });

  it('is an error when the pages run out before the total', async () => {
    const pages = [page([1, 2], 5), page([3, 4], 5), page([], 5)];
    await expect(readAllPages(async (skip) => pages[skip / 2] ?? page([], 5), { pageSize: 2 })).rejects.toThrow('4 of 5 items');
  });

  it('reads an empty collection and a complete one', async () => {
    await expect(readAllPages(async () => page([], 0))).resolves.toEqual([]);
    await expect(readAllPages(async (skip) => (skip === 0 ? page([1, 2], 3) : page([3], 3)), { pageSize: 2 })).resolves.toHaveLength(3);
  });
});
