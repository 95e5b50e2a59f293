// Routes of version-controlled projects (reference-2026 projects.md, deployment-processes.md,
// variables.md, spaces.md): the conversion `POST /projects/{id}/git/convert`; the deployment
// process and the non-sensitive variables at a git ref, `GET|PUT /projects/{id}/{gitRef}/
// deploymentprocesses` and `.../{gitRef}/variables` (a write is a commit on the branch); the
// repository's refs `GET /projects/{id}/git/refs`, and, as OctopusClients reads them,
// `GET /projects/{id}/git/branches{/name}` and `GET /projects/{id}/git/commits/{hash}`.
import { page } from '../collection.js';
import { badRequest, notFound, validationFailed } from '../http-error.js';
import type { Instance } from '../instance.js';
import type { SaveContext } from '../resource-def.js';
import { deploymentProcesses } from '../resources/processes.js';
import { variableSets } from '../resources/variable-sets.js';
import {
  PROCESS_FILE,
  VARIABLES_FILE,
  asJson,
  commitAt,
  commitTo,
  convertProject,
  nonEmpty,
  fileAt,
  isProtected,
  isVersionControlled,
  projectRepository,
} from '../resources/version-control.js';
import type { Call, Reply, Routes } from '../routes.js';
import type { Doc } from '../store.js';
import { presentVariableSet } from './variables.js';
import { findProject } from './project-routes.js';

type Json = Record<string, unknown>;

export function registerVersionControl(routes: Routes): void {
  routes.space('POST', '/projects/:projectId/git/convert', convert);
  routes.space('GET', '/projects/:projectId/git/refs', listRefs);
  routes.space('GET', '/projects/:projectId/git/branches', listBranches);
  routes.space('GET', '/projects/:projectId/git/branches/:name', getBranch);
  routes.space('GET', '/projects/:projectId/git/commits/:hash', getCommit);
  routes.space('GET', '/projects/:projectId/:gitRef/deploymentprocesses', (call) => ({ status: 200, body: gitProcess(call) }));
  routes.space('PUT', '/projects/:projectId/:gitRef/deploymentprocesses', putGitProcess);
  routes.space('GET', '/projects/:projectId/:gitRef/variables', (call) => ({ status: 200, body: gitVariables(call) }));
  routes.space('PUT', '/projects/:projectId/:gitRef/variables', putGitVariables);
}

// ---------------------------------------------------------------------------------------------
// Conversion.

function convert(call: Call): Reply {
  const project = findProject(call.instance, call.spaceId, call.params.projectId ?? '');
  convertProject(call.instance, call.spaceId, project, asJson(call.body));
  return { status: 200, body: {} };
}

// ---------------------------------------------------------------------------------------------
// The deployment process at a git ref.

function gitProcess(call: Call): Doc {
  const project = findProject(call.instance, call.spaceId, call.params.projectId ?? '');
  const { repo, commit } = commitAt(call.instance, project, gitRef(call));
  const file = fileAt(repo, commit, PROCESS_FILE) ?? { Steps: [], Version: 0 };
  return processDoc(project, file);
}

function processDoc(project: Doc, file: Json): Doc {
  const self = `/api/${String(project.SpaceId)}/projects/${project.Id}`;
  return {
    Id: String(project.DeploymentProcessId),
    SpaceId: project.SpaceId,
    ProjectId: project.Id,
    Version: Number(file.Version ?? 0),
    LastSnapshotId: null,
    Steps: Array.isArray(file.Steps) ? file.Steps : [],
    Links: { Self: `${self}/{gitRef}/deploymentprocesses`, Project: self },
  } as Doc;
}

/** A PUT of the process at a branch: validated as a database process is, then committed. */
function putGitProcess(call: Call): Reply {
  const { instance, spaceId } = call;
  const project = findProject(instance, spaceId, call.params.projectId ?? '');
  const previous = gitProcess(call);
  const input = asJson(call.body);
  const doc: Doc = { Id: previous.Id, SpaceId: spaceId, ProjectId: project.Id, Steps: input.Steps ?? [], LastSnapshotId: null };
  const ctx: SaveContext = { instance, spaceId, previous, input };
  const errors = deploymentProcesses.validate?.(doc, ctx) ?? [];
  if (errors.length > 0) throw validationFailed(errors);
  deploymentProcesses.prepare?.(doc, ctx);
  const file = { Steps: doc.Steps, Version: Number(previous.Version) + 1 };
  commitTo(instance, project, gitRef(call), { [PROCESS_FILE]: file }, changeDescription(input, 'Update the deployment process'));
  return { status: 200, body: processDoc(project, file) };
}

// ---------------------------------------------------------------------------------------------
// The non-sensitive variables at a git ref.

function gitVariables(call: Call): Doc {
  const project = findProject(call.instance, call.spaceId, call.params.projectId ?? '');
  const { repo, commit } = commitAt(call.instance, project, gitRef(call));
  return variablesDoc(call.instance, project, fileAt(repo, commit, VARIABLES_FILE) ?? { Variables: [], Version: 0 });
}

function variablesDoc(instance: Instance, project: Doc, file: Json): Doc {
  const doc: Doc = { Id: String(project.VariableSetId), SpaceId: project.SpaceId, OwnerId: project.Id, Version: Number(file.Version ?? 0), Variables: Array.isArray(file.Variables) ? file.Variables : [] };
  return presentVariableSet(instance, doc);
}

/** Sensitive variables stay in the database (the Config-as-Code reference); Git refuses them (our wording). */
function putGitVariables(call: Call): Reply {
  const { instance, spaceId } = call;
  const project = findProject(instance, spaceId, call.params.projectId ?? '');
  const previous = gitVariables(call);
  const input = asJson(call.body);
  const variables = Array.isArray(input.Variables) ? (input.Variables as unknown[]) : [];
  const sensitive = variables.filter((v) => asJson(v).IsSensitive === true || asJson(v).Type === 'Sensitive').map((v) => String(asJson(v).Name));
  if (sensitive.length > 0) {
    throw validationFailed(sensitive.map((name) => `Variable '${name}': sensitive variables are stored in the database, not in Git; save them through /projects/{projectId}/variables.`));
  }
  const doc: Doc = { Id: previous.Id, SpaceId: spaceId, OwnerId: project.Id, Variables: variables };
  const ctx: SaveContext = { instance, spaceId, previous, input };
  const errors = variableSets.validate?.(doc, ctx) ?? [];
  if (errors.length > 0) throw validationFailed(errors);
  variableSets.prepare?.(doc, ctx);
  const file = { Variables: doc.Variables, Version: Number(previous.Version) + 1 };
  commitTo(instance, project, gitRef(call), { [VARIABLES_FILE]: file }, changeDescription(input, 'Update the variables'));
  return { status: 200, body: variablesDoc(instance, project, file) };
}

// ---------------------------------------------------------------------------------------------
// Refs, branches and commits.

function branchesOf(call: Call) {
  const project = findProject(call.instance, call.spaceId, call.params.projectId ?? '');
  if (!isVersionControlled(project)) throw badRequest(`The project '${String(project.Name)}' is not version controlled.`);
  const repo = projectRepository(call.instance, project);
  return [...repo.repository.branches.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, head]) => {
      const commit = repo.repository.commits.get(head);
      return {
        Id: `refs/heads/${name}`,
        Name: name,
        CanonicalName: `refs/heads/${name}`,
        IsProtected: isProtected(repo.settings, name),
        LastModifiedOn: commit?.Date ?? null,
        LastModifiedBy: commit?.Author ?? null,
        Links: { Self: `/api/${String(project.SpaceId)}/projects/${project.Id}/git/branches/${encodeURIComponent(name)}` },
      };
    });
}

function listRefs(call: Call): Reply {
  const patterns = call.query.getAll('patterns').flatMap((value) => value.split(',')).filter((value) => value !== '');
  const matching = branchesOf(call).filter((branch) => patterns.length === 0 || patterns.some((pattern) => isProtected({ ProtectedBranchNamePatterns: [pattern] }, branch.Name)));
  const skip = Number(call.query.get('skip') ?? 0) || 0;
  const take = Number(call.query.get('take') ?? 0) || matching.length;
  return { status: 200, body: { References: matching.slice(skip, skip + take).map(({ IsProtected: _protected, ...ref }) => ref), TotalCount: matching.length } };
}

function listBranches(call: Call): Reply {
  const wanted = (call.query.get('searchByName') ?? '').toLowerCase();
  const branches = branchesOf(call).filter((branch) => branch.Name.toLowerCase().includes(wanted));
  return { status: 200, body: page(call, 'GitBranch', branches) };
}

function getBranch(call: Call): Reply {
  const name = (call.params.name ?? '').replace(/^refs\/heads\//i, '');
  const branch = branchesOf(call).find((candidate) => candidate.Name.toLowerCase() === name.toLowerCase());
  if (!branch) throw notFound(name);
  return { status: 200, body: branch };
}

function getCommit(call: Call): Reply {
  const project = findProject(call.instance, call.spaceId, call.params.projectId ?? '');
  const { commit } = commitAt(call.instance, project, call.params.hash ?? '');
  return { status: 200, body: { Id: commit.Id, Message: commit.Message, Author: commit.Author, Date: commit.Date, Parent: commit.Parent } };
}

function gitRef(call: Call): string {
  return call.params.gitRef ?? '';
}

function changeDescription(input: Json, fallback: string): string {
  return nonEmpty(input.ChangeDescription) ? String(input.ChangeDescription) : fallback;
}

