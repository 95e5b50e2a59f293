import type { ResourceDef } from '../resource-def.js';
import { checkOneOf, checkTenantTags, ref, TENANTED_MODES } from './common.js';

const HEALTH = ['Status', 'HealthStatus', 'StatusSummary', 'HasLatestCalamari', 'IsInProcess', 'OperatingSystem', 'ShellName', 'ShellVersion', 'Architecture'];

function healthDefaults(): Record<string, unknown> {
  return {
    Status: 'Online',
    HealthStatus: 'Healthy',
    StatusSummary: 'Octopus was able to successfully establish a connection with this machine.',
    HasLatestCalamari: true,
    IsInProcess: false,
    OperatingSystem: 'Linux',
    ShellName: 'Bash',
    ShellVersion: '5.2',
    Architecture: 'x64',
  };
}

const machineBase = {
  scope: 'space' as const,
  slug: true,
  required: ['Name', 'Endpoint'],
  serverManaged: HEALTH,
  filters: {
    isDisabled: (doc: Record<string, unknown>, value: string) => String(doc.IsDisabled) === value.toLowerCase(),
  },
  prepare: (doc: Record<string, unknown>) => {
    Object.assign(doc, healthDefaults());
    const endpoint = doc.Endpoint as Record<string, unknown> | undefined;
    doc.Uri = (endpoint?.Uri as string | undefined) ?? null;
    doc.Thumbprint = (endpoint?.Thumbprint as string | undefined) ?? null;
  },
};

// Deployment targets and workers are never synced; they exist so tests can prove it.
export const deploymentTargets: ResourceDef = {
  ...machineBase,
  collection: 'machines',
  idPrefix: 'Machines',
  itemType: 'DeploymentTarget',
  defaults: () => ({
    Name: '',
    IsDisabled: false,
    EnvironmentIds: [],
    Roles: [],
    TenantedDeploymentParticipation: 'Untenanted',
    TenantIds: [],
    TenantTags: [],
    MachinePolicyId: null,
    Endpoint: null,
  }),
  references: [ref('EnvironmentIds', 'environments'), ref('TenantIds', 'tenants'), ref('MachinePolicyId', 'machinepolicies')],
  filters: {
    ...machineBase.filters,
    environmentIds: (doc, value) => value.split(',').some((id) => (doc.EnvironmentIds as string[]).includes(id)),
    roles: (doc, value) => value.split(',').some((role) => (doc.Roles as string[]).includes(role)),
  },
  validate: (doc, ctx) => [
    ...((doc.EnvironmentIds as unknown[]).length === 0 ? ['EnvironmentIds: a deployment target needs at least one environment.'] : []),
    ...checkOneOf(doc, 'TenantedDeploymentParticipation', TENANTED_MODES),
    ...checkTenantTags(ctx.instance, ctx.spaceId, doc.TenantTags),
  ],
};

export const workers: ResourceDef = {
  ...machineBase,
  collection: 'workers',
  idPrefix: 'Workers',
  itemType: 'Worker',
  defaults: () => ({ Name: '', IsDisabled: false, WorkerPoolIds: [], MachinePolicyId: null, Endpoint: null }),
  references: [ref('WorkerPoolIds', 'workerpools'), ref('MachinePolicyId', 'machinepolicies')],
  filters: {
    ...machineBase.filters,
    workerpoolIds: (doc, value) => value.split(',').some((id) => (doc.WorkerPoolIds as string[]).includes(id)),
  },
};
