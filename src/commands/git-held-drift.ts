// Drift of what version-controlled projects keep in Git. With `snapshot: {gitHeldParts: true}`,
// the repository holds a review copy of each such project's deployment process and non-sensitive
// variables (`projects/<slug>/git/`, read from the source's default branch). A plan reads the same
// parts from each destination project's default branch and reports where they differ: a read-only
// finding, never a change, since octosync never writes a project's repository (it is promoted
// there, by its own pull requests). Two requests per version-controlled project, only when the
// repository asks for the review copies.
import { canonicalize } from '../core/canonical.js';
import type { JsonObject, KindDocument, LiveSpace } from '../core/document.js';
import { isObject } from '../core/document.js';
import { diffDocuments } from '../core/diff.js';
import type { GitHeldDifference } from '../core/plan.js';
import { NameResolver, buildRefTable } from '../core/refs.js';
import { readGitHeldParts } from '../kinds/projects/git-held.js';
import { isVersionControlled } from '../kinds/projects/persistence.js';
import type { OctopusApi } from '../octopus/index.js';
import { readFilesAt } from '../repo/git.js';
import { documentPath, isGitHeldFile } from '../repo/layout.js';
import { loadYaml } from '../repo/yaml-load.js';

export interface GitHeldDriftInput {
  api: OctopusApi;
  /** Destination space name and id. */
  space: string;
  spaceId: string;
  /** The space's folder in the repository. */
  spaceSlug: string;
  /** The destination's live state (its projects' persistence settings). */
  live: LiveSpace;
  /** The desired documents: only the projects the repository keeps in Git are compared. */
  desired: readonly KindDocument[];
  /** The state repository and the commit planned, whose review copies are compared. */
  repo: string;
  commit: string;
}

/** Where the Git-held parts of the destination's version-controlled projects differ from the repository's review copies. */
export async function gitHeldDrift(input: GitHeldDriftInput): Promise<GitHeldDifference[]> {
  const wanted = new Set(input.desired.filter((doc) => doc.kind === 'projects' && isVersionControlled(doc.body)).map((doc) => doc.name.toLowerCase()));
  const compared = (input.live.projects ?? []).filter((project) => wanted.has(String(project.Name).toLowerCase()) && isVersionControlled(project));
  if (compared.length === 0) return [];
  const names = new NameResolver(buildRefTable(input.live));
  const [read, files] = await Promise.all([
    readGitHeldParts(input.api, input.spaceId, input.live, names, (name) => wanted.has(name.toLowerCase())),
    readFilesAt(input.repo, input.commit, (file) => isGitHeldFile(file) && file.startsWith(documentPath(input.spaceSlug, ''))),
  ]);
  const differences: GitHeldDifference[] = [];
  const seen = new Set<string>();
  for (const held of read) {
    const file = documentPath(input.spaceSlug, held.file);
    seen.add(file);
    const project = String(held.body.Project);
    const text = files.get(file);
    if (text === undefined) {
      differences.push({ space: input.space, project, file, title: held.title, only: 'destination', fields: [] });
      continue;
    }
    const copy = loadYaml(text, file);
    const fields = diffDocuments(held.body, canonicalize(isObject(copy) ? copy : {}) as JsonObject);
    if (fields.length > 0) differences.push({ space: input.space, project, file, title: held.title, fields });
  }
  // A review copy of a compared project whose part the destination does not have.
  const folders = new Set(read.map((held) => documentPath(input.spaceSlug, held.file).replace(/\/git\/[^/]+$/, '')));
  for (const file of files.keys()) {
    if (!isGitHeldFile(file) || seen.has(file) || !folders.has(file.replace(/\/git\/[^/]+$/, ''))) continue;
    const body = loadYaml(files.get(file) ?? '', file);
    const project = isObject(body) && typeof body.Project === 'string' ? body.Project : file;
    differences.push({ space: input.space, project, file, title: `${file.split('/').pop() ?? file} (in its Git repository)`, only: 'repository', fields: [] });
  }
  return differences;
}
