import { describe, expect, it } from 'vitest';
import type { JsonObject, KindDocument, LiveSpace } from '../../src/core/document.js';
import { IdResolver, NameResolver, buildRefTable } from '../../src/core/refs.js';
import { libraryVariableSets } from '../../src/kinds/library-variable-sets/index.js';
import { scriptModules } from '../../src/kinds/script-modules/index.js';
import { fixturesIn, idsIn, isolatedSchemaErrors, kindChecks, simulatorsClosedAfterEach } from '../support/kind-checks.js';
import { readLive } from '../support/live.js';
import { simHttp } from '../support/sim-http.js';
import { itWithReferenceData, recorded2018 } from '../support/reference-data.js';

const fixture = fixturesIn(new URL('./script-modules/fixtures/', import.meta.url));

/** Captured from the simulator's sample seed (see fixtures/README.md). */
const captured: LiveSpace = {
  libraryvariablesets: [fixture('simulator-script-module-retry-helpers.json')],
  variables: [fixture('simulator-variableset-retry-helpers.json')],
};

const RETRY_BODY = ['retry() {', '  local attempts=$1; shift', '  local n=1', '  until "$@"; do', '    if [ "$n" -ge "$attempts" ]; then return 1; fi', '    n=$((n + 1))', '    sleep $((n * 2))', '  done', '}', ''].join('\n');

const SPACE = '/api/Spaces-1';

const simulator = simulatorsClosedAfterEach();
const schemaErrors = isolatedSchemaErrors('script-modules', ['common']);
const { documentsOf } = kindChecks(scriptModules, 'libraryvariablesets');

describe('script-modules kind', () => {
  it('lifts the module\'s two variables into Syntax and ScriptBody', () => {
    const { docs, names } = documentsOf(captured);
    expect(names.problems).toEqual([]);
    expect(docs).toEqual([
      {
        kind: 'script-modules',
        name: 'Retry Helpers',
        file: 'script-modules/retry-helpers.yaml',
        body: { Name: 'Retry Helpers', Description: 'Bash helpers to retry flaky commands.', ScriptBody: RETRY_BODY, Syntax: 'Bash' },
      },
    ]);
    expect(idsIn(docs[0]!.body)).toEqual([]);
    expect(schemaErrors(docs[0]!.body)).toEqual([]);
  });

  itWithReferenceData('skips a recorded library variable set of variables (ContentType Variables)', () => {
    const live = { ...captured, libraryvariablesets: [...(captured.libraryvariablesets ?? []), recorded2018('libraryvariableset')] };
    expect(documentsOf(live).docs.map((doc) => doc.name)).toEqual(['Retry Helpers']);
  });

  it('reads a module without a language variable as PowerShell', () => {
    const [set] = captured.variables ?? [];
    const live = { ...captured, variables: [{ ...set, Variables: (set!.Variables as JsonObject[]).filter((v) => !String(v.Name).includes('.Language[')) }] };
    expect(documentsOf(live).docs[0]!.body).toMatchObject({ Syntax: 'PowerShell', ScriptBody: RETRY_BODY });
  });

  it('reads the script of a module whose variables still carry an older name', () => {
    const [set] = captured.variables ?? [];
    const renamed = (set!.Variables as JsonObject[]).map((v) => ({ ...v, Name: String(v.Name).replace('[Retry Helpers]', '[Retry]') }));
    expect(documentsOf({ ...captured, variables: [{ ...set, Variables: renamed }] }).docs[0]!.body).toMatchObject({ Syntax: 'Bash', ScriptBody: RETRY_BODY });
  });

  it('creates the module in a fresh simulator, reads it back equal, and keeps variable ids on update', async () => {
    const dest = await simulator('empty');
    const http = simHttp(dest);
    const [doc] = documentsOf(captured).docs;
    const created = await http.post(`${SPACE}/libraryvariablesets`, scriptModules.toPayload(doc!, new IdResolver(buildRefTable({}))));
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ Name: 'Retry Helpers', ContentType: 'ScriptModule' });

    const put = async (body: KindDocument['body']) => {
      const ids = new IdResolver(buildRefTable(await readLive(dest, scriptModules.reads)));
      const payload = scriptModules.variableSetPayload({ ...doc!, body }, ids);
      expect(payload).toMatchObject({ Id: created.body.VariableSetId, Version: expect.any(Number) });
      const response = await http.put(`${SPACE}/variables/${String(payload.Id)}`, payload);
      expect(response.status, response.text).toBe(200);
      return response.body as JsonObject;
    };
    const first = await put(doc!.body);
    const live = await readLive(dest, scriptModules.reads);
    expect(documentsOf(live).docs).toEqual([doc]);
    // Nor is a script module a library variable set document.
    expect(libraryVariableSets.toDocuments(live, new NameResolver(buildRefTable(live)))).toEqual([]);

    const second = await put({ ...doc!.body, ScriptBody: `${RETRY_BODY}# changed\n`, Syntax: 'Bash' });
    const ids = (set: JsonObject) => (set.Variables as JsonObject[]).map((v) => [v.Name, v.Id]);
    expect(ids(second)).toEqual(ids(first));
    expect(documentsOf(await readLive(dest, scriptModules.reads)).docs[0]!.body.ScriptBody).toBe(`${RETRY_BODY}# changed\n`);
  });

  it('snapshots the sample instance\'s script modules', async () => {
    const sim = await simulator('sample');
    const live = await readLive(sim, scriptModules.reads);
    const { docs, names } = documentsOf(live);
    expect(names.problems).toEqual([]);
    expect(docs.map((doc) => [doc.file, doc.body.Syntax])).toEqual([
      ['script-modules/logging-helpers.yaml', 'PowerShell'],
      ['script-modules/retry-helpers.yaml', 'Bash'],
    ]);
    const text = JSON.stringify(docs);
    expect(sim.instance.store.secretValues().filter((secret) => text.includes(secret))).toEqual([]);
    for (const doc of docs) {
      expect(idsIn(doc.body)).toEqual([]);
      expect(schemaErrors(doc.body)).toEqual([]);
    }
  });

  it('the schema requires the script and rejects variables and ids', () => {
    expect(schemaErrors({ Name: 'M', Syntax: 'Bash' })).not.toEqual([]);
    expect(schemaErrors({ Name: 'M', Syntax: 'Bash', ScriptBody: '', Variables: [] })).not.toEqual([]);
    expect(schemaErrors({ Id: 'LibraryVariableSets-1', Name: 'M', Syntax: 'Bash', ScriptBody: '' })).not.toEqual([]);
  });
});
