// Routes of runbooks stored in Git (reference-2026 runbooks.md, runbook-processes.md,
// projects.md): the one-way migration `GET|POST /projects/{id}/git/migrate-runbooks`; the
// runbooks at a git ref, `GET /projects/{id}/{gitRef}/runbooks`, `POST .../{gitRef}/runbooks/v2`,
// `GET|PUT|DELETE .../{gitRef}/runbooks/{slug}`; their processes,
// `GET|PUT .../{gitRef}/runbookProcesses/{slug}`. A write is a commit on the branch.
import { page } from '../collection.js';
import { notFound } from '../http-error.js';
import {
  commitRunbook,
  gitRunbooks,
  migrateRunbooks,
  migrationSummary,
  newRunbookSlug,
  presentGitProcess,
  presentGitRunbook,
  runbookFile,
  runbookProcessFile,
} from '../resources/version-control-runbooks.js';
import { asJson, nonEmpty } from '../resources/version-control.js';
import type { GitCommit } from '../git-host.js';
import type { Call, Reply, Routes } from '../routes.js';
import type { Doc } from '../store.js';
import { findProject } from './project-routes.js';

type Json = Record<string, unknown>;

export function registerVersionControlRunbooks(routes: Routes): void {
  routes.space('GET', '/projects/:projectId/git/migrate-runbooks', (call) => ({ status: 200, body: migrationSummary(call.instance, project(call)) }));
  routes.space('POST', '/projects/:projectId/git/migrate-runbooks', (call) => ({ status: 200, body: { ...migrateRunbooks(call.instance, project(call), asJson(call.body)), ServerTaskId: null } }));
  routes.space('GET', '/projects/:projectId/:gitRef/runbooks', listRunbooks);
  routes.space('POST', '/projects/:projectId/:gitRef/runbooks/v2', createRunbook);
  routes.space('GET', '/projects/:projectId/:gitRef/runbooks/:id', (call) => ({ status: 200, body: runbookAt(call).runbook }));
  routes.space('PUT', '/projects/:projectId/:gitRef/runbooks/:id', updateRunbook);
  routes.space('DELETE', '/projects/:projectId/:gitRef/runbooks/:id', deleteRunbook);
  routes.space('GET', '/projects/:projectId/:gitRef/runbookProcesses/:id', (call) => ({ status: 200, body: processAt(call).process }));
  routes.space('PUT', '/projects/:projectId/:gitRef/runbookProcesses/:id', updateProcess);
}

function project(call: Call): Doc {
  return findProject(call.instance, call.spaceId, call.params.projectId ?? '');
}

function gitRef(call: Call): string {
  return call.params.gitRef ?? '';
}

/** The list filters of runbooks.md that need no tags: `partialName`, `skip`, `take`. */
function listRunbooks(call: Call): Reply {
  const owner = project(call);
  const { files, commit } = gitRunbooks(call.instance, owner, gitRef(call));
  const partial = (call.query.get('partialName') ?? '').toLowerCase();
  const items = [...files.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([slug, file]) => presentGitRunbook(call.instance, owner, gitRef(call), slug, file, commit))
    .filter((runbook) => String(runbook.Name).toLowerCase().includes(partial));
  return { status: 200, body: page(call, 'Runbook', items) };
}

function runbookAt(call: Call): { owner: Doc; files: Map<string, Json>; commit: GitCommit; slug: string; file: Json; runbook: Doc } {
  const owner = project(call);
  const { files, commit } = gitRunbooks(call.instance, owner, gitRef(call));
  const slug = (call.params.id ?? '').toLowerCase();
  const file = files.get(slug);
  if (!file) throw notFound(call.params.id ?? '');
  return { owner, files, commit, slug, file, runbook: presentGitRunbook(call.instance, owner, gitRef(call), slug, file, commit) };
}

function createRunbook(call: Call): Reply {
  const owner = project(call);
  const input = asJson(call.body);
  const { files } = gitRunbooks(call.instance, owner, gitRef(call));
  const file = runbookFile(call.instance, owner, input, files, { Steps: [], Version: 0 });
  const slug = newRunbookSlug(input, files);
  commitRunbook(call.instance, owner, gitRef(call), slug, file, changeDescription(input, `Create runbook ${String(file.Name)}`));
  return { status: 201, body: { GitRef: gitRef(call), Id: slug, Name: file.Name, ProjectId: owner.Id, Slug: slug } };
}

/** A PUT keeps the runbook's slug (its Id and file) when it is renamed (inferred). */
function updateRunbook(call: Call): Reply {
  const { owner, files, slug, file } = runbookAt(call);
  const input = asJson(call.body);
  const others = new Map([...files].filter(([other]) => other !== slug));
  const updated = runbookFile(call.instance, owner, input, others, asJson(file.Process));
  const commit = commitRunbook(call.instance, owner, gitRef(call), slug, updated, changeDescription(input, 'Update runbook'));
  return { status: 200, body: presentGitRunbook(call.instance, owner, gitRef(call), slug, updated, commit) };
}

function deleteRunbook(call: Call): Reply {
  const { owner, slug, file } = runbookAt(call);
  commitRunbook(call.instance, owner, gitRef(call), slug, undefined, changeDescription(asJson(call.body), `Delete runbook ${String(file.Name)}`));
  return { status: 200 };
}

function processAt(call: Call) {
  const found = runbookAt(call);
  return { ...found, process: presentGitProcess(found.owner, found.slug, found.file, found.commit) };
}

function updateProcess(call: Call): Reply {
  const { owner, slug, file, process } = processAt(call);
  const input = asJson(call.body);
  const updated = { ...file, Process: runbookProcessFile(call.instance, owner, slug, process, input) };
  const commit = commitRunbook(call.instance, owner, gitRef(call), slug, updated, changeDescription(input, 'Update runbook process'));
  return { status: 200, body: presentGitProcess(owner, slug, updated, commit) };
}

function changeDescription(input: Json, fallback: string): string {
  return nonEmpty(input.ChangeDescription) ? String(input.ChangeDescription) : fallback;
}
