import { describe, expect, it } from 'vitest';
import type { JsonObject, LiveSpace } from '../../src/core/document.js';
import { IdResolver, NameResolver, buildRefTable } from '../../src/core/refs.js';
import { machinePolicies } from '../../src/kinds/machine-policies/index.js';
import { byFile, fixturesIn, idsIn, kindChecks, productSchemas, simulatorsClosedAfterEach } from '../support/kind-checks.js';
import { simHttp } from '../support/sim-http.js';
import { itWithReferenceData, recorded2018 } from '../support/reference-data.js';

const fixture = fixturesIn(new URL('./machine-policies/fixtures/', import.meta.url));
const recorded = recorded2018<JsonObject>('machinepolicy');
const captured: LiveSpace = {
  machinepolicies: fixture<JsonObject[]>('machinepolicies-all-simulator.json'),
  accounts: fixture<JsonObject[]>('accounts-all-simulator.json'),
};

const schemas = productSchemas();
const simulator = simulatorsClosedAfterEach();
const { applyDocuments, readDocuments, invalidAt } = kindChecks(machinePolicies, 'machinepolicies');

describe('machine-policies kind', () => {
  itWithReferenceData('normalizes a recorded real response, keeping its pre-2019 health check fields as they are', () => {
    const live = { machinepolicies: [recorded] };
    const names = new NameResolver(buildRefTable(live));
    const [doc, ...rest] = machinePolicies.toDocuments(live, names);
    expect(rest).toEqual([]);
    expect(names.problems).toEqual([]);
    expect(doc).toMatchObject({ kind: 'machine-policies', name: 'Default Machine Policy', file: 'machine-policies/default-machine-policy.yaml' });
    const health = recorded.MachineHealthCheckPolicy as JsonObject;
    expect(doc?.body).toEqual({
      Name: 'Default Machine Policy',
      Description: recorded.Description,
      IsDefault: true,
      MachineCleanupPolicy: { DeleteMachinesBehavior: 'DoNotDelete', DeleteMachinesElapsedTimeSpan: '00:00:00' },
      MachineConnectivityPolicy: { MachineConnectivityBehavior: 'ExpectedToBeOnline' },
      MachineHealthCheckPolicy: { HealthCheckInterval: '01:00:00', SshEndpointHealthCheckPolicy: health.SshEndpointHealthCheckPolicy, TentacleEndpointHealthCheckPolicy: health.TentacleEndpointHealthCheckPolicy },
      MachineUpdatePolicy: { CalamariUpdateBehavior: 'UpdateOnDeployment', TentacleUpdateBehavior: 'NeverUpdate' },
    });
    expect(idsIn(doc!.body)).toEqual([]);
  });

  it('writes the Tentacle update account by name', () => {
    const names = new NameResolver(buildRefTable(captured));
    const docs = byFile(machinePolicies.toDocuments(captured, names));
    expect(names.problems).toEqual([]);
    expect(docs.map((doc) => doc.name)).toEqual(['Default Machine Policy', 'Linux Servers']);
    expect(docs[1]?.body).toEqual({
      Name: 'Linux Servers',
      Description: 'SSH targets: hourly connectivity checks, removed after a day offline.',
      ConnectionConnectTimeout: '00:00:30',
      ConnectionRetryCountLimit: 3,
      ConnectionRetrySleepInterval: '00:00:05',
      ConnectionRetryTimeLimit: '00:02:00',
      IsDefault: false,
      MachineCleanupPolicy: { DeleteMachinesBehavior: 'DeleteUnavailableMachines', DeleteMachinesElapsedTimeSpan: '1.00:00:00' },
      MachineConnectivityPolicy: { MachineConnectivityBehavior: 'MayBeOfflineAndCanBeSkipped' },
      MachineHealthCheckPolicy: {
        BashHealthCheckPolicy: { RunType: 'Inline', ScriptBody: 'df -h /\nfree -m\n' },
        HealthCheckCronTimezone: 'UTC',
        HealthCheckInterval: '01:00:00',
        HealthCheckType: 'OnlyConnectivity',
        PowerShellHealthCheckPolicy: { RunType: 'Inline', ScriptBody: '' },
      },
      MachineUpdatePolicy: { CalamariUpdateBehavior: 'UpdateAlways', TentacleUpdateAccount: 'Tentacle Updater', TentacleUpdateBehavior: 'Update' },
      PollingRequestMaximumMessageProcessingTimeout: '00:10:00',
      PollingRequestQueueTimeout: '00:02:00',
    });
    expect(docs.flatMap((doc) => idsIn(doc.body))).toEqual([]);
  });

  it('creates what the documents describe in a fresh server (after the account) and reads back the same documents', async () => {
    const sim = await simulator();
    const docs = machinePolicies.toDocuments(captured, new NameResolver(buildRefTable(captured)));
    const account = await simHttp(sim).post('/api/Spaces-1/accounts', { Name: 'Tentacle Updater', AccountType: 'UsernamePassword', Username: 'octo-update' });
    expect(account.status).toBe(201);
    expect(await applyDocuments(sim, docs)).toEqual([]);
    expect(await readDocuments(sim)).toEqual(byFile(docs));
  });

  itWithReferenceData('applies the recorded 2018 document to a newer server without losing anything it says', async () => {
    const sim = await simulator();
    const docs = machinePolicies.toDocuments({ machinepolicies: [recorded] }, new NameResolver(buildRefTable({})));
    expect(await applyDocuments(sim, docs)).toEqual([]);
    // The newer server adds the fields it has defaults for (connection timeouts, ...).
    expect(await readDocuments(sim)).toMatchObject(docs);
  });

  it('names the document and field of an account the destination lacks', () => {
    const doc = byFile(machinePolicies.toDocuments(captured, new NameResolver(buildRefTable(captured))))[1]!;
    const ids = new IdResolver(buildRefTable({}));
    expect(machinePolicies.toPayload(doc, ids).MachineUpdatePolicy).toEqual({ CalamariUpdateBehavior: 'UpdateAlways', TentacleUpdateAccountId: '', TentacleUpdateBehavior: 'Update' });
    expect(ids.problems).toEqual([
      { where: "machine policy 'Linux Servers' MachineUpdatePolicy.TentacleUpdateAccount", message: "refers to account 'Tentacle Updater', which does not exist in the destination" },
    ]);
  });

  it('names the document and field of an account id the source cannot resolve', () => {
    const live = { machinepolicies: captured.machinepolicies ?? [], accounts: [] };
    const names = new NameResolver(buildRefTable(live));
    machinePolicies.toDocuments(live, names);
    expect(names.problems).toEqual([
      { where: "machine policy 'Linux Servers' MachineUpdatePolicy.TentacleUpdateAccountId", message: "refers to accounts 'Accounts-1', which does not exist on the server" },
    ]);
  });

  itWithReferenceData('sends a null account id when the document names none', () => {
    const doc = machinePolicies.toDocuments({ machinepolicies: [recorded] }, new NameResolver(buildRefTable({})))[0]!;
    const ids = new IdResolver(buildRefTable({}));
    expect(machinePolicies.toPayload(doc, ids).MachineUpdatePolicy).toEqual({ CalamariUpdateBehavior: 'UpdateOnDeployment', TentacleUpdateAccountId: null, TentacleUpdateBehavior: 'NeverUpdate' });
    expect(ids.problems).toEqual([]);
  });

  it('writes the same documents whatever order the server lists policies and accounts in', () => {
    const shuffled: LiveSpace = { machinepolicies: [...(captured.machinepolicies ?? [])].reverse(), accounts: [...(captured.accounts ?? [])].reverse() };
    const docs = (live: LiveSpace) => byFile(machinePolicies.toDocuments(live, new NameResolver(buildRefTable(live))));
    expect(docs(shuffled)).toEqual(docs(captured));
  });

  it('tells validate the account a policy names, an account being something never synced', () => {
    const docs = byFile(machinePolicies.toDocuments(captured, new NameResolver(buildRefTable(captured))));
    expect(docs.map((doc) => machinePolicies.references?.(doc))).toEqual([[], [{ pointer: '/MachineUpdatePolicy/TentacleUpdateAccount', kind: 'accounts', name: 'Tentacle Updater' }]]);
  });

  itWithReferenceData('documents satisfy the schema; account ids, unknown behaviours and malformed time spans do not', () => {
    const docs = [...machinePolicies.toDocuments(captured, new NameResolver(buildRefTable(captured))), ...machinePolicies.toDocuments({ machinepolicies: [recorded] }, new NameResolver(buildRefTable({})))];
    for (const doc of docs) expect(schemas.validate('machine-policies', doc.body)).toEqual([]);
    expect(invalidAt({ Name: 'P', MachineUpdatePolicy: { TentacleUpdateAccountId: 'Accounts-1' } })).toEqual(['/MachineUpdatePolicy/TentacleUpdateAccountId']);
    expect(invalidAt({ Name: 'P', MachineHealthCheckPolicy: { HealthCheckType: 'Sometimes' } })).toEqual(['/MachineHealthCheckPolicy/HealthCheckType']);
    expect(invalidAt({ Name: 'P', MachineCleanupPolicy: { DeleteMachinesBehavior: 'DoNotDelete', DeleteMachinesElapsedTimeSpan: '1 day' } })).toEqual(['/MachineCleanupPolicy/DeleteMachinesElapsedTimeSpan']);
    expect(invalidAt({ Name: 'P', ConnectionConnectTimeout: '00:01:00.5000000', MachineUpdatePolicy: { KubernetesAgentUpdateBehavior: 'Update' } })).toEqual([]);
  });
});
