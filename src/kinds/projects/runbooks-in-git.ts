// Runbooks stored in Git: a version-controlled project's runbooks, once migrated
// (`POST /projects/{id}/git/migrate-runbooks`, one-way), live in its repository beside its
// process and are read and written only through git-ref routes. The project's document says so
// with `PersistenceSettings.ConversionState.RunbooksAreInGit: true` (the API's own field; absent
// while they are in the database). octosync never writes such runbooks, never reads them through
// database routes, and never deletes them because the database does not list them; a
// destination's project gets its runbooks moved to Git only when its overlay allows it
// (`overlays.versionControl.<project>.runbooksInGit: true`), once.
import type { JsonObject, KindDocument, LiveSpace } from '../../core/document.js';
import type { PlanProblem } from '../../core/plan.js';
import type { VersionControlOverride } from '../../core/overlay.js';
import type { NameResolver } from '../../core/refs.js';
import type { OctopusApi } from '../../octopus/index.js';
import { spacePath } from '../../octopus/index.js';
import { runbookDocuments } from '../runbooks/index.js';
import { oneWayMoveFindings } from './one-way-moves.js';
import { runbooksAreInGit } from './persistence.js';
import type { WriteContext } from '../types.js';

export { runbooksAreInGit };

/** Whether a document is a runbook of a project that `documents` say keeps its runbooks in Git. */
export function runbooksMovedToGit(documents: readonly KindDocument[]): (doc: KindDocument) => boolean {
  const projects = new Set(documents.filter((doc) => doc.kind === 'projects' && runbooksAreInGit(doc.body)).map((doc) => doc.name.toLowerCase()));
  return (doc) => doc.kind === 'runbooks' && projects.has(String(doc.body.Project).toLowerCase());
}

/** The projects whose runbook migration a destination's overlay allows, in lower case. */
export function runbookMigrations(overrides: Readonly<Record<string, VersionControlOverride>> | undefined): Set<string> {
  return new Set(Object.entries(overrides ?? {}).filter(([, override]) => override.runbooksInGit === true).map(([name]) => name.toLowerCase()));
}

export interface RunbooksInGitCheck {
  space: string;
  desired: readonly KindDocument[];
  /** The destination's documents, normalized like the repository's. */
  live: readonly KindDocument[];
  /** Projects whose runbooks the destination's overlay allows octosync to migrate to Git (lower case). */
  migratable: ReadonlySet<string>;
}

/**
 * Where each project's runbooks live, here and in the repository, before anything is written.
 * Runbooks the repository keeps in Git for a project whose destination still has them in its
 * database are a problem unless the overlay allows the one-way migration (they would otherwise
 * be deleted as missing from the repository, or stay out of Git forever); the reverse is always
 * a problem. `live` comes back without the destination's database runbooks of projects the
 * repository keeps in Git: they are the migration's, never compared nor deleted.
 */
export function runbooksInGitFindings(input: RunbooksInGitCheck): { problems: PlanProblem[]; notices: string[]; live: KindDocument[] } {
  const { problems, notices } = oneWayMoveFindings(input, {
    field: 'PersistenceSettings.ConversionState.RunbooksAreInGit',
    made: runbooksAreInGit,
    allowed: (doc) => {
      // With no runbook in its database the move takes nothing with it (a project octosync created
      // and converted, whose migration was cut short, is one): it needs no permission.
      const inDatabase = input.live.some((d) => d.kind === 'runbooks' && String(d.body.Project).toLowerCase() === doc.name.toLowerCase());
      if (!inDatabase) return `the runbooks of project '${doc.name}' are moved to its Git repository in the destination (one-way): it has none in its database, so nothing moves`;
      if (input.migratable.has(doc.name.toLowerCase())) return `the runbooks of project '${doc.name}' are moved to its Git repository in the destination (one-way): the runbooks it has in its database are committed there`;
      return undefined;
    },
    refused: (doc) =>
      "the repository's project keeps its runbooks in Git and the destination's keeps them in its database; " +
      `octosync moves them only when the destination's overlay allows it (overlays.versionControl.${doc.name}.runbooksInGit: true), and the move cannot be undone`,
    irreversible: "the destination's project keeps its runbooks in Git and the repository's keeps them in the database; runbooks cannot move back to the database: migrate the source's, or exclude the project",
    summary: (names) => `projects with runbooks in Git (${names}): their runbooks live in their Git repositories and are not managed by octosync`,
  });
  const movedToGit = runbooksMovedToGit(input.desired);
  return { problems, notices, live: input.live.filter((doc) => !movedToGit(doc)) };
}

/**
 * Moves a destination project's runbooks to Git, committing those it has in its database to its
 * default branch (a protected default branch is refused by the server, and the apply fails
 * naming it).
 */
export async function migrateRunbooksToGit(projectId: string, defaultBranch: string, ctx: WriteContext): Promise<void> {
  await ctx.api.post(spacePath(ctx.spaceId, 'projects', projectId, 'git', 'migrate-runbooks'), {
    ProjectId: projectId,
    SpaceId: ctx.spaceId,
    Branch: defaultBranch,
    CommitMessage: 'Runbooks in Git as the octosync state repository says',
  });
}

/** A file written for review under `projects/<slug>/git/` (see git-held.ts). */
export interface GitHeldRunbookFile {
  file: string;
  title: string;
  body: JsonObject;
}

/**
 * The runbooks a project keeps in Git, read at `ref` through the git-ref routes (one list, one
 * process per runbook) and normalized as database runbooks are, for review under
 * `projects/<slug>/git/runbooks/<runbook>.yaml`. `folder` is the project's folder.
 */
export async function readGitRunbooks(api: OctopusApi, spaceId: string, live: LiveSpace, project: JsonObject, ref: string, folder: string, names: NameResolver): Promise<GitHeldRunbookFile[]> {
  const base = ['projects', String(project.Id), ref];
  const runbooks = await api.list<JsonObject>(spacePath(spaceId, ...base, 'runbooks'));
  const processes = await Promise.all(runbooks.map((runbook) => api.get<JsonObject>(spacePath(spaceId, ...base, 'runbookProcesses', String(runbook.RunbookProcessId ?? runbook.Id)))));
  const asDatabase: LiveSpace = { ...live, projects: [project], runbooks, runbookProcesses: processes };
  return runbookDocuments(asDatabase, names, () => true).map((doc) => ({
    file: `projects/${folder}/git/${doc.file.split('/').slice(2).join('/')}`,
    title: `runbook ${doc.name} (in its Git repository)`,
    body: doc.body,
  }));
}
