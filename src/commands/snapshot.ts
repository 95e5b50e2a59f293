// `octosync snapshot`: read a source instance (read), normalize it into documents (pure), write
// them to the state repository and commit (write). Nothing is written when anything is wrong.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { KindName } from '../core/document.js';
import { NameResolver, buildRefTable } from '../core/refs.js';
import type { Problem } from '../core/refs.js';
import { slugify } from '../core/slug.js';
import { collectionsRead, readLiveSpace } from '../kinds/read-live.js';
import { kindsInOrder } from '../kinds/registry.js';
import type { OctopusApi } from '../octopus/index.js';
import { resolveSpaceId } from '../octopus/index.js';
import { isDocumentExcluded } from '../core/exclusions.js';
import { formatRepoConfig, parseRepoConfig } from '../repo/config.js';
import type { RepoConfig } from '../repo/config.js';
import { checkoutBranch, commitPaths, openRepository, readFilesAt, resolveRef } from '../repo/git.js';
import { CONFIG_FILE, SCHEMAS_DIR, SPACES_DIR, documentPath, locateDocument, schemaReference } from '../repo/layout.js';
import { syncFiles } from '../repo/state-files.js';
import type { FileChanges } from '../repo/state-files.js';
import { formatYaml, parseYaml } from '../repo/yaml.js';
import { loadSchemas, schemaFiles } from '../validate/schemas.js';
import { OctosyncError } from './errors.js';

export interface SnapshotOptions {
  api: OctopusApi;
  /** The source server's URL, recorded in a new octosync.yaml. */
  server: string;
  /** The environment variable holding the API key, recorded in a new octosync.yaml. */
  apiKeyEnv?: string;
  repo: string;
  /** Source space names; default: octosync.yaml's, else the default space. */
  spaces?: string[];
  branch?: string;
  message?: string;
  progress?: (event: SnapshotProgress) => void;
}

export type SnapshotProgress =
  | { step: 'read'; space: string; done: number; total: number }
  | { step: 'write'; files: number };

export interface SnapshotResult {
  branch: string;
  /** The new commit, or undefined when nothing changed. */
  commit?: string;
  message?: string;
  changes: FileChanges;
  documents: number;
}

export async function runSnapshot(options: SnapshotOptions): Promise<SnapshotResult> {
  const schemas = loadSchemas();
  const configText = await configOf(options.repo, options.branch);
  const config: RepoConfig = configText
    ? parseRepoConfig(configText, schemas)
    : { source: { server: options.server, ...(options.apiKeyEnv ? { apiKey: { env: options.apiKeyEnv } } : {}) } };
  const branch = options.branch ?? config.source.branch ?? 'source';
  const spaceNames = options.spaces?.length ? options.spaces : (config.spaces ?? [await defaultSpaceName(options.api)]);
  if (!configText) config.spaces = spaceNames;

  // Read: every space, then compute every document, before anything is written.
  const kinds = kindsInOrder().filter((kind) => !config.kinds || config.kinds.includes(kind.name));
  const desired = new Map<string, string>();
  const names = new Map<string, string>();
  const problems: Problem[] = [];
  let documents = 0;
  for (const spaceName of spaceNames) {
    const spaceId = await resolveSpaceId(options.api, spaceName);
    const live = await readLiveSpace(options.api, spaceId, collectionsRead(kinds), (done, total) =>
      options.progress?.({ step: 'read', space: spaceName, done, total }),
    );
    const resolver = new NameResolver(buildRefTable(live));
    const spaceSlug = slugify(spaceName);
    for (const kind of kinds) {
      for (const doc of kind.toDocuments(live, resolver)) {
        if (isDocumentExcluded(config.exclude ?? [], spaceName, doc)) continue;
        const file = documentPath(spaceSlug, doc.file);
        desired.set(file, formatYaml(doc.body, schemaReference(file, doc.kind)));
        names.set(file, `${kind.title} ${doc.name}`);
        documents += 1;
      }
    }
    problems.push(...resolver.problems.map((problem) => ({ ...problem, where: `space '${spaceName}': ${problem.where}` })));
  }
  if (problems.length > 0) {
    throw new OctosyncError('snapshot-invalid', `the source cannot be snapshotted; nothing was written:\n${problems.map((p) => `  - ${p.where}: ${p.message}`).join('\n')}`, { problems });
  }
  for (const [file, text] of schemaFiles()) desired.set(`${SCHEMAS_DIR}/${file}`, text);
  if (!configText) desired.set(CONFIG_FILE, formatRepoConfig(config));

  // Write: only what octosync owns (the snapshotted spaces, the schemas, a new config).
  const spaceFolders = spaceNames.map((name) => `${SPACES_DIR}/${slugify(name)}/`);
  const owns = (file: string) => file.startsWith(`${SCHEMAS_DIR}/`) || spaceFolders.some((folder) => file.startsWith(folder)) || (!configText && file === CONFIG_FILE);
  const repo = await openRepository(options.repo);
  await checkoutBranch(repo, branch);
  options.progress?.({ step: 'write', files: desired.size });
  const changes = await syncFiles(options.repo, desired, owns);
  const message = options.message ?? summarize(changes, names);
  const touched = [...changes.added, ...changes.changed, ...changes.removed];
  const commit = touched.length > 0 ? await commitPaths(repo, touched, message) : undefined;
  return { branch, commit, message: commit ? message : undefined, changes, documents };
}

async function defaultSpaceName(api: OctopusApi): Promise<string> {
  const spaces = await api.get<{ Name: string; IsDefault?: boolean }[]>('/api/spaces/all');
  const space = spaces.find((s) => s.IsDefault) ?? spaces[0];
  if (!space) throw new OctosyncError('no-space', `${api.server} has no spaces to snapshot`);
  return space.Name;
}

/** `snapshot: 2 added, 5 changed, 1 removed`, then one line per resource. */
export function summarize(changes: FileChanges, names: ReadonlyMap<string, string>): string {
  const documentsOnly = (files: string[]) => files.filter((file) => locateDocument(file, allKinds()) !== undefined);
  const added = documentsOnly(changes.added);
  const changed = documentsOnly(changes.changed);
  const removed = documentsOnly(changes.removed);
  const head = `snapshot: ${added.length} added, ${changed.length} changed, ${removed.length} removed`;
  const describe = (file: string) => names.get(file) ?? file.replace(/^spaces\//, '').replace(/\.yaml$/, '');
  const lines = [...added.map((f) => `+ ${describe(f)}`), ...changed.map((f) => `~ ${describe(f)}`), ...removed.map((f) => `- ${describe(f)}`)];
  return lines.length > 0 ? `${head}\n\n${lines.join('\n')}\n` : head;
}

function allKinds(): KindName[] {
  return kindsInOrder().map((kind) => kind.name);
}

/**
 * octosync.yaml as the branch snapshots go to has it (a snapshot run from another checkout must
 * not use that checkout's spaces or exclusions); the working tree's when the branch has none yet.
 */
async function configOf(repo: string, branch: string | undefined): Promise<string | undefined> {
  const file = path.join(repo, CONFIG_FILE);
  const working = existsSync(file) ? await readFile(file, 'utf8') : undefined;
  const target = branch ?? branchOf(working) ?? 'source';
  const commit = existsSync(path.join(repo, '.git')) ? await resolveRef(repo, target).catch(() => undefined) : undefined;
  if (!commit) return working;
  return (await readFilesAt(repo, commit, (f) => f === CONFIG_FILE)).get(CONFIG_FILE) ?? working;
}

/** `source.branch` of a config text, if it has one (read leniently: it is validated later). */
function branchOf(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const value = parseYaml(text, CONFIG_FILE).value;
  const source = value !== null && typeof value === 'object' && !Array.isArray(value) ? value.source : undefined;
  const found = source !== null && typeof source === 'object' && !Array.isArray(source) ? source?.branch : undefined;
  return typeof found === 'string' ? found : undefined;
}
