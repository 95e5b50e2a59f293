// What the sample and synthetic seeds share: deterministic GUIDs, lookups by name, and the full
// shapes of variables, steps and actions (every field a real server returns, so seeded documents
// read like API-written ones). Every write goes through the model (`instance.create/update`), so
// seeded data passes the same validation as a request would.
import { createHash } from 'node:crypto';
import type { Instance } from '../instance.js';
import type { Doc } from '../store.js';

/** The default space: every seeded document lives here. */
export const SEED_SPACE_ID = 'Spaces-1';

/** Scope of a variable: scope field → ids (role names for `Role`, canonical tag names for `TenantTag`). */
export type VariableScope = Partial<Record<'Environment' | 'Channel' | 'Role' | 'Machine' | 'Action' | 'TenantTag' | 'Tenant' | 'ProcessOwner', string[]>>;

export type VariableType = 'String' | 'Sensitive' | 'Certificate' | 'AmazonWebServicesAccount' | 'UsernamePasswordAccount' | 'WorkerPool';

export interface VariableOptions {
  scope?: VariableScope;
  /** A secret value: `Type: Sensitive`, never readable through the API. */
  sensitive?: boolean;
  type?: VariableType;
  description?: string;
  prompt?: { label: string; description?: string; required?: boolean };
}

export interface Variable {
  Id: string;
  Name: string;
  Value: string | null;
  Description: string | null;
  Scope: VariableScope;
  IsEditable: boolean;
  Prompt: { Label: string; Description: string; Required: boolean; DisplaySettings: Record<string, string> } | null;
  Type: VariableType;
  IsSensitive: boolean;
}

export interface PackageReference {
  Id: string;
  Name: string;
  PackageId: string;
  FeedId: string;
  AcquisitionLocation: 'Server' | 'ExecutionTarget' | 'NotAcquired';
  Properties: Record<string, string>;
}

export interface ActionSpec {
  ActionType: string;
  Properties?: Record<string, unknown>;
  Packages?: PackageReference[];
  Environments?: string[];
  ExcludedEnvironments?: string[];
  Channels?: string[];
  TenantTags?: string[];
  WorkerPoolId?: string | null;
  Container?: { FeedId: string | null; Image: string | null };
  IsRequired?: boolean;
  IsDisabled?: boolean;
  CanBeUsedForProjectVersioning?: boolean;
  Notes?: string | null;
}

export interface Action extends Required<ActionSpec> {
  Id: string;
  Name: string;
  WorkerPoolVariable: string | null;
  Condition: string;
}

export interface StepOptions {
  /** Deployment target roles the step runs on (`Octopus.Action.TargetRoles`). */
  roles?: string[];
  condition?: 'Success' | 'Failure' | 'Always' | 'Variable';
  /** The expression for `condition: 'Variable'`. */
  conditionExpression?: string;
  startTrigger?: 'StartAfterPrevious' | 'StartWithPrevious';
  packageRequirement?: 'LetOctopusDecide' | 'BeforePackageAcquisition' | 'AfterPackageAcquisition';
  maxParallelism?: number;
}

export interface Step {
  Id: string;
  Name: string;
  PackageRequirement: string;
  Properties: Record<string, string>;
  Condition: string;
  StartTrigger: string;
  Actions: Action[];
}

export class SeedBuilder {
  private sequence = 0;

  /** `namespace` makes the GUIDs of one seed distinct from another's; same namespace, same GUIDs. */
  constructor(
    readonly instance: Instance,
    private readonly namespace: string,
    readonly spaceId: string = SEED_SPACE_ID,
  ) {}

  /** A GUID-shaped id, deterministic: the n-th call of a seed always gives the same one. */
  guid(): string {
    this.sequence += 1;
    const hex = createHash('sha1').update(`${this.namespace}:${this.sequence}`).digest('hex');
    const variant = ((Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  create(collection: string, body: Record<string, unknown>, options?: { id?: string }): Doc {
    return this.instance.create(collection, this.spaceId, body, options);
  }

  /** A PUT of the whole document: what the body leaves out takes its default. */
  update(collection: string, id: string, body: Record<string, unknown>): Doc {
    return this.instance.update(collection, this.spaceId, id, body);
  }

  /** The id of the document with this name; a seed referring to a missing one is a bug. */
  id(collection: string, name: string): string {
    const doc = this.instance.findByName(collection, this.spaceId, name);
    if (!doc) throw new Error(`seed: no ${collection} named '${name}'`);
    return doc.Id;
  }

  ids(collection: string, names: string[]): string[] {
    return names.map((name) => this.id(collection, name));
  }

  /** A project's channel by name (channel names are unique per project only). */
  channel(projectId: string, name: string): Doc {
    const channel = this.instance.list('channels', this.spaceId).find((c) => c.ProjectId === projectId && c.Name === name);
    if (!channel) throw new Error(`seed: project ${projectId} has no channel '${name}'`);
    return channel;
  }

  variable(name: string, value: string | null, options: VariableOptions = {}): Variable {
    const type: VariableType = options.sensitive ? 'Sensitive' : (options.type ?? 'String');
    return {
      Id: this.guid(),
      Name: name,
      Value: value,
      Description: options.description ?? null,
      Scope: options.scope ?? {},
      IsEditable: true,
      Prompt: options.prompt
        ? {
            Label: options.prompt.label,
            Description: options.prompt.description ?? '',
            Required: options.prompt.required ?? false,
            DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' },
          }
        : null,
      Type: type,
      IsSensitive: type === 'Sensitive',
    };
  }

  /** Replaces the variables of a variable set, as a PUT with the current Version. */
  setVariables(variableSetId: string, variables: Variable[]): Doc {
    const current = this.instance.get('variables', this.spaceId, variableSetId);
    return this.update('variables', variableSetId, { ...current, Variables: variables });
  }

  /** Replaces the steps of a deployment or runbook process, as a PUT with the current Version. */
  setProcess(collection: 'deploymentprocesses' | 'runbookProcesses', processId: string, steps: Step[]): Doc {
    const current = this.instance.get(collection, this.spaceId, processId);
    return this.update(collection, processId, { ...current, Steps: steps });
  }

  action(name: string, spec: ActionSpec): Action {
    return {
      Id: this.guid(),
      Name: name,
      ActionType: spec.ActionType,
      IsDisabled: spec.IsDisabled ?? false,
      IsRequired: spec.IsRequired ?? false,
      CanBeUsedForProjectVersioning: spec.CanBeUsedForProjectVersioning ?? (spec.Packages ?? []).length > 0,
      Notes: spec.Notes ?? null,
      WorkerPoolId: spec.WorkerPoolId ?? null,
      WorkerPoolVariable: null,
      Container: spec.Container ?? { FeedId: null, Image: null },
      Environments: spec.Environments ?? [],
      ExcludedEnvironments: spec.ExcludedEnvironments ?? [],
      Channels: spec.Channels ?? [],
      TenantTags: spec.TenantTags ?? [],
      Condition: 'Success',
      Properties: spec.Properties ?? {},
      Packages: spec.Packages ?? [],
    };
  }

  /** A step with one action of the same name (what the portal makes for most steps). */
  step(name: string, spec: ActionSpec, options: StepOptions = {}): Step {
    return this.parentStep(name, [this.action(name, spec)], options);
  }

  /** A step with child actions (a "rolling" parent step). */
  parentStep(name: string, actions: Action[], options: StepOptions = {}): Step {
    const properties: Record<string, string> = {};
    if (options.roles) properties['Octopus.Action.TargetRoles'] = options.roles.join(',');
    if (options.maxParallelism !== undefined) properties['Octopus.Action.MaxParallelism'] = String(options.maxParallelism);
    if (options.conditionExpression !== undefined) properties['Octopus.Step.ConditionVariableExpression'] = options.conditionExpression;
    return {
      Id: this.guid(),
      Name: name,
      PackageRequirement: options.packageRequirement ?? 'LetOctopusDecide',
      Properties: properties,
      Condition: options.condition ?? 'Success',
      StartTrigger: options.startTrigger ?? 'StartAfterPrevious',
      Actions: actions,
    };
  }

  /** The primary package of an action (`Name: ''`). */
  primaryPackage(packageId: string, feedId: string, acquisitionLocation: PackageReference['AcquisitionLocation'] = 'Server'): PackageReference {
    return { Id: this.guid(), Name: '', PackageId: packageId, FeedId: feedId, AcquisitionLocation: acquisitionLocation, Properties: { SelectionMode: 'immediate' } };
  }

  /** A parameter of a step template or a tenant variable template. */
  template(name: string, label: string, options: { helpText?: string; defaultValue?: string | null; control?: string } = {}): Record<string, unknown> {
    return {
      Id: this.guid(),
      Name: name,
      Label: label,
      HelpText: options.helpText ?? null,
      DefaultValue: options.defaultValue ?? null,
      DisplaySettings: { 'Octopus.ControlType': options.control ?? 'SingleLineText' },
    };
  }
}

/** Properties of an inline script action. */
export function inlineScript(syntax: 'PowerShell' | 'Bash' | 'CSharp' | 'Python', body: string, runOnServer = false): Record<string, string> {
  return {
    'Octopus.Action.RunOnServer': runOnServer ? 'true' : 'false',
    'Octopus.Action.Script.ScriptSource': 'Inline',
    'Octopus.Action.Script.Syntax': syntax,
    'Octopus.Action.Script.ScriptBody': body,
  };
}

/** Lines joined with newlines (scripts read better as arrays of lines in the seeds). */
export function lines(...text: string[]): string {
  return `${text.join('\n')}\n`;
}

/** A retention policy that keeps a number of days or items. */
export function keep(quantity: number, unit: 'Days' | 'Items'): Record<string, unknown> {
  return { Unit: unit, QuantityToKeep: quantity, ShouldKeepForever: false };
}

/** A stable fake certificate thumbprint for a machine (40 hex digits). */
export function thumbprintFor(name: string): string {
  return createHash('sha1').update(`thumbprint:${name}`).digest('hex').toUpperCase();
}
