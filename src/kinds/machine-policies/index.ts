import type { JsonObject } from '../../core/document.js';
import { isObject } from '../fields.js';
import { simpleKind } from '../simple-kind.js';

// The only id inside a machine policy is the account Tentacle upgrades run as
// (MachineUpdatePolicy.TentacleUpdateAccountId); accounts are never synced, so it is written by
// name and must exist in each destination.
export const machinePolicies = simpleKind({
  name: 'machine-policies',
  title: 'machine policy',
  collection: 'machinepolicies',
  dependsOn: [],
  extraReads: ['accounts'],
  normalize: (body, resource, names, where) => {
    const update = resource.MachineUpdatePolicy;
    if (!isObject(update)) return;
    const { TentacleUpdateAccountId: accountId, ...rest } = update;
    body.MachineUpdatePolicy = { ...rest, TentacleUpdateAccount: names.optional('accounts', accountId, `${where} MachineUpdatePolicy.TentacleUpdateAccountId`) };
  },
  nestedReferences: (body) => {
    const account = isObject(body.MachineUpdatePolicy) ? body.MachineUpdatePolicy.TentacleUpdateAccount : undefined;
    return typeof account === 'string' ? [{ pointer: '/MachineUpdatePolicy/TentacleUpdateAccount', kind: 'accounts', name: account }] : [];
  },
  denormalize: (payload, body, ids, where) => {
    const update = body.MachineUpdatePolicy;
    if (!isObject(update)) return;
    const { TentacleUpdateAccount: account, ...rest } = update;
    payload.MachineUpdatePolicy = { ...rest, TentacleUpdateAccountId: ids.optional('accounts', account, `${where} MachineUpdatePolicy.TentacleUpdateAccount`) } satisfies JsonObject;
  },
});
