import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/core/document.js';
import { IdResolver, NameResolver, buildRefTable } from '../../src/core/refs.js';
import { environments } from '../../src/kinds/environments/index.js';
import { loadSchemas } from '../../src/validate/schemas.js';
import { byFile, simulatorsClosedAfterEach } from '../support/kind-checks.js';
import { readLive } from '../support/live.js';
import { simHttp } from '../support/sim-http.js';
import { itWithReferenceData, recorded2018 } from '../support/reference-data.js';

const recorded = recorded2018('environment');
const simulator = simulatorsClosedAfterEach();

describe('environments kind', () => {
  itWithReferenceData('normalizes a recorded real response into a document without ids or server fields', () => {
    const live = { environments: [recorded] };
    const names = new NameResolver(buildRefTable(live));
    expect(environments.toDocuments(live, names)).toEqual([
      {
        kind: 'environments',
        name: 'Test-1',
        file: 'environments/test-1.yaml',
        body: { Name: 'Test-1', Description: 'Test-1 environment description', AllowDynamicInfrastructure: false, SortOrder: 1, UseGuidedFailure: false },
      },
    ]);
    expect(names.problems).toEqual([]);
  });

  itWithReferenceData('turns the document into a payload the simulator accepts and reads it back equal', async () => {
    const sim = await simulator();
    const [doc] = environments.toDocuments({ environments: [recorded] }, new NameResolver(buildRefTable({})));
    const ids = new IdResolver(buildRefTable(await readLive(sim, environments.reads)));
    const created = await simHttp(sim).post('/api/Spaces-1/environments', environments.toPayload(doc!, ids));
    expect(created.status).toBe(201);
    expect(ids.problems).toEqual([]);
    const live = await readLive(sim, environments.reads);
    expect(environments.toDocuments(live, new NameResolver(buildRefTable(live)))).toEqual([doc]);
  });

  it('gives clashing slugs distinct, stable file names', () => {
    const live = { environments: [{ ...recorded, Name: 'Prod EU' }, { ...recorded, Id: 'Environments-2', Name: 'prod-eu' }] };
    const files = environments.toDocuments(live, new NameResolver(buildRefTable(live))).map((doc) => [doc.name, doc.file]);
    // Documents come in file order ('-' sorts before '.'); slugs follow the names' sorted order.
    expect(files).toEqual([
      ['prod-eu', 'environments/prod-eu-2.yaml'],
      ['Prod EU', 'environments/prod-eu.yaml'],
    ]);
  });

  itWithReferenceData('writes the same documents whatever order the server lists environments in', () => {
    const live = { environments: [recorded, { ...recorded, Id: 'Environments-2', Name: 'Production', SortOrder: 2 }, { ...recorded, Id: 'Environments-3', Name: 'Staging', SortOrder: 0 }] };
    const docs = (environmentsListed: JsonObject[]) => {
      const shuffled = { environments: environmentsListed };
      return byFile(environments.toDocuments(shuffled, new NameResolver(buildRefTable(shuffled))));
    };
    expect(docs([...live.environments].reverse())).toEqual(docs(live.environments));
  });

  itWithReferenceData('documents satisfy the schema; ids and names over 50 characters do not', () => {
    const schemas = loadSchemas();
    const [doc] = environments.toDocuments({ environments: [recorded] }, new NameResolver(buildRefTable({})));
    expect(schemas.validate('environments', doc!.body)).toEqual([]);
    expect(schemas.validate('environments', { ...doc!.body, Id: 'Environments-1', Name: 'x'.repeat(51) }).map((issue) => issue.pointer)).toEqual(['/Id', '/Name']);
  });
});
