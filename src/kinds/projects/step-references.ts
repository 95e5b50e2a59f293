// A project's references to a package of a step of its own deployment process: the package its
// release versions come from (`VersioningStrategy.DonorPackage`) and the one whose push creates a
// release (`ReleaseCreationStrategy.ReleaseCreationPackage`, with `AutoCreateRelease`). Both are
// `{DeploymentAction, PackageReference}`: an action name and a package reference name ("" is the
// primary package).
//
// Real servers resolve them against the process when the project is saved, so a project cannot
// name a step its process does not have yet (terraform-provider-octopusdeploy#345), and a process
// cannot drop a step a project names (#136). Apply therefore saves a project without the
// references its destination process cannot satisfy yet (a new project's process is empty),
// which also clears a reference to a step the process is about to lose, and sets them in the
// project writer's second pass, once the process is written.
import type { Json, JsonObject } from '../../core/document.js';
import type { IdResolver } from '../../core/refs.js';
import { asArray, isObject } from '../fields.js';

export interface StepReference {
  /** The object of the project holding it. */
  parent: 'VersioningStrategy' | 'ReleaseCreationStrategy';
  field: 'DonorPackage' | 'ReleaseCreationPackage';
  /** A project field that cannot be on while the reference is unset. */
  requiredBy?: 'AutoCreateRelease';
}

export const STEP_REFERENCES: readonly StepReference[] = [
  { parent: 'VersioningStrategy', field: 'DonorPackage' },
  { parent: 'ReleaseCreationStrategy', field: 'ReleaseCreationPackage', requiredBy: 'AutoCreateRelease' },
];

/** `{DeploymentAction, PackageReference}` a document or resource holds for a reference, if any. */
export function stepReferenceValue(body: JsonObject, ref: StepReference): JsonObject | undefined {
  const holder = body[ref.parent];
  const value = isObject(holder) ? holder[ref.field] : undefined;
  return isObject(value) && typeof value.DeploymentAction === 'string' && value.DeploymentAction !== '' ? value : undefined;
}

/** The destination's deployment process of a project resource, as the resolver's table holds it. */
export function processOfProject(ids: IdResolver, project: JsonObject | undefined): JsonObject | undefined {
  const id = project?.DeploymentProcessId;
  return typeof id === 'string' && id !== '' ? ids.table.resource('deploymentprocesses', id) : undefined;
}

/** Whether `process` has the action a reference names, with a package reference of that name. */
export function processHasPackage(process: JsonObject | undefined, value: JsonObject): boolean {
  const action = lower(value.DeploymentAction);
  const packageReference = lower(value.PackageReference ?? '');
  return asArray(process?.Steps)
    .filter(isObject)
    .flatMap((step) => asArray(step.Actions).filter(isObject))
    .some((candidate) => lower(candidate.Name) === action && asArray(candidate.Packages).some((pkg) => isObject(pkg) && lower(pkg.Name ?? '') === packageReference));
}

/** Whether two reference values name the same package (case-insensitively; absent equals null). */
export function sameStepReference(a: Json | undefined, b: Json | undefined): boolean {
  const key = (value: Json | undefined) => (isObject(value) && typeof value.DeploymentAction === 'string' && value.DeploymentAction !== '' ? `${lower(value.DeploymentAction)}\u0000${lower(value.PackageReference ?? '')}` : '');
  return key(a) === key(b);
}

/** `VersioningStrategy.DonorPackage`, for messages. */
export function stepReferencePath(ref: StepReference): string {
  return `${ref.parent}.${ref.field}`;
}

function lower(value: Json | undefined): string {
  return String(value ?? '').toLowerCase();
}
