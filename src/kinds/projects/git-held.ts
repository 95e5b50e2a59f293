// What version-controlled projects keep in Git, read for review: their deployment process,
// non-sensitive variables and (once migrated) runbooks at the default branch, through the git-ref
// routes (`/projects/{id}/{gitRef}/deploymentprocesses`, `.../variables`, `.../runbooks`). Written beside the project's
// documents under `projects/<slug>/git/`, where nothing reads them as documents: octosync never
// applies what lives in a project's repository (the repository is its own source of truth).
// Two requests per version-controlled project, so a repository that asks for them pays that.
import { canonicalize } from '../../core/canonical.js';
import type { JsonObject, LiveSpace } from '../../core/document.js';
import type { NameResolver } from '../../core/refs.js';
import { uniqueSlugs } from '../../core/slug.js';
import type { OctopusApi } from '../../octopus/index.js';
import { spacePath } from '../../octopus/index.js';
import { deploymentProcessDocuments } from '../deployment-processes/index.js';
import { isObject } from '../fields.js';
import { indexSpace, normalizeVariables, projectProcesses } from '../shared/variables.js';
import { projectFolders } from './index.js';
import { isVersionControlled } from './persistence.js';
import { readGitRunbooks, runbooksAreInGit } from './runbooks-in-git.js';

/** A file of the state repository: its path in the space's folder and its body. */
export interface GitHeldFile {
  file: string;
  /** What the file holds, for the commit message. */
  title: string;
  body: JsonObject;
}

/** Reads the Git-held parts of the version-controlled projects of a space (those `include` keeps) at their default branch. */
export async function readGitHeldParts(api: OctopusApi, spaceId: string, live: LiveSpace, names: NameResolver, include: (name: string) => boolean = () => true): Promise<GitHeldFile[]> {
  const projects = (live.projects ?? []).filter((project) => isVersionControlled(project) && include(String(project.Name)));
  if (projects.length === 0) return [];
  const reads = await Promise.all(
    projects.map(async (project) => {
      const settings = project.PersistenceSettings as JsonObject;
      const ref = encodeURIComponent(`refs/heads/${String(settings.DefaultBranch)}`);
      const inGit = isObject(settings.ConversionState) && settings.ConversionState.VariablesAreInGit === true;
      const [process, variables] = await Promise.all([
        api.get<JsonObject>(spacePath(spaceId, 'projects', String(project.Id), ref, 'deploymentprocesses')),
        inGit ? api.get<JsonObject>(spacePath(spaceId, 'projects', String(project.Id), ref, 'variables')) : Promise.resolve(undefined),
      ]);
      const read: GitHeldRead = { project, process: { ...process, Id: project.DeploymentProcessId ?? process.Id ?? null, ProjectId: project.Id ?? null } };
      return variables ? { ...read, variables } : read;
    }),
  );
  const folders = projectFolders(live);
  const runbooks = await Promise.all(
    projects.filter(runbooksAreInGit).map((project) => {
      const ref = encodeURIComponent(`refs/heads/${String((project.PersistenceSettings as JsonObject).DefaultBranch)}`);
      return readGitRunbooks(api, spaceId, live, project, ref, folders.get(String(project.Id)) ?? '', names);
    }),
  );
  return [...gitHeldFiles(live, reads, names), ...runbooks.flat()];
}

interface GitHeldRead {
  project: JsonObject;
  process: JsonObject;
  variables?: JsonObject;
}

/** The files of what was read, normalized as the database's process and variables are. Pure. */
export function gitHeldFiles(live: LiveSpace, reads: readonly GitHeldRead[], names: NameResolver): GitHeldFile[] {
  const slugs = uniqueSlugs((live.projects ?? []).map((project) => String(project.Name)));
  const withGitProcesses: LiveSpace = { ...live, projects: reads.map((read) => read.project), deploymentprocesses: reads.map((read) => read.process) };
  const index = indexSpace(withGitProcesses);
  const files: GitHeldFile[] = [];
  for (const doc of deploymentProcessDocuments(withGitProcesses, names)) {
    files.push({ file: `projects/${slugs.get(doc.name)}/git/deployment-process.yaml`, title: `deployment process ${doc.name} (in its Git repository)`, body: doc.body });
  }
  for (const read of reads) {
    if (!read.variables) continue;
    const name = String(read.project.Name);
    const where = `project variables '${name}' (in its Git repository)`;
    const variables = normalizeVariables(read.variables.Variables, names, { where, project: projectProcesses(index, read.project) });
    files.push({ file: `projects/${slugs.get(name)}/git/variables.yaml`, title: `project variables ${name} (in its Git repository)`, body: canonicalize({ Project: name, Variables: variables }) as JsonObject });
  }
  return files;
}
