import { badRequest } from '../http-error.js';
import type { ResourceDef } from '../resource-def.js';
import { assignIds, keepForever } from './common.js';

interface Phase {
  Name?: string;
  AutomaticDeploymentTargets?: unknown[];
  OptionalDeploymentTargets?: unknown[];
}

const phaseDefaults = {
  AutomaticDeploymentTargets: [],
  OptionalDeploymentTargets: [],
  MinimumEnvironmentsBeforePromotion: 0,
  IsOptionalPhase: false,
  ReleaseRetentionPolicy: null,
  TentacleRetentionPolicy: null,
  IsPriorityPhase: false,
};

/** A retention policy as 2024+ servers show it: with its `Strategy` (`Default` unless sent; real-world lifecycle fixture 07). */
function withStrategy(policy: unknown): unknown {
  return policy && typeof policy === 'object' ? { Strategy: 'Default', ...(policy as Record<string, unknown>) } : policy;
}

export const lifecycles: ResourceDef = {
  collection: 'lifecycles',
  idPrefix: 'Lifecycles',
  itemType: 'Lifecycle',
  scope: 'space',
  slug: true,
  required: ['Name'],
  defaults: () => ({
    Name: '',
    Description: null,
    ReleaseRetentionPolicy: keepForever(),
    TentacleRetentionPolicy: keepForever(),
    Phases: [],
  }),
  references: [
    {
      field: 'Phases',
      collection: 'environments',
      ids: (doc) => phases(doc.Phases).flatMap((p) => [...(p.AutomaticDeploymentTargets ?? []), ...(p.OptionalDeploymentTargets ?? [])]),
    },
  ],
  validate: (doc) => {
    const names = phases(doc.Phases).map((p) => String(p.Name ?? '').toLowerCase());
    const errors = names.filter((name) => name === '').map(() => 'Phases: every phase needs a Name.');
    if (new Set(names).size !== names.length) errors.push('Phases: phase names must be unique.');
    return errors;
  },
  prepare: (doc) => {
    doc.ReleaseRetentionPolicy = withStrategy(doc.ReleaseRetentionPolicy);
    doc.TentacleRetentionPolicy = withStrategy(doc.TentacleRetentionPolicy);
    doc.Phases = phases(doc.Phases).map((phase) => {
      const full: Record<string, unknown> = { ...phaseDefaults, ...phase };
      return { ...full, ReleaseRetentionPolicy: withStrategy(full.ReleaseRetentionPolicy), TentacleRetentionPolicy: withStrategy(full.TentacleRetentionPolicy) };
    });
    assignIds(doc.Phases);
  },
  beforeDelete: (doc, ctx) => {
    if (ctx.instance.visible('projects', ctx.spaceId).some((project) => project.LifecycleId === doc.Id)) {
      throw badRequest(`The lifecycle '${String(doc.Name)}' is used by projects and cannot be deleted.`);
    }
  },
};

function phases(value: unknown): Phase[] {
  return Array.isArray(value) ? (value as Phase[]) : [];
}
