// Version-controlled (Config-as-Code) projects: `PersistenceSettings` on the project, and what
// lives in the project's Git repository instead of the database. reference-2026 projects.md
// (`PersistenceSettings.Type`: `Database` or `VersionControlled`; `POST /projects/{id}/git/convert`
// with `VersionControlSettings`), Octopus's Config-as-Code reference (the deployment process,
// the deployment settings and the non-sensitive variables are in Git; channels, triggers,
// sensitive variables and the other settings stay in the database; the conversion is one-way).
//
// A project's repository files (under its `BasePath`), as JSON documents:
//   deployment_process.ocl  {Steps, Version}
//   variables.ocl           {Variables, Version}   (non-sensitive variables only)
//   deployment_settings.ocl {the settings below}
import { HttpError, badRequest, validationFailed } from '../http-error.js';
import type { Instance } from '../instance.js';
import type { SaveContext } from '../resource-def.js';
import { applySensitiveValue } from '../sensitive.js';
import type { Doc } from '../store.js';
import type { GitCommit, GitFiles, GitRepository } from '../git-host.js';
import { deleteProcess } from './processes.js';

type Json = Record<string, unknown>;

export const PERSISTENCE_TYPES = ['Database', 'VersionControlled'];
/** Credential types a project's Git connection can use (the connectivity-test request's enum). */
export const CREDENTIAL_TYPES = ['Anonymous', 'UsernamePassword', 'Reference', 'GitHub', 'SshKey'];

/**
 * Project fields a version-controlled project keeps in Git (the "Deployment Settings" of the
 * Config-as-Code reference). A PUT of the project that changes one is refused with the words a
 * real server uses (terraform-provider-octopusdeploy#467).
 */
export const GIT_SETTINGS = ['VersioningStrategy', 'ReleaseNotesTemplate', 'DeploymentChangesTemplate', 'DefaultGuidedFailureMode', 'ProjectConnectivityPolicy', 'DefaultToSkipIfAlreadyInstalled'];

/** OctopusDeploy/Issues#9365, #7555: a database route asked for what a version-controlled project keeps in Git. */
export const NOT_A_GIT_ROUTE = 'Received a request for a version-controlled resource on a non-version control route. To access this resource, include a Git ref in the route.';

export const PROCESS_FILE = 'deployment_process.ocl';
export const VARIABLES_FILE = 'variables.ocl';
export const SETTINGS_FILE = 'deployment_settings.ocl';

export function isVersionControlled(project: Doc | undefined): boolean {
  return asJson(project?.PersistenceSettings).Type === 'VersionControlled';
}

/** Whether a version-controlled project's non-sensitive variables live in Git. */
export function variablesInGit(project: Doc | undefined): boolean {
  return isVersionControlled(project) && asJson(asJson(project?.PersistenceSettings).ConversionState).VariablesAreInGit === true;
}

// ---------------------------------------------------------------------------------------------
// The project resource: validation and storage of `PersistenceSettings`.

/**
 * What a project create or update may do with its persistence: a new project and a PUT keep the
 * type they have (creating in Git, or moving between database and Git, is the conversion's job,
 * and it is one-way); a version-controlled project's connection (URL, base path, branches,
 * credentials) can be edited, and its Git-held settings cannot be changed through the project.
 */
export function checkPersistence(doc: Doc, ctx: SaveContext): string[] {
  const settings = asJson(doc.PersistenceSettings);
  const type = settings.Type ?? 'Database';
  if (!PERSISTENCE_TYPES.includes(String(type))) return [`PersistenceSettings.Type: '${String(type)}' is not one of ${PERSISTENCE_TYPES.join(', ')}.`];
  const wasControlled = isVersionControlled(ctx.previous);
  if (type === 'VersionControlled' && !wasControlled) {
    return ['PersistenceSettings: a project is put under version control by converting it (POST /projects/{id}/git/convert).'];
  }
  if (type !== 'VersionControlled' && wasControlled) {
    return ['PersistenceSettings: a version-controlled project cannot be converted back to the database.'];
  }
  if (!wasControlled) return [];
  const changed = GIT_SETTINGS.filter((field) => !sameJson(doc[field], ctx.previous?.[field]));
  if (changed.length > 0) {
    throw badRequest("Cannot update deployment settings for a version controlled project with this endpoint. Please use the '/projects/{projectId}/{gitRef}/deploymentsettings' endpoint.");
  }
  return checkConnection(settings, ctx.instance, ctx.spaceId, 'PersistenceSettings');
}

/** The repository connection of `PersistenceSettings` or of a conversion's `VersionControlSettings`. */
export function checkConnection(settings: Json, instance: Instance, spaceId: string | null, where: string): string[] {
  const errors: string[] = [];
  if (typeof settings.Url !== 'string' || settings.Url.trim() === '') errors.push(`${where}.Url: The Url field is required.`);
  else if (!/^(https?:\/\/|ssh:\/\/|git@|file:\/\/)/i.test(settings.Url)) errors.push(`${where}.Url: '${settings.Url}' is not a valid Git repository URL.`);
  if (typeof settings.DefaultBranch !== 'string' || settings.DefaultBranch.trim() === '') errors.push(`${where}.DefaultBranch: The DefaultBranch field is required.`);
  if (settings.BasePath !== undefined && settings.BasePath !== null && typeof settings.BasePath !== 'string') errors.push(`${where}.BasePath: must be a string.`);
  if (typeof settings.BasePath === 'string' && /[:*?"<>|]|\.\./.test(settings.BasePath)) errors.push(`${where}.BasePath: '${settings.BasePath}' is not a valid directory name.`);
  if (settings.ProtectedBranchNamePatterns !== undefined && settings.ProtectedBranchNamePatterns !== null && !Array.isArray(settings.ProtectedBranchNamePatterns)) {
    errors.push(`${where}.ProtectedBranchNamePatterns: must be an array of strings.`);
  }
  const credentials = asJson(settings.Credentials);
  const type = credentials.Type;
  if (!CREDENTIAL_TYPES.includes(String(type))) {
    errors.push(`${where}.Credentials.Type: '${String(type)}' is not one of ${CREDENTIAL_TYPES.join(', ')}.`);
  } else if (type === 'UsernamePassword' && (typeof credentials.Username !== 'string' || credentials.Username === '')) {
    errors.push(`${where}.Credentials.Username: The Username field is required.`);
  } else if (type === 'Reference') {
    if (typeof credentials.Id !== 'string' || credentials.Id === '') errors.push(`${where}.Credentials.Id: The Id field is required.`);
    else if (!instance.find('git-credentials', spaceId, credentials.Id)) errors.push(`${where}.Credentials.Id: the git credential '${credentials.Id}' does not exist.`);
  } else if (type === 'GitHub' || type === 'SshKey') {
    errors.push(`${where}.Credentials.Type: '${String(type)}' needs a GitHub App connection or an SSH key, which this server does not have.`);
  }
  return errors;
}

/**
 * Stores `PersistenceSettings` as a read shows it: a version-controlled project's connection
 * with defaults filled in, a username/password credential's password kept as a secret (shown as
 * `{HasValue}` only), the conversion state kept from before.
 */
export function preparePersistence(doc: Doc, ctx: SaveContext): void {
  const settings = asJson(doc.PersistenceSettings);
  doc.IsVersionControlled = settings.Type === 'VersionControlled';
  if (settings.Type !== 'VersionControlled') {
    doc.PersistenceSettings = { Type: 'Database' };
    return;
  }
  const sent = asJson(asJson(ctx.input?.PersistenceSettings).Credentials);
  doc.PersistenceSettings = connectionSettings(ctx.instance, String(doc.Id), settings, sent, asJson(asJson(ctx.previous?.PersistenceSettings).ConversionState));
}

/** The stored form of a Git connection; `sentCredentials` is what the request carried. */
export function connectionSettings(instance: Instance, projectId: string, settings: Json, sentCredentials: Json, conversionState: Json): Json {
  const credentials = asJson(settings.Credentials);
  const key = `${projectId}:PersistenceSettings.Credentials.Password`;
  let stored: Json;
  if (credentials.Type === 'UsernamePassword') {
    stored = { Type: 'UsernamePassword', Username: credentials.Username, Password: applySensitiveValue(instance.store, key, sentCredentials.Password, false) };
  } else {
    instance.store.setSecret(key, undefined);
    stored = credentials.Type === 'Reference' ? { Type: 'Reference', Id: credentials.Id } : { Type: credentials.Type };
  }
  return {
    Type: 'VersionControlled',
    Url: String(settings.Url).trim(),
    BasePath: typeof settings.BasePath === 'string' && settings.BasePath.trim() !== '' ? settings.BasePath.trim().replace(/\/+$/, '') : '.octopus',
    DefaultBranch: String(settings.DefaultBranch).trim(),
    ProtectedDefaultBranch: settings.ProtectedDefaultBranch === true,
    ProtectedBranchNamePatterns: Array.isArray(settings.ProtectedBranchNamePatterns) ? settings.ProtectedBranchNamePatterns.map(String) : [],
    Credentials: stored,
    ConversionState: { VariablesAreInGit: conversionState.VariablesAreInGit === true, RunbooksAreInGit: conversionState.RunbooksAreInGit === true },
  };
}

// ---------------------------------------------------------------------------------------------
// Conversion (`POST /projects/{id}/git/convert`; seeds convert through it too).

/**
 * Converts a database project: its process, its non-sensitive variables and its deployment
 * settings are committed to the branch (`InitialCommitBranchName`, else the default branch), the
 * database keeps the sensitive variables. When that branch already holds a project at the base
 * path (Issues#7789: converting onto existing OCL is supported), the project takes what the
 * branch holds and nothing is committed (inferred).
 */
export function convertProject(instance: Instance, spaceId: string | null, project: Doc, body: Json): void {
  if (isVersionControlled(project)) throw badRequest('This project is already version-controlled.');
  const settings = asJson(body.VersionControlSettings);
  const errors = [
    ...(nonEmpty(body.ChangeDescription) || nonEmpty(body.CommitMessage) ? [] : ['The ChangeDescription field is required.']),
    ...(body.VersionControlSettings === undefined ? ['The VersionControlSettings field is required.'] : []),
    ...((settings.Type ?? 'VersionControlled') === 'VersionControlled' ? [] : ["VersionControlSettings.Type: a project can only be converted to 'VersionControlled'."]),
    ...checkConnection(settings, instance, spaceId, 'VersionControlSettings'),
  ];
  if (errors.length > 0) throw validationFailed(errors);
  const stored = connectionSettings(instance, project.Id, settings, asJson(settings.Credentials), { VariablesAreInGit: true, RunbooksAreInGit: false });
  const initial = nonEmpty(body.InitialCommitBranchName) ? String(body.InitialCommitBranchName) : String(stored.DefaultBranch);
  if (isProtected(stored, initial)) {
    throw badRequest(`The branch '${initial}' is protected: name another branch for the initial commit (InitialCommitBranchName).`);
  }
  const converted: Doc = { ...project, PersistenceSettings: stored, IsVersionControlled: true };
  const repo = projectRepository(instance, converted);
  const existing = repo.repository.resolve(initial);
  const variableSet = instance.find('variables', spaceId, String(project.VariableSetId));
  const variables = Array.isArray(variableSet?.Variables) ? (variableSet.Variables as Json[]) : [];
  if (!existing || fileAt(repo, existing.commit, PROCESS_FILE) === undefined) {
    const process = instance.find('deploymentprocesses', spaceId, String(project.DeploymentProcessId));
    const files = {
      [`${repo.basePath}/${PROCESS_FILE}`]: { Steps: process?.Steps ?? [], Version: 0 },
      [`${repo.basePath}/${VARIABLES_FILE}`]: { Variables: variables.filter((v) => v.IsSensitive !== true), Version: 0 },
      [`${repo.basePath}/${SETTINGS_FILE}`]: Object.fromEntries(GIT_SETTINGS.map((field) => [field, project[field] ?? null])),
    };
    const message = String(nonEmpty(body.CommitMessage) ? body.CommitMessage : body.ChangeDescription);
    repo.repository.commit(initial, files, message, instance.user.Username, instance.store.now(), String(stored.DefaultBranch));
  }
  deleteProcess(instance, 'deploymentprocesses', String(project.DeploymentProcessId));
  if (variableSet) instance.saveOwned('variables', { ...variableSet, Variables: variables.filter((v) => v.IsSensitive === true) }, 'Modified');
  instance.saveOwned('projects', converted, 'Modified');
}

// ---------------------------------------------------------------------------------------------
// The project's repository.

export interface ProjectRepository {
  repository: GitRepository;
  basePath: string;
  settings: Json;
}

export function projectRepository(instance: Instance, project: Doc): ProjectRepository {
  const settings = asJson(project.PersistenceSettings);
  return { repository: instance.gitHost.repository(String(settings.Url)), basePath: String(settings.BasePath ?? '.octopus'), settings };
}

/**
 * The commit a git ref of a project names, refusing database projects (Issues#8217 made real
 * servers stop ignoring the ref; the words are ours) and unknown refs (go-octopusdeploy#114).
 */
export function commitAt(instance: Instance, project: Doc, gitRef: string): { repo: ProjectRepository; commit: GitCommit; branch?: string } {
  if (!isVersionControlled(project)) throw badRequest(`The project '${String(project.Name)}' is not version controlled: its configuration is read and written without a Git ref.`);
  const repo = projectRepository(instance, project);
  const found = repo.repository.resolve(gitRef);
  if (!found) throw new HttpError(404, `No git resource with the name '${gitRef}' exists in the repository`);
  return { repo, ...found };
}

/** A file of the project's base path at a commit. */
export function fileAt(repo: ProjectRepository, commit: GitCommit, file: string): Json | undefined {
  const content = commit.files[`${repo.basePath}/${file}`];
  return content === undefined ? undefined : (structuredClone(content) as Json);
}

/**
 * Commits files of the project's base path to a branch. A commit hash is not a branch; a
 * protected branch (the default one when `ProtectedDefaultBranch`, or one matching a pattern)
 * takes no commits through the API (inferred wording).
 */
export function commitTo(instance: Instance, project: Doc, gitRef: string, files: GitFiles, message: string): GitCommit {
  const { repo, branch } = commitAt(instance, project, gitRef);
  if (branch === undefined) throw badRequest(`'${gitRef}' is a commit, not a branch: changes can only be committed to a branch.`);
  if (isProtected(repo.settings, branch)) throw badRequest(`The branch '${branch}' is protected: changes to it must be made through a pull request.`);
  const changes = Object.fromEntries(Object.entries(files).map(([name, content]) => [`${repo.basePath}/${name}`, content]));
  return repo.repository.commit(branch, changes, message, instance.user.Username, instance.store.now());
}

export function isProtected(settings: Json, branch: string): boolean {
  if (settings.ProtectedDefaultBranch === true && branch.toLowerCase() === String(settings.DefaultBranch).toLowerCase()) return true;
  const patterns = Array.isArray(settings.ProtectedBranchNamePatterns) ? settings.ProtectedBranchNamePatterns.map(String) : [];
  return patterns.some((pattern) => globMatches(pattern, branch));
}

function globMatches(pattern: string, name: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
  return regex.test(name);
}

export function refusedInDatabase(): HttpError {
  return validationFailed([NOT_A_GIT_ROUTE]);
}

export function nonEmpty(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

export function asJson(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sorted(a ?? null)) === JSON.stringify(sorted(b ?? null));
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sorted((value as Json)[key])]));
}
