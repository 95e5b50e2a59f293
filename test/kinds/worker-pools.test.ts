import { describe, expect, it } from 'vitest';
import type { JsonObject, LiveSpace } from '../../src/core/document.js';
import { IdResolver, NameResolver, buildRefTable } from '../../src/core/refs.js';
import { workerPools } from '../../src/kinds/worker-pools/index.js';
import { byFile, fixturesIn, idsIn, kindChecks, productSchemas, simulatorsClosedAfterEach } from '../support/kind-checks.js';
import { simHttp } from '../support/sim-http.js';

const fixture = fixturesIn(new URL('./worker-pools/fixtures/', import.meta.url));
const captured: LiveSpace = { workerpools: fixture<JsonObject[]>('workerpools-all-simulator.json') };

const schemas = productSchemas();
const simulator = simulatorsClosedAfterEach();
const { applyDocuments, readDocuments, invalidAt } = kindChecks(workerPools, 'workerpools');

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

  it('creates what the documents describe in a fresh Octopus Cloud server (updating its default and dynamic pools) and reads back the same documents', async () => {
    const sim = await simulator('empty', { flavour: 'cloud' });
    const docs = workerPools.toDocuments(captured, new NameResolver(buildRefTable(captured)));
    expect(await applyDocuments(sim, docs)).toEqual([]);
    // A Cloud space also has its own Hosted Ubuntu pool, which the documents do not mention.
    expect((await readDocuments(sim)).filter((doc) => doc.name !== 'Hosted Ubuntu')).toEqual(byFile(docs));
  });

  it('a self-hosted server takes the static pools and refuses the dynamic one, naming Octopus Cloud', async () => {
    const sim = await simulator();
    const docs = workerPools.toDocuments(captured, new NameResolver(buildRefTable(captured)));
    const [dynamic, ...statics] = [docs.find((doc) => doc.body.WorkerPoolType === 'DynamicWorkerPool')!, ...docs.filter((doc) => doc.body.WorkerPoolType !== 'DynamicWorkerPool')];
    expect(await applyDocuments(sim, statics)).toEqual([]);
    expect(await readDocuments(sim)).toEqual(byFile(statics));
    const refused = await simHttp(sim).post('/api/Spaces-1/workerpools', workerPools.toPayload(dynamic, new IdResolver(buildRefTable({}))));
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('only available on Octopus Cloud');
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
