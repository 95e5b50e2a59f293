// Fields newer Octopus Servers have that older ones do not (from the 2026 API reference), per
// kind: where they sit in a document, what a server that has them shows when nothing is set, and
// the first release line that accepts them.
//
// Two uses, one table:
// - normalization: a field equal to its default is left out of the document, so a 2024 server's
//   snapshot and a 2026 server's read of the same configuration give the same bytes, and a
//   document written from an older server plans no change on a newer one;
// - version skew: a document that sets one (to anything but its default) cannot be applied to a
//   destination older than `since`; plan names the document and the field (see
//   commands/version-skew.ts).
import { canonicalize, jsonEqual } from '../core/canonical.js';
import type { Json, JsonObject, KindName } from '../core/document.js';
import { isObject } from '../core/document.js';
import { escapeName } from '../core/names.js';

export interface NewerField {
  kind: KindName;
  /** Path in the document body: `.` between fields, `[]` after a list (`Phases[].IsPriorityPhase`). */
  path: string;
  /** What a server that has the field shows when it is not set; absent: the field has no default (absent means unset). */
  default?: Json;
  /** The first release line that accepts the field; absent when not known (then it is only normalized). */
  since?: string;
  /** Where `since` comes from. */
  source?: string;
}

const EXTENDED_TAG_SETS = 'Extended Tag Sets: Octopus Cloud 2025.4.3897 (OctopusDeploy/docs#2864), self-hosted 2026.1 (OctopusDeploy/OctopusTentacle#1237)';
const EPHEMERAL = 'ephemeral environments: Octopus Cloud 2025.4 (OctopusDeploy/Issues#9631, go-octopusdeploy#362, #364)';
const CUSTOM_FIELDS = 'release custom fields on channels: generally available from 2026.1 (OctopusDeploy/Issues#9629)';
const REFERENCE_2026 = 'in the 2026 API reference, not in the 2021.2 Swagger; the release that added it is not documented';

const retention = (kind: KindName, prefix: string): NewerField[] =>
  ['ReleaseRetentionPolicy', 'TentacleRetentionPolicy'].map((policy) => ({ kind, path: `${prefix}${policy}.Strategy`, default: 'Default', source: REFERENCE_2026 }));

const processFields = (kind: KindName, prefix: string): NewerField[] => [
  { kind, path: `${prefix}Steps[].Type`, default: 'Step', since: '2025.3', source: 'process templates (step Type "ProcessTemplateUsage"); inferred from the Platform Hub releases' },
  { kind, path: `${prefix}Steps[].Actions[].GitDependencies`, default: [], since: '2024.2', source: 'Git resources in steps (OctopusClients GitDependencyResource); inferred' },
];

export const NEWER_FIELDS: readonly NewerField[] = [
  { kind: 'environments', path: 'EnvironmentTags', default: [], since: '2025.4', source: EXTENDED_TAG_SETS },
  { kind: 'tag-sets', path: 'Type', default: 'MultiSelect', since: '2025.4', source: EXTENDED_TAG_SETS },
  { kind: 'tag-sets', path: 'Scopes', default: ['Tenant'], since: '2025.4', source: EXTENDED_TAG_SETS },
  { kind: 'machine-policies', path: 'MachineUpdatePolicy.KubernetesAgentUpdateBehavior', default: 'NeverUpdate', source: REFERENCE_2026 },
  { kind: 'machine-policies', path: 'MachinePackageCacheRetentionPolicy', default: { Strategy: 'Default' }, source: REFERENCE_2026 },
  { kind: 'machine-policies', path: 'MachineRpcCallRetryPolicy', default: { Enabled: true, HealthCheckRetryDuration: '00:02:30', RetryDuration: '00:02:30' }, source: REFERENCE_2026 },
  ...retention('lifecycles', ''),
  ...retention('lifecycles', 'Phases[].'),
  { kind: 'lifecycles', path: 'Phases[].IsPriorityPhase', default: false, source: REFERENCE_2026 },
  { kind: 'step-templates', path: 'GitDependencies', default: [], since: '2024.2', source: 'Git resources in steps (OctopusClients GitDependencyResource); inferred' },
  { kind: 'tenants', path: 'CustomFields', default: [], source: REFERENCE_2026 },
  { kind: 'projects', path: 'ProjectTags', default: [], since: '2025.4', source: EXTENDED_TAG_SETS },
  { kind: 'projects', path: 'ProvisioningRunbook', since: '2025.4', source: EPHEMERAL },
  { kind: 'projects', path: 'DeprovisioningRunbook', since: '2025.4', source: EPHEMERAL },
  { kind: 'projects', path: 'AllowIgnoreChannelRules', default: false, source: 'recorded Octopus Cloud 2024.3.10989 project (fixtures/real-world/11)' },
  { kind: 'projects', path: 'CombineHealthAndSyncStatusInDashboardLiveStatus', default: false, source: REFERENCE_2026 },
  { kind: 'projects', path: 'DefaultPowerShellEdition', default: 'WindowsPowerShell', source: REFERENCE_2026 },
  { kind: 'projects', path: 'ExecuteDeploymentsOnEventBasedPipeline', default: false, source: REFERENCE_2026 },
  { kind: 'projects', path: 'ForcePackageDownload', default: false, source: REFERENCE_2026 },
  { kind: 'projects', path: 'IsBadgesEnabled', default: false, source: REFERENCE_2026 },
  { kind: 'channels', path: 'Channels[].Type', default: 'Lifecycle', since: '2025.4', source: EPHEMERAL },
  { kind: 'channels', path: 'Channels[].ParentEnvironment', since: '2025.4', source: EPHEMERAL },
  { kind: 'channels', path: 'Channels[].EphemeralEnvironmentNameTemplate', since: '2025.4', source: EPHEMERAL },
  { kind: 'channels', path: 'Channels[].AutomaticEphemeralEnvironmentDeployments', default: false, since: '2025.4', source: EPHEMERAL },
  { kind: 'channels', path: 'Channels[].CustomFieldDefinitions', default: [], since: '2026.1', source: CUSTOM_FIELDS },
  { kind: 'channels', path: 'Channels[].GitReferenceRules', default: [], source: REFERENCE_2026 },
  { kind: 'channels', path: 'Channels[].GitResourceRules', default: [], source: REFERENCE_2026 },
  ...processFields('deployment-processes', ''),
  { kind: 'runbooks', path: 'RunbookTags', default: [], since: '2025.4', source: EXTENDED_TAG_SETS },
  { kind: 'runbooks', path: 'RunRetentionPolicy.Strategy', default: 'Default', source: REFERENCE_2026 },
  ...['ForcePackageDownload', 'FailTargetDiscovery', 'CancelQueuedTasks', 'CancelRunningTasks'].map((field): NewerField => ({ kind: 'runbooks', path: field, default: false, source: REFERENCE_2026 })),
  ...processFields('runbooks', 'Process.'),
];

/** Leaves out of a document body (in place) every newer field of its kind that holds its default. */
export function omitNewerDefaults(kind: KindName, body: JsonObject): JsonObject {
  for (const field of defaultedFields(kind)) omitDefaultAt(body, segmentsOf(field.path), 0, field);
  return body;
}

/**
 * Deletes the field's default everywhere its path reaches from `object`, walked as `locate` walks
 * it but with no pointers or lists built: every live document of these kinds is walked.
 */
function omitDefaultAt(object: JsonObject, segments: readonly Segment[], index: number, field: NewerField): void {
  const { key, list } = segments[index] as Segment;
  if (!(key in object)) return;
  const value = object[key] as Json;
  if (index === segments.length - 1) {
    if (isDefault(value, field)) delete object[key];
  } else if (list && Array.isArray(value)) {
    for (const item of value) if (isObject(item)) omitDefaultAt(item, segments, index + 1, field);
  } else if (isObject(value)) {
    omitDefaultAt(value, segments, index + 1, field);
  }
}

export interface NewerFieldUse {
  field: NewerField;
  /** JSON pointer of the value in the document. */
  pointer: string;
}

/** The newer fields a document body sets (present, and not its default). */
export function newerFieldsUsed(kind: KindName, body: JsonObject): NewerFieldUse[] {
  return fieldsOf(kind).flatMap((field) =>
    locate(body, field.path)
      .filter(({ value }) => !isDefault(value, field))
      .map(({ pointer }) => ({ field, pointer })),
  );
}

/** The newer fields of each kind (every desired document of the kind is looked at for them). */
const fieldsByKind = new Map<KindName, readonly NewerField[]>();
function fieldsOf(kind: KindName): readonly NewerField[] {
  let fields = fieldsByKind.get(kind);
  if (!fields) {
    fields = NEWER_FIELDS.filter((field) => field.kind === kind);
    fieldsByKind.set(kind, fields);
  }
  return fields;
}

/** The fields of each kind that have a default (every document of the kind is normalized with them). */
const defaultedByKind = new Map<KindName, readonly NewerField[]>();
function defaultedFields(kind: KindName): readonly NewerField[] {
  let fields = defaultedByKind.get(kind);
  if (!fields) {
    fields = NEWER_FIELDS.filter((field) => field.kind === kind && 'default' in field);
    defaultedByKind.set(kind, fields);
  }
  return fields;
}

/** Each field's default in canonical form, worked out once. */
const canonicalDefaults = new Map<NewerField, Json>();

/** Whether a value is the field's default (nulls inside it count as absent, as documents drop them). */
function isDefault(value: Json, field: NewerField): boolean {
  if (!('default' in field)) return false;
  let canonical = canonicalDefaults.get(field);
  if (canonical === undefined) {
    canonical = canonicalize(field.default as Json);
    canonicalDefaults.set(field, canonical);
  }
  return jsonEqual(canonicalize(value), canonical);
}

interface Located {
  parent: JsonObject;
  key: string;
  value: Json;
  pointer: string;
}

interface Segment {
  key: string;
  /** The key as a JSON pointer writes it. */
  escaped: string;
  /** `[]`: the value is a list whose objects the rest of the path goes into. */
  list: boolean;
}

/** Each path's segments, parsed once. */
const parsedPaths = new Map<string, readonly Segment[]>();
function segmentsOf(path: string): readonly Segment[] {
  let segments = parsedPaths.get(path);
  if (!segments) {
    segments = path.split('.').map((segment) => {
      const key = segment.endsWith('[]') ? segment.slice(0, -2) : segment;
      return { key, escaped: escapeName(key), list: key !== segment };
    });
    parsedPaths.set(path, segments);
  }
  return segments;
}

/** Every place a path reaches in a body (a list segment fans out over the list's objects). */
function locate(body: JsonObject, path: string): Located[] {
  let current: { object: JsonObject; pointer: string }[] = [{ object: body, pointer: '' }];
  const segments = segmentsOf(path);
  const found: Located[] = [];
  for (let index = 0; index < segments.length && current.length > 0; index++) {
    const { key, escaped, list } = segments[index] as Segment;
    const last = index === segments.length - 1;
    const next: { object: JsonObject; pointer: string }[] = [];
    for (const { object, pointer } of current) {
      if (!(key in object)) continue;
      const value = object[key] as Json;
      const at = `${pointer}/${escaped}`;
      if (last) {
        found.push({ parent: object, key, value, pointer: at });
      } else if (list && Array.isArray(value)) {
        for (let position = 0; position < value.length; position++) {
          const item = value[position] as Json;
          if (isObject(item)) next.push({ object: item, pointer: `${at}/${position}` });
        }
      } else if (isObject(value)) {
        next.push({ object: value, pointer: at });
      }
    }
    current = next;
  }
  return found;
}
