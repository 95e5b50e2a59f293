// Writes documents to a simulator through the kinds' writers, in dependency order, creating or
// updating by name: what apply does, without plans, overlays or status. For kind tests.
import { afterEach } from 'vitest';
import type { JsonObject, KindDocument, LiveSpace } from '../../src/core/document.js';
import { IdResolver, NameResolver, buildRefTable } from '../../src/core/refs.js';
import { readSpaceFor } from '../../src/kinds/read-live.js';
import { kindsInOrder } from '../../src/kinds/registry.js';
import type { AfterCreates, Kind, WriteContext } from '../../src/kinds/types.js';
import { createOctopusClient } from '../../src/octopus/index.js';
import type { OctopusClient } from '../../src/octopus/index.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';

export interface Harness {
  client: OctopusClient;
  /** Reads the destination and normalizes it with every kind (or the given ones). */
  documents(kinds?: readonly Kind[]): Promise<KindDocument[]>;
  live(): Promise<LiveSpace>;
  /** Creates or updates each document (by kind and name) in dependency order. */
  write(docs: readonly KindDocument[]): Promise<void>;
  close(): Promise<void>;
}

export function harness(sim: Pick<Simulator, 'url' | 'apiKey'>, spaceId = 'Spaces-1'): Harness {
  const client = createOctopusClient({ server: sim.url, apiKey: sim.apiKey, retry: { baseDelayMs: 1 } });
  const kinds = kindsInOrder();
  // The documents to write make some collections needed (on-demand-reads.ts), as in a plan.
  const live = (desired: readonly KindDocument[] = []) => readSpaceFor(client, spaceId, kinds, desired);
  const documents = async (only: readonly Kind[] = kinds) => {
    const state = await live();
    const names = new NameResolver(buildRefTable(state));
    return only.flatMap((kind) => kind.toDocuments(state, names));
  };
  return {
    client,
    live: () => live(),
    documents,
    write: async (docs) => {
      for (const kind of kinds) {
        const mine = docs.filter((doc) => doc.kind === kind.name);
        if (mine.length === 0) continue;
        if (!kind.writer) throw new Error(`kind ${kind.name} has no writer`);
        const state = await live(docs);
        const current = new Map(kind.toDocuments(state, new NameResolver(buildRefTable(state))).map((doc) => [doc.name.toLowerCase(), doc]));
        const rests: AfterCreates[] = [];
        for (const doc of mine) {
          const ctx = { api: client, spaceId, live: state, ids: new IdResolver(buildRefTable(state)) };
          const existing = current.get(doc.name.toLowerCase());
          if (existing) await kind.writer.update(doc, existing, ctx);
          else {
            const rest = await kind.writer.create(doc, ctx);
            if (rest) rests.push(rest);
          }
        }
        // What creates leave to do once the kind is read back (see KindWriter.create).
        if (rests.length > 0) {
          const after = await live(docs);
          for (const rest of rests) await rest({ api: client, spaceId, live: after, ids: new IdResolver(buildRefTable(after)) });
        }
      }
      for (const kind of kinds) {
        const finish = kind.writer?.finish;
        if (!finish) continue;
        for (const doc of docs.filter((d) => d.kind === kind.name)) {
          const state = await live();
          await finish(doc, { api: client, spaceId, live: state, ids: new IdResolver(buildRefTable(state)) });
        }
      }
    },
    close: () => client.close(),
  };
}

/** A document with one field replaced, for tests. */
export function withBody(doc: KindDocument, body: JsonObject): KindDocument {
  return { ...doc, body };
}

/** What a writer is handed when apply writes to the harness's destination now: its live state and ids over it. */
export async function writeContext(to: Harness): Promise<WriteContext> {
  const live = await to.live();
  return { api: to.client, spaceId: 'Spaces-1', live, ids: new IdResolver(buildRefTable(live)) };
}

export interface SampleCopy {
  /** Seeded with the sample. */
  source: Simulator;
  /** Seeded empty. */
  destination: Simulator;
  from: Harness;
  to: Harness;
}

/**
 * The setting of the writer tests: a sample source and an empty destination, each with a
 * harness. Everything started is closed after each test however it ends (harnesses first, then
 * the simulators they talk to). Call once at the top of a test file.
 */
export function sampleAndEmptyPerTest(): () => Promise<SampleCopy> {
  const sims: Simulator[] = [];
  const harnesses: Harness[] = [];
  afterEach(async () => {
    await Promise.all(harnesses.splice(0).map((h) => h.close()));
    await Promise.all(sims.splice(0).map((sim) => sim.close()));
  });
  return async () => {
    const source = await startSimulator({ seed: 'sample' });
    sims.push(source);
    const destination = await startSimulator({ seed: 'empty' });
    sims.push(destination);
    const from = harness(source);
    const to = harness(destination);
    harnesses.push(from, to);
    return { source, destination, from, to };
  };
}
