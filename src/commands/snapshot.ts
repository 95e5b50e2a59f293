// `octosync snapshot`: read a source instance (read), normalize it into documents (pure), write
// them to the state repository and commit (write). Nothing is written when anything is wrong.
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { JsonObject, KindDocument, KindName } from '../core/document.js';
import { NameResolver, buildRefTable } from '../core/refs.js';
import type { Problem } from '../core/refs.js';
import { slugify } from '../core/slug.js';
import { DEFAULT_REMOVAL_POLICY, largeRemovals, measureDocuments } from '../core/removals.js';
import { incompleteReads } from '../kinds/completeness.js';
import { readSpaceFor } from '../kinds/read-live.js';
import type { SpaceReader } from '../kinds/read-live.js';
import type { Kind } from '../kinds/types.js';
import { kindsInOrder } from '../kinds/registry.js';
import type { OctopusApi, ServerInfo, SpaceSummary } from '../octopus/index.js';
import { listSpaces, resolveSpaceId } from '../octopus/index.js';
import { isDocumentExcluded } from '../core/exclusions.js';
import { formatRepoConfig, parseRepoConfig } from '../repo/config.js';
import { SOURCE_FILE, formatSourceRecord } from '../repo/source-record.js';
import { capabilitiesOf } from '../kinds/capabilities.js';
import type { Capabilities } from '../kinds/capabilities.js';
import type { RepoConfig } from '../repo/config.js';
import { blobId, changedSinceHead, checkoutBranch, commitFiles, currentBranch, startFirstBranch, listBlobsAt, openRepository, readBlobs, resolveRef } from '../repo/git.js';
import { DocumentTexts } from '../repo/document-texts.js';
import { readGitHeldParts } from '../kinds/projects/git-held.js';
import { runbooksMovedToGit } from '../kinds/projects/runbooks-in-git.js';
import { CONFIG_FILE, DESTINATIONS_DIR, SCHEMAS_DIR, SPACES_DIR, documentName, documentPath, locateDocument, schemaReference } from '../repo/layout.js';
import { syncFiles } from '../repo/state-files.js';
import { StagedFolders } from '../repo/staged-files.js';
import type { FileChanges } from '../repo/state-files.js';
import { loadYaml } from '../repo/yaml-load.js';
import { validateRepositoryInSlices } from '../validate/repository.js';
import { loadSchemas, schemaFiles } from '../validate/schemas.js';
import { OctosyncError } from './errors.js';
import { collectGarbage } from './plan-memory.js';
import { repoConfigText } from './snapshot-config.js';
import { formatIssue } from './validate.js';

export interface SnapshotOptions {
  api: OctopusApi;
  /**
   * What checking the source told (its version and spaces), when the caller connected with the
   * check (commands/connect.ts): the snapshot does not ask again. Without it, the snapshot reads them.
   */
  checked?: Pick<ServerInfo, 'version' | 'spaces'>;
  /** The source server's URL, recorded in a new octosync.yaml. */
  server: string;
  /** The environment variable holding the API key, recorded in a new octosync.yaml. */
  apiKeyEnv?: string;
  repo: string;
  /** Source space names; default: octosync.yaml's, else the default space. */
  spaces?: string[];
  branch?: string;
  message?: string;
  /** Commit even when a kind loses all or an unusual share of its documents (see core/removals.ts). */
  allowLargeRemoval?: boolean;
  /** The working tree is already at the branch's head, detached: commit there, switch nothing (see snapshot-worktree.ts). */
  detached?: boolean;
  /** `server` replaces the configured source in octosync.yaml (asked for with --switch-source). */
  switchSource?: boolean;
  progress?: (event: SnapshotProgress) => void;
  /** How the source's spaces are read (the daemon reads incrementally); default readSpaceFor. */
  readSpace?: SpaceReader;
  /**
   * Collect garbage once the source is read and its documents made: a one-shot snapshot's peak
   * memory (plan-memory.ts). A daemon leaves it to V8.
   */
  collectGarbage?: boolean;
  /**
   * The texts of the previous snapshot, kept by a long-running snapshotter: a document whose body
   * did not change is not serialized again.
   */
  texts?: DocumentTexts;
}

export type SnapshotProgress =
  | { step: 'read'; space: string; done: number; total: number }
  | { step: 'write'; files: number };

export interface SnapshotResult {
  branch: string;
  /** The new commit, or undefined when nothing changed. */
  commit?: string;
  message?: string;
  /** What the commit changed on the branch. */
  changes: FileChanges;
  documents: number;
  /** Documents serialized (the others were unchanged since the previous snapshot with the same `texts`). */
  serialized: number;
}

/** What a new state repository ignores: the state directory (status, locks, secret files). */
const GITIGNORE = '.gitignore';
const GITIGNORE_TEXT = '/.octosync/\n';

export async function runSnapshot(options: SnapshotOptions): Promise<SnapshotResult> {
  const schemas = loadSchemas();
  const configText = await repoConfigText(options.repo, options.branch);
  const config: RepoConfig = configText
    ? parseRepoConfig(configText, schemas)
    : { source: { server: options.server, ...(options.apiKeyEnv ? { apiKey: { env: options.apiKeyEnv } } : {}) } };
  const branch = options.branch ?? config.source.branch ?? 'source';
  const named = options.spaces?.length ? options.spaces : config.spaces;
  // Spaces named in the options or the config are refused before the server is asked anything.
  if (named) refuseSharedFolders(named);
  const server = options.checked ?? (await readServer(options.api));
  const spaceNames = named ?? [defaultSpaceName(options.api, server.spaces)];
  if (!configText) config.spaces = spaceNames;
  const rewriteConfig = !configText || options.switchSource === true;
  if (options.switchSource) config.source = { ...config.source, server: options.server, ...(options.apiKeyEnv ? { apiKey: { env: options.apiKeyEnv } } : {}) };

  // Read: every space, then compute every document, before anything is written.
  const kinds = kindsInOrder().filter((kind) => !config.kinds || config.kinds.includes(kind.name));
  const texts = options.texts ?? new DocumentTexts({ remember: false });
  texts.begin();
  // The schemas the snapshot checks its documents against are compiled while the source answers.
  const compiling = schemas.prepare();
  compiling.catch(() => undefined);
  const spaceFolders = spaceNames.map((name) => `${SPACES_DIR}/${slugify(name)}/`);
  // Folders new to the branch and the working tree (a first snapshot's) are written by another
  // thread as their documents are made, out of sight until the snapshot is checked and commits.
  const listing = committedFiles(options.repo, branch);
  listing.catch(() => undefined);
  const staging = listing.then((committed) => stageNewFolders(options.repo, [...spaceFolders, `${SCHEMAS_DIR}/`], committed));
  staging.catch(() => undefined);
  try {
    const read = await readSource(options, server.spaces, spaceNames, kinds, config, texts, staging);
    // The source's answers are garbage now, and what is made from here on (the self-check, git's
    // stream) would otherwise be made beside them.
    if (options.collectGarbage) collectGarbage();
    const staged = await staging;
    const desired = read.files;
    const schemaTexts = new Map([...schemaFiles()].map(([file, text]) => [`${SCHEMAS_DIR}/${file}`, text]));
    staged?.add(schemaTexts);
    for (const [file, text] of schemaTexts) desired.set(file, text);
    desired.set(SOURCE_FILE, formatSourceRecord({ version: server.version, ...read.capabilities }));

    // What octosync owns: the snapshotted spaces, the schemas, a new config, one the branch does not
    // have yet (a first snapshot's commit refused by a hook leaves it only in the working tree), and
    // a new branch's .gitignore.
    const committed = await listing;
    const takesConfig = rewriteConfig || !committed.has(CONFIG_FILE);
    if (takesConfig) desired.set(CONFIG_FILE, rewriteConfig || !configText ? formatRepoConfig(config) : configText);
    // Read only while the branch has nothing: not on every later snapshot.
    const ignoreFile = path.join(options.repo, GITIGNORE);
    const ownIgnoreFile = async () => (existsSync(ignoreFile) ? (await readFile(ignoreFile, 'utf8')) === GITIGNORE_TEXT : !configText);
    if (committed.size === 0 && (await ownIgnoreFile())) desired.set(GITIGNORE, GITIGNORE_TEXT);
    const owns = (file: string) =>
      file === SOURCE_FILE ||
      file.startsWith(`${SCHEMAS_DIR}/`) || spaceFolders.some((folder) => file.startsWith(folder)) || (takesConfig && file === CONFIG_FILE) || (desired.has(GITIGNORE) && file === GITIGNORE);

    // Compared with the branch, not the working tree: files a snapshot wrote and could not commit
    // (a hook refused, the index was locked, the process was killed) are committed by the next one.
    // By blob id, computed here: only the branch's files that differ, or that octosync does not
    // own (validation needs them), are read.
    const desiredIds = new Map([...desired].map(([file, text]) => [file, blobId(text)]));
    const changes = compareFiles(desiredIds, committed, owns);
    const unchanged = (file: string) => committed.get(file) !== undefined && committed.get(file) === desiredIds.get(file);
    const committedTexts = await readCommitted(options.repo, committed, (file) => !owns(file) || !unchanged(file));
    refuseLargeRemovals(options, config, spaceNames, kinds, committed, committedTexts, read, unchanged);
    await compiling;
    // The self-check runs while git packs the texts (below), unless the snapshot must first switch
    // an existing working tree to its branch: that it checks before changing anything. A new
    // repository's `.git`, made before the check, goes again when the check fails.
    const hadGit = existsSync(path.join(options.repo, '.git'));
    let checking: Promise<void> | undefined;
    const check = () => (checking ??= refuseInvalidRepository(committedTexts, desired, owns, read.bodies));
    try {
      const repo = await openRepository(options.repo);
      if (!options.detached) {
        if (!hadGit) await startFirstBranch(repo, branch);
        else if ((await currentBranch(repo)) !== branch) {
          await check();
          await checkoutBranch(repo, branch);
        }
      }
      options.progress?.({ step: 'write', files: desired.size });
      // A file the branch has as desired, and the working tree as the branch, is not read or written
      // (a repository just created has no commit to compare with).
      const edited = hadGit ? await changedSinceHead(options.repo) : undefined;
      const others = staged ? new Map([...desired].filter(([file]) => !staged.holds(file))) : desired;
      const writeFiles = async () => {
        await check();
        await syncFiles(options.repo, others, (file) => owns(file) && !staged?.holds(file), (file) => edited !== undefined && !edited.has(file) && unchanged(file));
        await staged?.place();
      };
      const message = options.message ?? summarize(changes, read.names);
      const edits = new Map<string, string | null>([...changes.added, ...changes.changed].map((file) => [file, desired.get(file) as string]));
      for (const file of changes.removed) edits.set(file, null);
      // git is given the texts, not the files: it packs them while the snapshot checks itself and the files are written.
      const statOf = (file: string) => staged?.statOf(file);
      const commit = edits.size > 0 ? await commitFiles(options.repo, edits, message, writeFiles, desiredIds, statOf) : (await writeFiles(), undefined);
      const serialized = texts.serialized;
      texts.finish();
      return { branch, commit, message: commit ? message : undefined, changes, documents: read.count, serialized };
    } catch (error) {
      if (!hadGit && error instanceof OctosyncError && error.code === 'snapshot-invalid') await rm(path.join(options.repo, '.git'), { recursive: true, force: true });
      throw error;
    }
  } finally {
    await (await staging.catch(() => undefined))?.discard();
  }
}

/**
 * A writer for every folder in `candidates` (`spaces/default/`) that neither the branch
 * (`committed`) nor the working tree has (see repo/staged-files.ts); undefined when none.
 */
function stageNewFolders(repo: string, candidates: readonly string[], committed: ReadonlyMap<string, string>): StagedFolders | undefined {
  const committedFiles = [...committed.keys()];
  const fresh = candidates.map((folder) => folder.slice(0, -1)).filter((folder) => !committedFiles.some((file) => file.startsWith(`${folder}/`)) && !existsSync(path.join(repo, folder)));
  return fresh.length > 0 ? new StagedFolders(repo, fresh) : undefined;
}

interface SourceRead {
  /** Repository path → YAML text of every document. */
  files: Map<string, string>;
  /** Repository path → what it holds, for the commit message. */
  names: Map<string, string>;
  /** Documents by space name. */
  documents: Map<string, KindDocument[]>;
  /** Repository path → the document body its text holds (so it need not be parsed again). */
  bodies: Map<string, JsonObject>;
  count: number;
  /** What the server can hold, as the first space shows it (see source.yaml). */
  capabilities: Pick<Capabilities, 'flavour' | 'tenantVariableScoping'>;
}

/** Every space read and turned into documents; refused whole when any answer is incomplete or dangles. */
async function readSource(
  options: SnapshotOptions,
  spaces: readonly SpaceSummary[],
  spaceNames: readonly string[],
  kinds: readonly Kind[],
  config: RepoConfig,
  texts: DocumentTexts,
  staging: Promise<StagedFolders | undefined>,
): Promise<SourceRead> {
  const result: SourceRead = { files: new Map(), names: new Map(), documents: new Map(), bodies: new Map(), count: 0, capabilities: { flavour: 'self-hosted', tenantVariableScoping: false } };
  const problems: Problem[] = [];
  for (const spaceName of spaceNames) {
    const spaceId = await resolveSpaceId(options.api, spaceName, { spaces });
    const live = await (options.readSpace ?? readSpaceFor)(options.api, spaceId, kinds, [], (done, total) =>
      options.progress?.({ step: 'read', space: spaceName, done, total }),
    );
    if (spaceName === spaceNames[0]) {
      const { flavour, tenantVariableScoping } = capabilitiesOf(live);
      result.capabilities = { flavour, tenantVariableScoping };
    }
    const resolver = new NameResolver(buildRefTable(live));
    const spaceSlug = slugify(spaceName);
    const documents: KindDocument[] = [];
    const staged = await staging;
    for (const kind of kinds) {
      // Each kind's files go to the writer as soon as they are made (see repo/staged-files.ts).
      const made: [string, string][] = [];
      for (const doc of kind.toDocuments(live, resolver)) {
        if (isDocumentExcluded(config.exclude ?? [], spaceName, doc)) continue;
        const file = documentPath(spaceSlug, doc.file);
        const text = texts.format(file, doc.body, schemaReference(file, doc.kind));
        result.files.set(file, text);
        made.push([file, text]);
        result.names.set(file, `${kind.title} ${doc.name}`);
        result.bodies.set(file, doc.body);
        documents.push(doc);
      }
      staged?.add(made);
    }
    // What version-controlled projects keep in Git, for review only (kinds/projects/git-held.ts).
    if (config.snapshot?.gitHeldParts) {
      const kept = new Set(documents.filter((doc) => doc.kind === 'projects').map((doc) => doc.name));
      for (const held of await readGitHeldParts(options.api, spaceId, live, resolver, (name) => kept.has(name))) {
        const file = documentPath(spaceSlug, held.file);
        const text = texts.format(file, held.body);
        result.files.set(file, text);
        staged?.add([[file, text]]);
        result.names.set(file, held.title);
      }
    }
    result.documents.set(spaceName, documents);
    result.count += documents.length;
    problems.push(...[...incompleteReads(live), ...resolver.problems].map((problem) => ({ ...problem, where: `space '${spaceName}': ${problem.where}` })));
  }
  if (problems.length > 0) {
    throw new OctosyncError('snapshot-invalid', `the source cannot be snapshotted; nothing was written:\n${problems.map((p) => `  - ${p.where}: ${p.message}`).join('\n')}`, { problems });
  }
  return result;
}

/** Blob ids (path → id) of the branch's state files as last committed (none for a branch or repository that does not exist yet). */
async function committedFiles(repo: string, branch: string): Promise<Map<string, string>> {
  if (!existsSync(path.join(repo, '.git'))) return new Map();
  const commit = await resolveRef(repo, branch).catch(() => undefined);
  if (!commit) return new Map();
  return listBlobsAt(repo, commit, (file) => file === CONFIG_FILE || file === GITIGNORE || file === SOURCE_FILE || [SPACES_DIR, SCHEMAS_DIR, DESTINATIONS_DIR].some((dir) => file.startsWith(`${dir}/`)));
}

/** The texts of the committed files `wanted` selects, in one batch. */
async function readCommitted(repo: string, committed: ReadonlyMap<string, string>, wanted: (file: string) => boolean): Promise<Map<string, string>> {
  const selected = [...committed].filter(([file]) => wanted(file));
  const texts = await readBlobs(repo, new Set(selected.map(([, id]) => id)));
  return new Map(selected.map(([file, id]) => [file, texts.get(id) as string]));
}

/** What committing `desired` (path → blob id) changes on a branch holding `committed` (the same), among the files octosync owns. */
function compareFiles(desired: ReadonlyMap<string, string>, committed: ReadonlyMap<string, string>, owns: (file: string) => boolean): FileChanges {
  const changes: FileChanges = { added: [], changed: [], removed: [] };
  for (const [file, id] of desired) {
    const before = committed.get(file);
    if (before === undefined) changes.added.push(file);
    else if (before !== id) changes.changed.push(file);
  }
  for (const file of committed.keys()) if (owns(file) && !desired.has(file)) changes.removed.push(file);
  return changes;
}

/**
 * An unexpected drop since the last snapshot (a whole kind, or more than a share of it) is more
 * likely an incomplete answer than a cleanup: it needs confirmation.
 */
function refuseLargeRemovals(
  options: SnapshotOptions,
  config: RepoConfig,
  spaceNames: readonly string[],
  kinds: readonly Kind[],
  committed: ReadonlyMap<string, string>,
  committedTexts: ReadonlyMap<string, string>,
  read: SourceRead,
  unchanged: (file: string) => boolean,
): void {
  if (options.allowLargeRemoval || config.snapshot?.allowLargeRemoval) return;
  const current = read.documents;
  const policy = { share: config.snapshot?.largeRemovalShare ?? DEFAULT_REMOVAL_POLICY.share };
  // A committed file the snapshot writes again unchanged holds what was just read: not parsed again.
  const known = new Map([...read.bodies].filter(([file]) => unchanged(file)));
  const previous = documentsOf([...committed.keys()], committedTexts, kinds.map((kind) => kind.name), known);
  const findings: string[] = [];
  for (const spaceName of spaceNames) {
    // Documents the config now leaves out are not counted as removed: the config said so. Nor
    // are runbooks of projects that now keep them in Git: the source says where they went.
    const movedToGit = runbooksMovedToGit(current.get(spaceName) ?? []);
    const before = (previous.get(slugify(spaceName)) ?? []).filter((doc) => !isDocumentExcluded(config.exclude ?? [], spaceName, doc) && !movedToGit(doc));
    const found = largeRemovals(measureDocuments(before), measureDocuments(current.get(spaceName) ?? []), policy);
    findings.push(...found.map((finding) => `space '${spaceName}': ${finding}`));
  }
  if (findings.length === 0) return;
  throw new OctosyncError(
    'snapshot-large-removal',
    `the snapshot would remove more than a snapshot usually does, which an incomplete answer from the source also looks like; nothing was written:\n${findings.map((f) => `  - ${f}`).join('\n')}\nIf the source really lost them, snapshot again with --allow-large-removal (or set snapshot.allowLargeRemoval in ${CONFIG_FILE}).`,
    { findings },
  );
}

/**
 * A repository's documents by space folder (bodies from `known` where given, else parsed),
 * skipping files that do not parse: they are not counted.
 */
function documentsOf(files: readonly string[], texts: ReadonlyMap<string, string>, kinds: readonly KindName[], known: ReadonlyMap<string, JsonObject>): Map<string, KindDocument[]> {
  const bySpace = new Map<string, KindDocument[]>();
  for (const file of files) {
    const located = locateDocument(file, kinds);
    if (!located) continue;
    let body: JsonObject;
    try {
      body = known.get(file) ?? (loadYaml(texts.get(file) ?? '', file) as JsonObject);
    } catch {
      continue;
    }
    const name = documentName(located.kind, body);
    if (name === undefined) continue;
    const docs = bySpace.get(located.space) ?? [];
    docs.push({ kind: located.kind, name, file: file.slice(`${SPACES_DIR}/${located.space}/`.length), body });
    bySpace.set(located.space, docs);
  }
  return bySpace;
}

/** Two spaces whose names make the same folder would overwrite each other's files. */
function refuseSharedFolders(spaceNames: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const name of spaceNames) {
    const other = seen.get(slugify(name));
    if (other !== undefined) throw new OctosyncError('config-invalid', `spaces '${other}' and '${name}' would share the folder ${SPACES_DIR}/${slugify(name)}/: snapshot them into separate repositories, or rename one; nothing was written`);
    seen.set(slugify(name), name);
  }
}

/**
 * A snapshot never commits a repository `validate` rejects in what the snapshot writes. Checked
 * in slices: what runs beside it (git packing the texts, the thread writing the new folders) is
 * answered as soon as it needs to be, not once the whole check is over.
 */
async function refuseInvalidRepository(committed: ReadonlyMap<string, string>, desired: ReadonlyMap<string, string>, owns: (file: string) => boolean, bodies: ReadonlyMap<string, JsonObject>): Promise<void> {
  const files = new Map([...committed].filter(([file]) => !owns(file)));
  for (const [file, text] of desired) files.set(file, text);
  const errors = (await validateRepositoryInSlices(files, loadSchemas(), kindsInOrder(), bodies)).errors.filter((issue) => owns(issue.file));
  if (errors.length === 0) return;
  throw new OctosyncError('snapshot-invalid', `the snapshot would make a repository that validate rejects; nothing was written:\n${errors.map((e) => `  - ${formatIssue(e)}`).join('\n')}`, { errors });
}

function defaultSpaceName(api: OctopusApi, spaces: readonly SpaceSummary[]): string {
  const space = spaces.find((s) => s.IsDefault) ?? spaces[0];
  if (!space) throw new OctosyncError('no-space', `${api.server} has no spaces to snapshot`);
  return space.Name;
}

/** Resources a commit message lists one by one; beyond them it counts by kind. */
const LISTED_CHANGES = 100;

/**
 * `snapshot: 2 added, 5 changed, 1 removed`, then one line per resource. A large change (a first
 * snapshot of a large instance) is counted by kind, and only its first resources are listed:
 * `git show --stat` has every file.
 */
export function summarize(changes: FileChanges, names: ReadonlyMap<string, string>): string {
  const kinds = allKinds();
  // Each file located once (a first snapshot lists thousands, counted below for every kind).
  const located = new Map<string, KindName>();
  const documentsOnly = (files: string[]) =>
    files.filter((file) => {
      const kind = locateDocument(file, kinds)?.kind;
      if (kind !== undefined) located.set(file, kind);
      return kind !== undefined;
    });
  const added = documentsOnly(changes.added);
  const changed = documentsOnly(changes.changed);
  const removed = documentsOnly(changes.removed);
  const head = `snapshot: ${added.length} added, ${changed.length} changed, ${removed.length} removed`;
  const describe = (file: string) => names.get(file) ?? file.replace(/^spaces\//, '').replace(/\.yaml$/, '');
  const lines = [...added.map((f) => `+ ${describe(f)}`), ...changed.map((f) => `~ ${describe(f)}`), ...removed.map((f) => `- ${describe(f)}`)];
  if (lines.length === 0) return head;
  if (lines.length <= LISTED_CHANGES) return `${head}\n\n${lines.join('\n')}\n`;
  const byKind = kinds
    .map((kind) => {
      const count = (files: string[]) => files.filter((file) => located.get(file) === kind).length;
      const counts = [[count(added), 'added'], [count(changed), 'changed'], [count(removed), 'removed']] as const;
      const parts = counts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
      return parts.length > 0 ? `${kind}: ${parts.join(', ')}` : undefined;
    })
    .filter((line) => line !== undefined);
  const listed = lines.slice(0, LISTED_CHANGES);
  return `${head}\n\n${byKind.join('\n')}\n\n${listed.join('\n')}\n… and ${lines.length - listed.length} more (git show --stat lists every file)\n`;
}

function allKinds(): KindName[] {
  return kindsInOrder().map((kind) => kind.name);
}

/** The server's version (from its root document, served without a key) and its spaces. */
async function readServer(api: OctopusApi): Promise<Pick<ServerInfo, 'version' | 'spaces'>> {
  const [root, spaces] = await Promise.all([api.get<{ Version?: unknown }>('/api'), listSpaces(api)]);
  return { version: typeof root.Version === 'string' ? root.Version : 'unknown', spaces };
}
