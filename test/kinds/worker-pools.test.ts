import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Json, JsonObject, KindDocument, LiveSpace } from '../../src/core/document.js';
import { IdResolver, NameResolver, buildRefTable } from '../../src/core/refs.js';
import { workerPools } from '../../src/kinds/worker-pools/index.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { loadSchemas } from '../../src/validate/schemas.js';
import { readLive } from '../support/live.js';
import { simHttp } from '../support/sim-http.js';

const fixture = <T>(file: string): T => JSON.parse(readFileSync(new URL(`./worker-pools/fixtures/${file}`, import.meta.url), 'utf8')) as T;
const captured: LiveSpace = { workerpools: fixture<JsonObject[]>('workerpools-all-simulator.json') };

const schemas = loadSchemas();

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('worker-pools kind', () => {
  it('normalizes static and dynamic pools into documents without ids or computed fields', () => {
    const names = new NameResolver(buildRefTable(captured));
    const docs = workerPools.toDocuments(captured, names);
    expect(names.problems).toEqual([]);
    expect(byFile(docs)).toEqual([
      {
        kind: 'worker-pools',
        name: 'Default Worker Pool',
        file: 'worker-pools/default-worker-pool.yaml',
        body: { Name: 'Default Worker Pool', IsDefault: true, SortOrder: 0, WorkerPoolType: 'StaticWorkerPool' },
      },
      {
        kind: 'worker-pools',
        name: 'Hosted Windows',
        file: 'worker-pools/hosted-windows.yaml',
        body: { Name: 'Hosted Windows', Description: 'Dynamic Windows workers.', IsDefault: false, SortOrder: 2, WorkerPoolType: 'DynamicWorkerPool', WorkerType: 'Windows2019' },
      },
      {
        kind: 'worker-pools',
        name: 'Linux Workers',
        file: 'worker-pools/linux-workers.yaml',
        body: { Name: 'Linux Workers', Description: 'Ubuntu workers for builds and scripts.', IsDefault: false, SortOrder: 1, WorkerPoolType: 'StaticWorkerPool' },
      },
    ]);
    expect(docs.flatMap((doc) => idsIn(doc.body))).toEqual([]);
  });

  it('creates what the documents describe in a fresh server (updating its default pool) and reads back the same documents', async () => {
    sim = await startSimulator();
    const docs = workerPools.toDocuments(captured, new NameResolver(buildRefTable(captured)));
    expect(await applyDocuments(sim, docs)).toEqual([]);
    expect(await readDocuments(sim)).toEqual(byFile(docs));
  });

  it('writes the same documents whatever order the server lists pools in', () => {
    const shuffled: LiveSpace = { workerpools: [...(captured.workerpools ?? [])].reverse() };
    const docs = (live: LiveSpace) => byFile(workerPools.toDocuments(live, new NameResolver(buildRefTable(live))));
    expect(docs(shuffled)).toEqual(docs(captured));
  });

  it('refers to nothing: a payload is the document', () => {
    const ids = new IdResolver(buildRefTable({}));
    const [doc] = byFile(workerPools.toDocuments(captured, new NameResolver(buildRefTable(captured))));
    expect(workerPools.toPayload(doc!, ids)).toEqual(doc!.body);
    expect(ids.problems).toEqual([]);
  });

  it('documents satisfy the schema; ids, computed fields and unknown pool types do not', () => {
    for (const doc of workerPools.toDocuments(captured, new NameResolver(buildRefTable(captured)))) expect(schemas.validate('worker-pools', doc.body)).toEqual([]);
    expect(invalidAt({ Name: 'Linux Workers', Id: 'WorkerPools-2', CanAddWorkers: true })).toEqual(['/Id', '/CanAddWorkers']);
    expect(invalidAt({ Name: 'Linux Workers', WorkerPoolType: 'KubernetesWorkerPool' })).toEqual(['/WorkerPoolType']);
    expect(invalidAt({ Name: 'Linux Workers', SomethingNewer: 'x' })).toEqual([]);
  });
});

/** Creates each document, or updates the resource of the same name; returns the payload problems. */
async function applyDocuments(target: Simulator, docs: KindDocument[]) {
  const ids = new IdResolver(buildRefTable(await readLive(target, workerPools.reads)));
  for (const doc of docs) {
    const id = ids.table.idOf('workerpools', doc.name);
    const payload = workerPools.toPayload(doc, ids);
    const response = id ? await simHttp(target).put(`/api/Spaces-1/workerpools/${id}`, payload) : await simHttp(target).post('/api/Spaces-1/workerpools', payload);
    expect(response.status, response.text).toBe(id ? 200 : 201);
  }
  return ids.problems;
}

async function readDocuments(target: Simulator): Promise<KindDocument[]> {
  const live = await readLive(target, workerPools.reads);
  const names = new NameResolver(buildRefTable(live));
  const docs = workerPools.toDocuments(live, names);
  expect(names.problems).toEqual([]);
  return byFile(docs);
}

function byFile(docs: KindDocument[]): KindDocument[] {
  return [...docs].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** Where a document still holds an id: an `…Id`/`…Ids` key, or a string like `Environments-1`. */
function idsIn(value: Json, at = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => idsIn(item, `${at}/${index}`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => [...(/(^|[a-z])Ids?$/.test(key) ? [`${at}/${key}`] : []), ...idsIn(item, `${at}/${key}`)]);
  }
  return typeof value === 'string' && /^[A-Za-z]+-\d+$/.test(value) ? [`${at}: ${value}`] : [];
}

/** JSON pointers of what the product's schema check (validate) rejects. */
function invalidAt(body: JsonObject): string[] {
  return schemas.validate('worker-pools', body).map((issue) => issue.pointer);
}
