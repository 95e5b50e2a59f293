// Where a project's configuration lives: in the database, or in the project's own Git repository
// (a version-controlled, Config-as-Code project). Octopus's Config-as-Code reference: the
// deployment process, the deployment settings and the non-sensitive variables (runbooks too, once
// migrated) are in Git; channels, triggers, sensitive variables and the other settings stay in
// the database. The conversion of a database project is one-way.
//
// A document keeps a version-controlled project's `PersistenceSettings` (repository, base path,
// branches, credentials; the Git credential by name, a password only as `{HasValue: true}`); a
// database project's document has none. Pure.
import { canonicalize, compareNames } from '../../core/canonical.js';
import type { Json, JsonObject, KindDocument } from '../../core/document.js';
import type { VersionControlOverride } from '../../core/overlay.js';
import { documentKey } from '../../core/plan.js';
import type { PlanProblem } from '../../core/plan.js';
import type { IdResolver, NameResolver } from '../../core/refs.js';
import { asArray, isObject, sensitiveMarker, without } from '../fields.js';
import { isSensitiveVariable, variablesInGit } from '../project-variables/index.js';
import { oneWayMoveFindings } from './one-way-moves.js';

/**
 * Deployment settings a version-controlled project keeps in its repository; the project resource
 * only carries defaults for them (OctopusDeploy/Architecture ConfigAsCodeSettingsAPI.md), and a
 * real server refuses a project PUT that changes them (terraform-provider-octopusdeploy#467).
 */
export const GIT_STORED_SETTINGS = [
  'DefaultGuidedFailureMode',
  'DefaultToSkipIfAlreadyInstalled',
  'DeploymentChangesTemplate',
  'ReleaseNotesTemplate',
  'VersioningStrategy',
  'ProjectConnectivityPolicy',
];

/** What a version-controlled project keeps in Git, as plans and the README say it. */
export const GIT_HELD_PARTS = 'deployment process, deployment settings and non-sensitive variables';

/** Whether a document (or a normalized body) is of a version-controlled project. */
export function isVersionControlled(body: JsonObject): boolean {
  return isObject(body.PersistenceSettings) && body.PersistenceSettings.Type === 'VersionControlled';
}

/** Whether a project (its resource or its document) keeps its runbooks in Git (runbooks-in-git.ts). */
export function runbooksAreInGit(project: JsonObject): boolean {
  const settings = isObject(project.PersistenceSettings) ? project.PersistenceSettings : {};
  return settings.Type === 'VersionControlled' && isObject(settings.ConversionState) && settings.ConversionState.RunbooksAreInGit === true;
}

/**
 * A resource's `PersistenceSettings` as a document holds it: of the conversion state (which the
 * server sets) only `RunbooksAreInGit` when true (runbooks-in-git.ts), the credential by name, a
 * password as a marker, patterns sorted.
 */
export function persistenceDocument(settings: Json | undefined, names: NameResolver, where: string): JsonObject {
  const source = isObject(settings) ? settings : {};
  const body = without(source, ['ConversionState', 'Credentials']);
  if (isObject(source.ConversionState) && source.ConversionState.RunbooksAreInGit === true) body.ConversionState = { RunbooksAreInGit: true };
  if (Array.isArray(source.ProtectedBranchNamePatterns)) body.ProtectedBranchNamePatterns = source.ProtectedBranchNamePatterns.map(String).sort(compareNames);
  const credentials = isObject(source.Credentials) ? source.Credentials : {};
  if (credentials.Type === 'Reference') {
    body.Credentials = { ...without(credentials, ['Id']), GitCredential: names.name('gitcredentials', credentials.Id, `${where} PersistenceSettings.Credentials.Id`) };
  } else if ('Password' in credentials) {
    body.Credentials = { ...credentials, Password: sensitiveMarker(credentials.Password) };
  } else {
    body.Credentials = credentials;
  }
  return canonicalize(body) as JsonObject;
}

/**
 * The API's form of a document's `PersistenceSettings` (for a project PUT, or as a conversion's
 * `VersionControlSettings`): the credential's id in the destination; a password as the document
 * has it (a marker keeps the destination's; apply has put an overlay's value in `NewValue`).
 */
export function persistencePayload(body: JsonObject, ids: IdResolver, where: string): JsonObject {
  const settings = isObject(body.PersistenceSettings) ? body.PersistenceSettings : {};
  const credentials = isObject(settings.Credentials) ? settings.Credentials : { Type: 'Anonymous' };
  // The conversion state is the server's: runbooks move to Git by their migration, not by a PUT.
  const payload: JsonObject = { ...without(settings, ['ConversionState']), ProtectedBranchNamePatterns: asArray(settings.ProtectedBranchNamePatterns) };
  payload.Credentials =
    credentials.Type === 'Reference'
      ? { ...without(credentials, ['GitCredential']), Id: ids.id('gitcredentials', credentials.GitCredential, `${where} PersistenceSettings.Credentials.GitCredential`) }
      : credentials;
  return payload;
}

/** The names a document's persistence settings refer to (a Git credential). */
export function persistenceReferences(body: JsonObject): { pointer: string; kind: 'git-credentials'; name: string }[] {
  const settings = isObject(body.PersistenceSettings) ? body.PersistenceSettings : {};
  const credentials = isObject(settings.Credentials) ? settings.Credentials : {};
  return typeof credentials.GitCredential === 'string' ? [{ pointer: '/PersistenceSettings/Credentials/GitCredential', kind: 'git-credentials', name: credentials.GitCredential }] : [];
}

export interface PersistenceCheck {
  space: string;
  desired: readonly KindDocument[];
  /** The destination's documents, normalized like the repository's. */
  live: readonly KindDocument[];
  /** Projects the destination's overlay allows octosync to convert to version control (lower case). */
  convertible: ReadonlySet<string>;
  /**
   * Projects an earlier apply created in the destination's database to convert, and stopped before
   * converting (document keys): octosync made them for that, so they are converted without the overlay.
   */
  createdToConvert?: ReadonlySet<string>;
  /** The destination's projects as the API gives them (their `ConversionState`). */
  liveProjects?: readonly JsonObject[];
}

/**
 * Problems and notices of persistence before anything is written: a project kept in Git by the
 * repository and in the database by the destination cannot be synced field by field (the fields
 * the repository leaves to Git would be cleared in the database, and never match again), so it is
 * a problem unless the overlay allows the one-way conversion (or octosync created the project to
 * convert it, and an apply stopped in between); the reverse is always a problem (a
 * project cannot go back to the database). Notices say what octosync does not manage.
 */
export function persistenceFindings(input: PersistenceCheck): { problems: PlanProblem[]; notices: string[] } {
  const found = oneWayMoveFindings(input, {
    field: 'PersistenceSettings',
    made: isVersionControlled,
    allowed: (doc) => {
      if (input.createdToConvert?.has(documentKey(input.space, 'projects', doc.name))) {
        return `project '${doc.name}' was created by an earlier apply that stopped before converting it to version control: it is converted now (its ${GIT_HELD_PARTS} move to ${describeRepository(doc.body)})`;
      }
      if (input.convertible.has(doc.name.toLowerCase())) return `project '${doc.name}' is converted to version control in the destination (one-way): its ${GIT_HELD_PARTS} move to ${describeRepository(doc.body)}`;
      return undefined;
    },
    refused: (doc) =>
      `the repository's project is version-controlled and the destination's keeps its configuration in its database; ` +
      `octosync converts it only when the destination's overlay allows it (overlays.versionControl.${doc.name}.convert: true), and a conversion cannot be undone`,
    irreversible: "the destination's project is version-controlled and the repository's keeps its configuration in the database; a project cannot be converted back to the database: convert the source's, or exclude the project",
    summary: (names) => `version-controlled projects (${names}): their ${GIT_HELD_PARTS} live in their Git repositories and are not managed by octosync; their settings, channels, sensitive variables and Git connection are`,
  });
  return { problems: [...found.problems, ...gitHeldVariableProblems(input)], notices: found.notices };
}

/**
 * A version-controlled project's database holds only its sensitive variables (the others live in
 * its repository, which octosync never writes), so a document of its variables that holds another
 * cannot be applied. The exception is a destination project converted before variables moved to
 * Git (`ConversionState.VariablesAreInGit: false`), whose database still holds them all.
 */
function gitHeldVariableProblems(input: PersistenceCheck): PlanProblem[] {
  const controlled = new Set(input.desired.filter((doc) => doc.kind === 'projects' && isVersionControlled(doc.body)).map((doc) => doc.name.toLowerCase()));
  const allInDatabase = new Set((input.liveProjects ?? []).filter((project) => project.IsVersionControlled === true && !variablesInGit(project)).map((project) => String(project.Name).toLowerCase()));
  const problems: PlanProblem[] = [];
  for (const doc of input.desired.filter((d) => d.kind === 'project-variables')) {
    const project = (typeof doc.body.Project === 'string' ? doc.body.Project : doc.name).toLowerCase();
    if (!controlled.has(project)) continue;
    if (allInDatabase.has(project)) {
      // The destination's database holds its plain variables: a document without them (the
      // source's are in Git) would delete them there, where its deployments read them.
      const live = input.live.find((d) => d.kind === 'project-variables' && d.name.toLowerCase() === doc.name.toLowerCase());
      const plainHere = asArray(live?.body.Variables).filter((variable) => !isSensitiveVariable(variable));
      if (plainHere.length > 0 && asArray(doc.body.Variables).every(isSensitiveVariable)) {
        problems.push({
          space: input.space,
          where: `project variables '${doc.name}' (${doc.file})`,
          message: `the destination's version-controlled project keeps its non-sensitive variables in its database (ConversionState.VariablesAreInGit is false) and the repository has none there; octosync would delete them: migrate the destination project's variables to Git first (POST /projects/{id}/git/migrate-variables)`,
        });
      }
      continue;
    }
    for (const variable of asArray(doc.body.Variables)) {
      if (isSensitiveVariable(variable)) continue;
      const name = isObject(variable) ? String(variable.Name) : '?';
      problems.push({
        space: input.space,
        where: `project variables '${doc.name}' (${doc.file}) variable '${name}'`,
        message: `the project is version-controlled: its non-sensitive variables live in its Git repository (${GIT_HELD_PARTS}), which octosync never writes; only sensitive variables belong in this file`,
      });
    }
  }
  return problems;
}

/** The projects a destination's overlay allows octosync to convert to version control, in lower case. */
export function convertibleProjects(overrides: Readonly<Record<string, VersionControlOverride>> | undefined): Set<string> {
  return new Set(Object.entries(overrides ?? {}).filter(([, override]) => override.convert === true).map(([name]) => name.toLowerCase()));
}

function describeRepository(body: JsonObject): string {
  const settings = isObject(body.PersistenceSettings) ? body.PersistenceSettings : {};
  return `${String(settings.Url)} (branch ${String(settings.DefaultBranch)}, ${String(settings.BasePath ?? '.octopus')})`;
}
