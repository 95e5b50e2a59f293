import { badRequest } from '../http-error.js';
import type { ResourceDef } from '../resource-def.js';

// Defaults as the built-in "Default Machine Policy" of a fresh server has them
// (fixture octopus-2018.11.2/machinepolicy.json). Machine policies have no Slug (not in the
// 2021 swagger, OctopusClients MachinePolicyResource.cs or the 2026 machine-policies reference).
export const machinePolicies: ResourceDef = {
  collection: 'machinepolicies',
  idPrefix: 'MachinePolicies',
  itemType: 'MachinePolicy',
  scope: 'space',
  required: ['Name'],
  defaults: () => ({
    Name: '',
    Description: null,
    IsDefault: false,
    MachineHealthCheckPolicy: {
      PowerShellHealthCheckPolicy: {
        RunType: 'Inline',
        ScriptBody: '$freeDiskSpaceThreshold = 5GB\n',
      },
      BashHealthCheckPolicy: { RunType: 'Inline', ScriptBody: '' },
      HealthCheckInterval: '01:00:00',
      HealthCheckCron: null,
      HealthCheckCronTimezone: 'UTC',
      HealthCheckType: 'RunScript',
    },
    MachineConnectivityPolicy: { MachineConnectivityBehavior: 'ExpectedToBeOnline' },
    MachineCleanupPolicy: { DeleteMachinesBehavior: 'DoNotDelete', DeleteMachinesElapsedTimeSpan: '00:00:00' },
    MachineUpdatePolicy: { CalamariUpdateBehavior: 'UpdateOnDeployment', TentacleUpdateBehavior: 'NeverUpdate', KubernetesAgentUpdateBehavior: 'NeverUpdate', TentacleUpdateAccountId: null },
    // 2026 reference fields; the values are the ones a new policy gets (inferred).
    MachinePackageCacheRetentionPolicy: { Strategy: 'Default', QuantityOfPackagesToKeep: null, PackageUnit: null, QuantityOfVersionsToKeep: null, VersionUnit: null },
    MachineRpcCallRetryPolicy: { Enabled: true, RetryDuration: '00:02:30', HealthCheckRetryDuration: '00:02:30' },
    ConnectionRetrySleepInterval: '00:00:01',
    ConnectionRetryCountLimit: 5,
    ConnectionRetryTimeLimit: '00:05:00',
    ConnectionConnectTimeout: '00:01:00',
    PollingRequestQueueTimeout: '00:02:00',
    PollingRequestMaximumMessageProcessingTimeout: '00:10:00',
  }),
  // A PUT that sends an older client's update policy keeps the newer field's default.
  prepare: (doc) => {
    const update = (doc.MachineUpdatePolicy ?? {}) as Record<string, unknown>;
    doc.MachineUpdatePolicy = { KubernetesAgentUpdateBehavior: 'NeverUpdate', ...update };
  },
  references: [
    { field: 'MachineUpdatePolicy.TentacleUpdateAccountId', collection: 'accounts', ids: (doc) => [(doc.MachineUpdatePolicy as { TentacleUpdateAccountId?: unknown } | undefined)?.TentacleUpdateAccountId] },
  ],
  beforeDelete: (doc) => {
    if (doc.IsDefault === true) throw badRequest('The default machine policy cannot be deleted.');
  },
};
