// Reading a space's events log since a mark: what is new, a late event (logged after the mark but
// dated before its newest event), and the cases where the log cannot tell. A simulator over real
// HTTP whose clock the test moves.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOctopusClient, eventsSince } from '../../src/octopus/index.js';
import type { OctopusClient } from '../../src/octopus/index.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';

let sim: Simulator;
let client: OctopusClient;
let clock = Date.parse('2026-12-01T10:00:00Z');

beforeEach(async () => {
  sim = await startSimulator({ seed: 'empty', now: () => new Date(clock) });
  client = createOctopusClient({ server: sim.url, apiKey: sim.apiKey });
});

afterEach(async () => {
  await client.close();
  await sim.close();
});

function modify(id: string, at: number): void {
  clock = at;
  sim.instance.store.recordEvent({ Category: 'Modified', RelatedDocumentIds: [id], SpaceId: 'Spaces-1', Message: `Modified ${id}`, UserId: 'Users-1', Username: 'admin', DocumentType: id.split('-')[0] ?? '' });
}

describe('eventsSince', () => {
  it('gives the events after the mark, and a late one dated before the newest seen', async () => {
    const start = clock;
    modify('Environments-1', start + 1000);
    const first = await eventsSince(client, 'Spaces-1', undefined);
    expect(first.events).toBeUndefined();

    modify('Projects-1', start + 5000);
    // Committed late: dated before the newest event the mark saw.
    modify('Feeds-1', start + 500);
    const next = await eventsSince(client, 'Spaces-1', first.mark);
    expect(next.events?.map((event) => event.RelatedDocumentIds[0])).toEqual(['Projects-1', 'Feeds-1']);

    // Nothing new since: nothing reported, the late one included.
    const idle = await eventsSince(client, 'Spaces-1', next.mark);
    expect(idle.events).toEqual([]);

    // Older than the window before the newest event: the mark knew the log down to there.
    modify('Lifecycles-1', start + 6000);
    const later = await eventsSince(client, 'Spaces-1', idle.mark);
    expect(later.events?.map((event) => event.RelatedDocumentIds[0])).toEqual(['Lifecycles-1']);
  });

  it('follows a change after a burst of events (a seed, a large apply) longer than a mark keeps', async () => {
    const burst = clock + 1000;
    for (let n = 0; n < 600; n += 1) modify(`Projects-${n + 1}`, burst);
    const { mark } = await eventsSince(client, 'Spaces-1', undefined);
    expect(mark.whole).toBe(false);
    modify('Environments-1', burst + 2000);
    const next = await eventsSince(client, 'Spaces-1', mark);
    expect(next.events?.map((event) => event.RelatedDocumentIds[0])).toEqual(['Environments-1']);
    expect((await eventsSince(client, 'Spaces-1', next.mark)).events).toEqual([]);
  });

  it('cannot tell when the last event seen is gone from the log', async () => {
    modify('Environments-1', clock + 1000);
    const { mark } = await eventsSince(client, 'Spaces-1', undefined);
    modify('Projects-1', clock + 1000);
    expect((await eventsSince(client, 'Spaces-1', { ...mark, id: 'Events-424242' })).events).toBeUndefined();
    expect((await eventsSince(client, 'Spaces-1', mark)).events?.map((event) => event.RelatedDocumentIds[0])).toEqual(['Projects-1']);
  });
});
