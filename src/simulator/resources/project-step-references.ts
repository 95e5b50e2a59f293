// A project's references to steps of its own deployment process: the package its release
// versions come from (`VersioningStrategy.DonorPackage`, or the older `DonorPackageStepId`) and
// the package whose push creates a release (`ReleaseCreationStrategy.ReleaseCreationPackage`,
// or `ReleaseCreationPackageStepId`). Real servers resolve these against the process: a project
// saved with a step that is not there fails (OctopusDeployLabs/terraform-provider-octopusdeploy
// #345, OctopusDeploy/Issues #7071, #7230), and a process saved without a step a strategy uses is
// refused (terraform-provider-octopusdeploy #136: "'Package' could not be deleted because it is
// used as part of the release creation strategy.").
import type { Doc } from '../store.js';

type Json = Record<string, unknown>;

interface StepReference {
  /** Where the project holds it, for messages. */
  field: string;
  /** What the server calls the strategy in its refusal. */
  strategy: string;
  /** `{DeploymentAction, PackageReference}`, when the reference is by name. */
  byName?: { action: string; packageReference: string };
  /** A step or action id, when the reference is the older id form. */
  byId?: string;
}

/** The step references a project document holds. */
export function stepReferencesOf(project: Json): StepReference[] {
  const references: StepReference[] = [];
  const add = (holder: unknown, nameField: string, idField: string, field: string, strategy: string) => {
    const object = asJson(holder);
    const byName = asJson(object[nameField]);
    if (typeof byName.DeploymentAction === 'string' && byName.DeploymentAction !== '') {
      references.push({ field: `${field}.${nameField}`, strategy, byName: { action: byName.DeploymentAction, packageReference: typeof byName.PackageReference === 'string' ? byName.PackageReference : '' } });
    } else if (typeof object[idField] === 'string' && object[idField] !== '') {
      references.push({ field: `${field}.${idField}`, strategy, byId: object[idField] as string });
    }
  };
  add(project.VersioningStrategy, 'DonorPackage', 'DonorPackageStepId', 'VersioningStrategy', 'project versioning strategy');
  add(project.ReleaseCreationStrategy, 'ReleaseCreationPackage', 'ReleaseCreationPackageStepId', 'ReleaseCreationStrategy', 'release creation strategy');
  return references;
}

/** Error lines for step references of `project` that the process `steps` does not have. */
export function checkStepReferences(project: Json, steps: unknown[]): string[] {
  return stepReferencesOf(project)
    .filter((reference) => findAction(steps, reference) === undefined)
    .map((reference) =>
      reference.byName
        ? `${reference.field}: the step '${reference.byName.action}'${reference.byName.packageReference === '' ? '' : ` with the package reference '${reference.byName.packageReference}'`} is not in the project's deployment process.`
        : `${reference.field}: the step '${reference.byId ?? ''}' is not in the project's deployment process.`,
    );
}

/**
 * Error lines for a process save that drops an action a strategy of its `project` names (what
 * the process had before, `previousSteps`, had it).
 */
export function checkRemovedReferencedSteps(project: Json, previousSteps: unknown[], steps: unknown[]): string[] {
  return stepReferencesOf(project)
    .filter((reference) => findAction(previousSteps, reference) !== undefined && findAction(steps, reference) === undefined)
    .map((reference) => `'${String(findAction(previousSteps, reference)?.Name)}' could not be deleted because it is used as part of the ${reference.strategy}.`);
}

/** The action a reference names: by action name (and a package of that name), or by step or action id. */
function findAction(steps: unknown[], reference: StepReference): Json | undefined {
  for (const step of steps.map(asJson)) {
    const actions = (Array.isArray(step.Actions) ? step.Actions : []).map(asJson);
    for (const action of actions) {
      if (reference.byName) {
        if (!sameText(action.Name, reference.byName.action)) continue;
        const packages = (Array.isArray(action.Packages) ? action.Packages : []).map(asJson);
        if (packages.some((pkg) => sameText(pkg.Name ?? '', reference.byName?.packageReference ?? ''))) return action;
      } else if (sameText(action.Id, reference.byId) || (sameText(step.Id, reference.byId) && actions.length > 0)) {
        return action;
      }
    }
  }
  return undefined;
}

/** The steps of the deployment process a project owns, as stored. */
export function ownProcessSteps(process: Doc | undefined): unknown[] {
  return Array.isArray(process?.Steps) ? process.Steps : [];
}

function sameText(a: unknown, b: unknown): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
}

function asJson(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}
