// Runbooks stored in Git: a version-controlled project's runbooks once migrated
// (`POST /projects/{id}/git/migrate-runbooks`, reference-2026 projects.md and runbooks.md;
// `PersistenceSettings.ConversionState.RunbooksAreInGit`, OctopusClients#867). The migration is
// one-way (OctopusDeploy/Issues#9293): the database's runbooks and their processes are committed
// to the branch and deleted from the database. A runbook in Git has its slug as its Id, unique
// only within its project and Git ref (reference-2026 runbooks.md); its process is addressed by
// the same slug (OctopusClients' `RunbookProcessRepository.GetInGit(project, slug, gitRef)`).
//
// One file per runbook under the project's base path, `runbooks/<slug>.ocl` (the path real
// servers use, Issues#9036), holding the runbook's settings and its process as JSON:
//   {Name, Description, …settings, Environments: [environment slugs], Process: {Steps, Version}}
// Environments are kept by slug, as OCL names them, so another server reading the repository
// finds its own environments (inferred from OCL's use of slugs).
import { badRequest, validationFailed } from '../http-error.js';
import type { Instance } from '../instance.js';
import { slugify } from '../slug.js';
import type { Doc } from '../store.js';
import type { GitCommit } from '../git-host.js';
import { checkOneOf, TENANTED_MODES } from './common.js';
import { runbookProcesses } from './processes.js';
import type { ProjectRepository } from './version-control.js';
import { asJson, commitAt, commitTo, isProtected, isVersionControlled, nonEmpty, projectRepository } from './version-control.js';

type Json = Record<string, unknown>;

export const RUNBOOKS_DIR = 'runbooks';
/** The database's runbook collection (by name: its definition refuses runbooks in Git with this module). */
const RUNBOOKS = 'runbooks';

/** Runbook settings a file keeps, with the defaults a create or a PUT that omits them gets. */
function runbookDefaults(instance: Instance): Json {
  const { Name: _name, ProjectId: _project, PublishedRunbookSnapshotId: _published, ...settings } = instance.def(RUNBOOKS).defaults();
  return { Name: '', ...settings };
}

/** Whether a version-controlled project's runbooks are stored in Git. */
export function runbooksInGit(project: Doc | undefined): boolean {
  return isVersionControlled(project) && asJson(asJson(project?.PersistenceSettings).ConversionState).RunbooksAreInGit === true;
}

/** The runbook files of a project at a commit, by slug. */
export function runbookFiles(repo: ProjectRepository, commit: GitCommit): Map<string, Json> {
  const prefix = `${repo.basePath}/${RUNBOOKS_DIR}/`;
  const files = new Map<string, Json>();
  for (const [path, content] of Object.entries(commit.files)) {
    if (!path.startsWith(prefix) || !path.endsWith('.ocl') || path.slice(prefix.length).includes('/')) continue;
    files.set(path.slice(prefix.length, -'.ocl'.length), structuredClone(content) as Json);
  }
  return files;
}

/** The project's runbooks at a git ref, refusing a project whose runbooks are in the database. */
export function gitRunbooks(instance: Instance, project: Doc, gitRef: string): { files: Map<string, Json>; commit: GitCommit; branch?: string } {
  const { repo, commit, branch } = commitAt(instance, project, gitRef);
  if (!runbooksInGit(project)) {
    throw badRequest(`The runbooks of the project '${String(project.Name)}' are stored in the database: read them without a Git ref, or migrate them to Git (POST /projects/{projectId}/git/migrate-runbooks).`);
  }
  return { files: runbookFiles(repo, commit), commit, ...(branch === undefined ? {} : { branch }) };
}

/** Who last changed what a ref holds, and when: its commit's author and date (inferred). */
export function lastModified(commit: GitCommit): { LastModifiedBy: string; LastModifiedOn: string } {
  return { LastModifiedBy: commit.Author, LastModifiedOn: commit.Date };
}

/** A runbook file as the API shows it: Id and process id are its slug, environments by id. */
export function presentGitRunbook(instance: Instance, project: Doc, gitRef: string, slug: string, file: Json, commit: GitCommit): Doc {
  const { Process: _process, ...settings } = file;
  const base = `/api/${String(project.SpaceId)}/projects/${project.Id}/${encodeURIComponent(gitRef)}`;
  return {
    ...runbookDefaults(instance),
    ...settings,
    Id: slug,
    Slug: slug,
    SpaceId: project.SpaceId,
    ProjectId: project.Id,
    Environments: environmentIds(instance, String(project.SpaceId), settings.Environments),
    RunbookProcessId: slug,
    PublishedRunbookSnapshotId: null,
    ...lastModified(commit),
    Links: { Self: `${base}/runbooks/${slug}`, Project: `/api/${String(project.SpaceId)}/projects/${project.Id}`, RunbookProcesses: `${base}/runbookProcesses/${slug}` },
  } as Doc;
}

/** A runbook's process at a git ref as the API shows it. */
export function presentGitProcess(project: Doc, slug: string, file: Json, commit: GitCommit): Doc {
  const process = asJson(file.Process);
  return {
    ...lastModified(commit),
    Id: slug,
    SpaceId: project.SpaceId,
    ProjectId: project.Id,
    RunbookId: slug,
    Version: Number(process.Version ?? 0),
    LastSnapshotId: null,
    Steps: Array.isArray(process.Steps) ? process.Steps : [],
    Links: { Project: `/api/${String(project.SpaceId)}/projects/${project.Id}` },
  } as Doc;
}

/**
 * The file of a runbook created or updated through a git-ref route: what the request leaves out
 * takes its default (as a PUT does, runbooks.md: "Resets to … when omitted"), validated as a
 * database runbook is, with names unique among the runbooks of the ref.
 */
export function runbookFile(instance: Instance, project: Doc, input: Json, others: Map<string, Json>, process: Json): Json {
  const fields = Object.keys(runbookDefaults(instance));
  const doc: Json = { ...runbookDefaults(instance), ...Object.fromEntries(Object.entries(input).filter(([field]) => fields.includes(field))) };
  const spaceId = String(project.SpaceId);
  const errors = [
    ...(nonEmpty(doc.Name) ? [] : ['The Name field is required.']),
    ...checkOneOf(doc as Doc, 'MultiTenancyMode', TENANTED_MODES),
    ...checkOneOf(doc as Doc, 'EnvironmentScope', ['All', 'Specified', 'FromProjectLifecycles']),
    ...checkOneOf(doc as Doc, 'DefaultGuidedFailureMode', ['EnvironmentDefault', 'Off', 'On']),
  ];
  const environments = Array.isArray(doc.Environments) ? doc.Environments.map(String) : [];
  for (const id of environments) if (!instance.find('environments', spaceId, id)) errors.push(`Environments: the environment '${id}' does not exist.`);
  for (const other of others.values()) {
    if (String(other.Name).toLowerCase() === String(doc.Name).toLowerCase()) errors.push(`The name '${String(doc.Name)}' is already in use by another runbook in this project. Please choose a different name.`);
  }
  if (errors.length > 0) throw validationFailed(errors);
  const slugs = environments.map((id) => String(instance.find('environments', spaceId, id)?.Slug ?? id));
  return { ...doc, Environments: slugs, Process: process };
}

/** A slug for a new runbook of a ref: the one asked for, or the name's, made unique. */
export function newRunbookSlug(input: Json, taken: Map<string, Json>): string {
  const requested = nonEmpty(input.Slug) ? slugify(String(input.Slug)) : slugify(String(input.Name ?? ''));
  let slug = requested;
  for (let n = 1; taken.has(slug); n += 1) slug = `${requested}-${n}`;
  return slug;
}

/** Validates a process PUT at a git ref as the database's runbook process routes do. */
export function runbookProcessFile(instance: Instance, project: Doc, slug: string, previous: Doc, input: Json): Json {
  const spaceId = String(project.SpaceId);
  const doc: Doc = { Id: slug, SpaceId: spaceId, ProjectId: project.Id, RunbookId: slug, Steps: input.Steps ?? [], LastSnapshotId: null };
  const ctx = { instance, spaceId, previous, input };
  const errors = runbookProcesses.validate?.(doc, ctx) ?? [];
  if (errors.length > 0) throw validationFailed(errors);
  runbookProcesses.prepare?.(doc, ctx);
  return { Steps: doc.Steps, Version: Number(previous.Version) + 1 };
}

/** Commits one runbook file (`undefined` removes it) to a branch of the project's repository. */
export function commitRunbook(instance: Instance, project: Doc, gitRef: string, slug: string, file: Json | undefined, message: string): GitCommit {
  return commitTo(instance, project, gitRef, { [`${RUNBOOKS_DIR}/${slug}.ocl`]: file }, message);
}

// ---------------------------------------------------------------------------------------------
// The migration.

export interface MigrationSummary {
  DraftRunbooks: { RunbookId: string; RunbookName: string }[];
  PublishedRunbooks: { RunbookId: string; RunbookName: string }[];
}

/** What a migration would move: the project's database runbooks, published or still drafts. */
export function migrationSummary(instance: Instance, project: Doc): MigrationSummary {
  if (!isVersionControlled(project)) throw badRequest(`The project '${String(project.Name)}' is not version controlled: convert it before storing its runbooks in Git.`);
  const owned = databaseRunbooks(instance, project);
  const entry = (runbook: Doc) => ({ RunbookId: runbook.Id, RunbookName: String(runbook.Name) });
  return {
    DraftRunbooks: owned.filter((runbook) => !nonEmpty(runbook.PublishedRunbookSnapshotId)).map(entry),
    PublishedRunbooks: owned.filter((runbook) => nonEmpty(runbook.PublishedRunbookSnapshotId)).map(entry),
  };
}

/**
 * Moves a version-controlled project's runbooks to Git, once: each database runbook and its
 * process become a file on `Branch` (created from the default branch with `CreateBranch`), then
 * leave the database. `Branch` and `CommitMessage` are required only when there is something to
 * move (runbooks.md). Synchronous here; a real server may run it as the task it names.
 */
export function migrateRunbooks(instance: Instance, project: Doc, body: Json): MigrationSummary {
  const summary = migrationSummary(instance, project);
  if (runbooksInGit(project)) throw badRequest(`The runbooks of the project '${String(project.Name)}' are already stored in Git.`);
  const owned = databaseRunbooks(instance, project);
  if (owned.length > 0) {
    const errors = [...(nonEmpty(body.Branch) ? [] : ['The Branch field is required when there are runbooks to migrate.']), ...(nonEmpty(body.CommitMessage) ? [] : ['The CommitMessage field is required when there are runbooks to migrate.'])];
    if (errors.length > 0) throw validationFailed(errors);
    const repo = projectRepository(instance, project);
    const branch = String(body.Branch).replace(/^refs\/heads\//i, '');
    if (isProtected(repo.settings, branch)) throw badRequest(`The branch '${branch}' is protected: name another branch to commit the migrated runbooks to.`);
    if (!repo.repository.branches.has(branch) && body.CreateBranch !== true) throw badRequest(`The branch '${branch}' does not exist in the repository: create it, or set CreateBranch.`);
    const slugs = new Map<string, Json>();
    const files: Record<string, Json> = {};
    for (const runbook of owned) {
      const slug = newRunbookSlug({ Slug: runbook.Slug, Name: runbook.Name }, slugs);
      const process = instance.find(runbookProcesses.collection, String(project.SpaceId), String(runbook.RunbookProcessId));
      const settings = Object.fromEntries(Object.keys(runbookDefaults(instance)).map((field) => [field, runbook[field] ?? null]));
      const file = runbookFile(instance, project, settings, new Map(), { Steps: process?.Steps ?? [], Version: 0 });
      slugs.set(slug, file);
      files[`${repo.basePath}/${RUNBOOKS_DIR}/${slug}.ocl`] = file;
    }
    repo.repository.commit(branch, files, String(body.CommitMessage), instance.user.Username, instance.store.now(), String(repo.settings.DefaultBranch));
    for (const runbook of owned) instance.remove(RUNBOOKS, String(project.SpaceId), runbook.Id);
  }
  const settings = asJson(project.PersistenceSettings);
  instance.saveOwned('projects', { ...project, PersistenceSettings: { ...settings, ConversionState: { ...asJson(settings.ConversionState), RunbooksAreInGit: true } } }, 'Modified');
  return summary;
}

function databaseRunbooks(instance: Instance, project: Doc): Doc[] {
  return instance.list(RUNBOOKS, String(project.SpaceId)).filter((runbook) => runbook.ProjectId === project.Id);
}

/** Environment slugs of a file as the reading server's ids (a slug it does not know stays as it is). */
function environmentIds(instance: Instance, spaceId: string, slugs: unknown): string[] {
  if (!Array.isArray(slugs)) return [];
  const environments = instance.list('environments', spaceId);
  return slugs.map((slug) => environments.find((environment) => String(environment.Slug).toLowerCase() === String(slug).toLowerCase())?.Id ?? String(slug));
}
