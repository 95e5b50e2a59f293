// `octosync plan`: desired = the repository's documents at a commit + the destination's overlay;
// live = the destination read and normalized by the same kinds; plan = their difference.
// Read (repository, destination, secrets' digests) → compute (pure) → print or save.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { jsonEqual } from '../core/canonical.js';
import { isDocumentExcluded } from '../core/exclusions.js';
import type { JsonObject, KindDocument, LiveSpace } from '../core/document.js';
import { applyOverlay } from '../core/overlay.js';
import type { OverlayFields } from '../core/overlay.js';
import { KNOWN_PHASE_FIELDS, knownFields } from '../kinds/known-fields.js';
import type { GitHeldDifference, Plan, PlanProblem } from '../core/plan.js';
import { computePlan, documentKey } from '../core/plan.js';
import { KnownNames, describeMissing } from '../core/references.js';
import { NameResolver, buildRefTable } from '../core/refs.js';
import type { SecretSource } from '../core/secrets.js';
import { scopeText } from '../core/secrets.js';
import { slugify } from '../core/slug.js';
import { readSpaceFor } from '../kinds/read-live.js';
import type { SpaceReader } from '../kinds/read-live.js';
import { kindsInOrder } from '../kinds/registry.js';
import { BUILT_IN_NAMES } from '../kinds/shared/built-ins.js';
import type { Kind, ReferenceContext } from '../kinds/types.js';
import { referencesOf } from '../kinds/document-references.js';
import type { OctopusClient } from '../octopus/index.js';
import { isOctopusApiError, resolveSpaceId } from '../octopus/index.js';
import { parseRepoConfig } from '../repo/config.js';
import type { RepoConfig } from '../repo/config.js';
import { destinationFile, parseDestination } from '../repo/destination.js';
import type { Destination } from '../repo/destination.js';
import { readDocuments } from '../repo/documents.js';
import { readFileAt, readFilesAt, resolveRef } from '../repo/git.js';
import { readParsedFilesAt } from '../repo/parsed-documents.js';
import type { ParsedDocuments } from '../repo/parsed-documents.js';
import { CONFIG_FILE, DESTINATIONS_DIR } from '../repo/layout.js';
import { listFiles, readFiles } from '../repo/state-files.js';
import { parseYaml } from '../repo/yaml.js';
import { digestKey } from '../state/digest-key.js';
import { readStatus } from '../state/status-store.js';
import { defaultStateDir } from '../state/state-dir.js';
import { readManagedState } from '../state/applied-record.js';
import type { ManagedState } from '../state/applied-record.js';
import { validateRepositoryInSlices } from '../validate/repository.js';
import { YamlAhead } from '../repo/yaml-ahead.js';
import { loadSchemas } from '../validate/schemas.js';
import type { SchemaSet } from '../validate/schemas.js';
import { connectWithKey } from './connect.js';
import type { Connection } from './connect.js';
import { adaptToDestination, versionNotice } from './server-compatibility.js';
import { convertibleProjects, persistenceFindings } from '../kinds/projects/persistence.js';
import { gitHeldDrift } from './git-held-drift.js';
import { runbookMigrations, runbooksInGitFindings } from '../kinds/projects/runbooks-in-git.js';
import { SOURCE_FILE, parseSourceRecord } from '../repo/source-record.js';
import { OctosyncError } from './errors.js';
import type { FollowedDestination } from './followed-destination.js';
import { connectionChanges, followedDestination } from './followed-destination.js';
import type { SecretReader } from './secret-values.js';
import { SecretUnavailableError, checkApiKey, secretDigest, secretFilePolicy, secretReader } from './secret-values.js';
import { formatIssue } from './validate.js';
import { addDeleteConsequences } from './delete-consequences.js';
import { followRenames } from './plan-renames.js';
import type { Rename } from '../core/renames.js';
import { mentions } from '../core/renames.js';
import { collectGarbage } from './plan-memory.js';

export interface PlanOptions {
  repo: string;
  destination: string;
  /** Branch, tag or commit; default: the branch the destination follows, else HEAD. */
  ref?: string;
  env: NodeJS.ProcessEnv;
  /** Where status lives; default `<repo>/.octosync`. */
  stateDir?: string;
  /** Directories secret files may be read from (see secretFilePolicy). */
  secretDirs?: string[];
  /** Requests in flight to the destination at most (and writes an apply runs at once); default 8. */
  concurrency?: number;
  /**
   * Read the secrets' values too (apply): a value that is not available is then a problem, and
   * one that changed behind an unchanged source is set again. A plan never needs them.
   */
  readSecretValues?: boolean;
  /** Deletes of every document of a kind, or of a large share, are confirmed (as the destination's allowLargeDeletes). */
  allowLargeDeletes?: boolean;
  /** Files already parsed, by blob (a daemon keeps them between runs); those parsed now are added. */
  parsed?: ParsedDocuments;
  /** How the destination's spaces are read (drift checks read incrementally); default readSpaceFor. */
  readSpace?: SpaceReader;
  /**
   * Collect garbage once each space is read (the repository read and validated by then): a
   * one-shot plan's peak memory (plan-memory.ts). A daemon leaves it to V8.
   */
  collectGarbage?: boolean;
  /** Parse the repository's files on another thread while validating them (repo/yaml-ahead.ts): a one-shot plan's. */
  parseAhead?: boolean;
}

/** One destination space: what it should be and what it is. */
export interface SpacePlanState {
  /** Destination space name. */
  name: string;
  /** '' for a space the destination does not have yet, which apply creates first (createSpaces). */
  spaceId: string;
  desired: KindDocument[];
  liveDocuments: KindDocument[];
  live: LiveSpace;
}

export interface PreparedPlan {
  plan: Plan;
  destination: Destination;
  spaces: SpacePlanState[];
  /** Document key → secret path → source. */
  secretSources: Map<string, Map<string, SecretSource>>;
  secrets: SecretReader;
  /** What the destination last applied (managed set, secret sources), from the state repository. */
  managed: ManagedState;
  /** The state directory's key for secret digests (when the values were read). */
  digestKey?: Buffer;
  kinds: Kind[];
  client: OctopusClient;
  /** The state repository. */
  repo: string;
  stateDir: string;
}

/** Reads everything and computes the plan. The caller closes `client`. */
export async function preparePlan(options: PlanOptions): Promise<PreparedPlan> {
  const schemas = loadSchemas();
  const stateDir = options.stateDir ?? defaultStateDir(options.repo);
  const followed = await followedDestination(options.repo, options.destination, schemas);
  const commit = await commitToPlan(options, followed);
  // The destination is read while the repository is read and validated: neither needs the other,
  // and the reads mostly wait on the server. What goes wrong with them is reported only once the
  // repository is found valid: an invalid repository is reported first, and nothing is planned.
  const planning = settled(readPlannedCommit(options, commit, schemas, kindsInOrder()));
  const secrets = secretReader(options.env, secretFilePolicy({ stateDir, env: options.env, secretDirs: options.secretDirs }));
  const early = await startReadsEarly(options, commit, followed, schemas, secrets);
  let planned: PlannedCommit;
  try {
    planned = await planning;
  } catch (error) {
    early?.abandon(error);
    throw error;
  }
  const { destinationText, destination, config, source, documents, kinds } = planned;
  const reads = early ?? startReads(options, { destination, config, kinds }, followed, secrets);
  reads.documentsRead(documents);
  const notices: string[] = [];
  const { client, server } = await reads.connection;
  notices.push(...reads.notices);
  // What an overlay may add to a document, and where in the destination file each override is.
  const overlayFields: OverlayFields = { kind: (kind) => knownFields(kind, schemas.properties(kind)), phase: KNOWN_PHASE_FIELDS };
  const destinationLines = { file: destinationFile(destination.name), yaml: parseYaml(destinationText, destinationFile(destination.name)) };
  const olderThanSource = versionNotice(source, destination.name, server.version);
  if (olderThanSource) notices.push(olderThanSource);

  try {
    const problems: PlanProblem[] = [];
    const spaces: SpacePlanState[] = [];
    const secretSources = new Map<string, Map<string, SecretSource>>();
    if (!config.spaces?.length) throw new OctosyncError('config-invalid', `${CONFIG_FILE} lists no spaces: nothing to plan`);
    const managed = await readManagedState(options.repo, stateDir, destination.name);
    if (managed.notice) notices.push(managed.notice);
    const renames: Rename[] = [];
    const gitHeld: GitHeldDifference[] = [];
    for (const sourceName of spacesTaken(config.spaces, destination)) {
      const name = destination.spaces?.[sourceName] ?? sourceName;
      const { spaceId, read } = await reads.space(sourceName);
      if (options.collectGarbage) collectGarbage();
      if (spaceId === '') notices.push(`space '${name}' does not exist in destination '${destination.name}' yet: apply creates it first (createSpaces: true), then plans it again with what a new space has`);
      const exclude = destination.exclude ?? [];
      const repoDocuments = documentsTaken(documents, sourceName, destination);
      // A space's own overlays, if the destination gives it some; else the destination's.
      const overlays = destination.spaceOverlays?.[name] ?? destination.overlays;
      const overlaid = applyOverlay(name, repoDocuments, overlays, overlayFields);
      const toDocuments = (live: LiveSpace) => {
        const liveNames = new NameResolver(buildRefTable(live));
        return kinds.flatMap((kind) => kind.toDocuments(live, liveNames)).filter((doc) => !isDocumentExcluded(exclude, name, doc));
      };
      // The destination as it will be once what was renamed at the source is renamed there too.
      const { live, liveDocuments, renames: renamed } = followRenames(name, overlaid.documents, read, toDocuments, managed.documents);
      renames.push(...renamed);
      problems.push(...overlaid.problems.map((problem) => inDestinationFile(problem, destinationLines)));
      for (const [key, sources] of overlaid.secretSources) secretSources.set(key, sources);
      // What this destination's version and flavour can hold (server-compatibility.ts).
      const compatible = adaptToDestination({ space: name, desired: overlaid.documents, liveDocuments, live, kinds, destinationVersion: server.version, source });
      problems.push(...compatible.problems);
      notices.push(...compatible.notices);
      // Where each project's configuration lives, here and in the repository (kinds/projects/persistence.ts).
      const persistence = persistenceFindings({
        space: name,
        desired: compatible.desired,
        live: compatible.liveDocuments,
        convertible: convertibleProjects(overlays?.versionControl),
        createdToConvert: managed.converting,
        liveProjects: live.projects ?? [],
      });
      problems.push(...persistence.problems);
      notices.push(...persistence.notices);
      // What the destination's version-controlled projects keep in Git, against the repository's review copies.
      if (config.snapshot?.gitHeldParts && spaceId !== '') {
        gitHeld.push(...(await gitHeldDrift({ api: client, space: name, spaceId, spaceSlug: slugify(sourceName), live, desired: compatible.desired, repo: options.repo, commit })));
      }
      // Where each project's runbooks live (kinds/projects/runbooks-in-git.ts): those in Git are not compared.
      const runbooks = runbooksInGitFindings({ space: name, desired: compatible.desired, live: compatible.liveDocuments, migratable: runbookMigrations(overlays?.versionControl) });
      problems.push(...runbooks.problems);
      notices.push(...runbooks.notices);
      const desired = checkReferences(name, secretSources, compatible.desired, runbooks.live, live, kinds, destination.scopePolicy ?? 'error', problems);
      spaces.push({ name, spaceId, desired, liveDocuments: sharingEqualBodies(runbooks.live, desired), live });
    }

    // An overlay that names a resource by its old name must be updated with the rename.
    for (const [index, problem] of problems.entries()) {
      const rename = problem.pointer === undefined ? undefined : renames.find((r) => mentions(`${problem.where} ${problem.message}`, r.from));
      if (rename) problems[index] = { ...problem, message: `${problem.message} (${rename.from} is renamed to '${rename.to}' by this commit: update the overlay)` };
    }
    const key = options.readSecretValues ? await digestKey(stateDir) : undefined;
    const secretDigests = key ? await digestSecrets(secretSources, secrets, key, problems) : undefined;
    const localDigests = key ? (await readStatus(stateDir, destination.name)).lastApplied?.secretDigests : undefined;
    const plan = computePlan({
      destination: destination.name,
      ref: options.ref,
      commit,
      overlayDigest: digest(destinationText),
      kinds,
      spaces: spaces.map((space) => ({ space: space.name, desired: space.desired, live: space.liveDocuments })),
      secretSources,
      ...(secretDigests ? { secretDigests } : {}),
      lastApplied: {
        documents: managed.documents,
        secretSources: managed.secretSources,
        ...(key ? { secretDigests: new Map(Object.entries(localDigests ?? {})) } : {}),
      },
      ...(managed.unreadable ? { incomplete: [`${managed.unreadable}. Deletes of what octosync applied before may be missing from this plan.`] } : {}),
      prune: destination.prune ?? false,
      renames,
      builtIns: builtInKeys(spaces),
      ...(destination.largeDeleteShare === undefined ? {} : { largeDeleteShare: destination.largeDeleteShare }),
      allowLargeDeletes: options.allowLargeDeletes === true || destination.allowLargeDeletes === true,
      missingSecrets: destination.missingSecrets ?? 'error',
      problems,
      notices,
      // Fields the destination did not keep when last written would be written again for nothing.
      ...(managed.notKept ? { notKept: managed.notKept } : {}),
    });
    if (gitHeld.length > 0) plan.gitHeld = gitHeld;
    await addDeleteConsequences(client, plan, spaces);
    return { plan, destination, spaces, secretSources, secrets, managed, ...(key ? { digestKey: key } : {}), kinds, client, repo: options.repo, stateDir };
  } catch (error) {
    await client.close();
    throw error;
  }
}

type PlannedCommit = Awaited<ReturnType<typeof readPlannedCommit>>;

/** The files a plan reads at a commit (one function: a daemon's plans of one commit share its read). */
const plannedFile = (file: string) => file === CONFIG_FILE || file === SOURCE_FILE || file.startsWith('spaces/') || file.startsWith(`${DESTINATIONS_DIR}/`);

/**
 * What a plan takes from the repository at a commit: the files validated, then their documents.
 * The files' texts are left behind once parsed (tens of megabytes for a large instance).
 */
async function readPlannedCommit(options: PlanOptions, commit: string, schemas: SchemaSet, kinds: readonly Kind[]) {
  // The parsing thread's code loads while Git answers.
  const ahead = options.parseAhead ? YamlAhead.start() : undefined;
  try {
    return await readValidatedCommit(options, commit, schemas, kinds, ahead);
  } finally {
    ahead?.stop();
  }
}

async function readValidatedCommit(options: PlanOptions, commit: string, schemas: SchemaSet, kinds: readonly Kind[], ahead: YamlAhead | undefined) {
  const { files, parsed, clean, valid, keep } = await readParsedFilesAt(options.repo, commit, plannedFile, options.parsed);
  const destinationText = files.get(destinationFile(options.destination));
  if (destinationText === undefined) {
    const known = [...files.keys()].filter((f) => f.startsWith(`${DESTINATIONS_DIR}/`)).map((f) => path.basename(f, '.yaml'));
    throw new OctosyncError('config-invalid', `unknown destination '${options.destination}': there is no ${destinationFile(options.destination)} at ${commit.slice(0, 12)} (known: ${known.join(', ') || 'none'})`);
  }
  // A commit already validated (a daemon plans it for each of its destinations) is not validated again.
  const report = valid ? { errors: [], values: parsed } : await validateRepositoryInSlices(files, schemas, kinds, parsed, clean, ahead);
  if ('clean' in report) keep(report.values, report.clean, report.errors.length === 0);
  if (report.errors.length > 0) {
    throw new OctosyncError('repo-invalid', `the repository at ${commit.slice(0, 12)} is not valid; nothing was planned:\n${report.errors.map((e) => `  ${formatIssue(e)}`).join('\n')}`);
  }
  const { config, destination, kinds: synced } = plannedSettings(options, files, schemas, kinds);
  return {
    kinds: synced,
    destinationText,
    destination,
    config,
    source: parseSourceRecord(files.get(SOURCE_FILE)),
    documents: readDocuments(files, synced.map((k) => k.name), report.values),
  };
}

/** The repository's settings and the destination's, and the kinds the repository snapshots. */
function plannedSettings(options: PlanOptions, files: ReadonlyMap<string, string>, schemas: SchemaSet, kinds: readonly Kind[]): ReadSettings {
  const config = parseRepoConfig(files.get(CONFIG_FILE) ?? 'source: {server: "http://unknown"}\n', schemas);
  // Kinds the repository does not snapshot are neither desired nor compared.
  const synced = config.kinds ? kinds.filter((kind) => config.kinds?.includes(kind.name)) : [...kinds];
  return { config, destination: parseDestination(options.destination, files.get(destinationFile(options.destination)) ?? '', schemas), kinds: synced };
}

/** What reading a destination needs to know: which spaces, which kinds, and where. */
interface ReadSettings {
  config: RepoConfig;
  destination: Destination;
  kinds: Kind[];
}

/** The destination's reads, started; each is awaited where the plan needs it, and its errors surface there. */
interface DestinationReads {
  connection: Promise<Connection>;
  /** What the connection settings under review change (see connectionOf). */
  notices: string[];
  /** A source space's destination space: its id ('' when it does not exist yet) and what was read of it. */
  space(sourceName: string): Promise<{ spaceId: string; read: LiveSpace }>;
  /** The repository's documents by space folder, once validated (the on-demand reads look at them). */
  documentsRead(documents: Map<string, KindDocument[]>): void;
  /** The repository is not valid: nothing more is read, and the connection is closed. */
  abandon(reason: unknown): void;
}

/**
 * The destination's reads started before the repository is read and validated, when the files
 * they depend on (octosync.yaml, the destination's file) are valid on their own; otherwise
 * undefined, and validation says what is wrong with them.
 */
async function startReadsEarly(options: PlanOptions, commit: string, followed: FollowedDestination | undefined, schemas: SchemaSet, secrets: SecretReader): Promise<DestinationReads | undefined> {
  try {
    const files = new Map<string, string>();
    for (const file of [CONFIG_FILE, destinationFile(options.destination)]) {
      const text = await readFileAt(options.repo, commit, file);
      if (text !== undefined) files.set(file, text);
    }
    if (!files.has(destinationFile(options.destination))) return undefined;
    return startReads(options, plannedSettings(options, files, schemas, kindsInOrder()), followed, secrets);
  } catch {
    return undefined;
  }
}

function startReads(options: PlanOptions, settings: ReadSettings, followed: FollowedDestination | undefined, secrets: SecretReader): DestinationReads {
  const { destination, config, kinds } = settings;
  const notices: string[] = [];
  const connection = settled(Promise.resolve().then(() => connectToDestination(destination.name, connectionOf(options, destination, followed, notices), secrets, options.concurrency)));
  let documentsRead: (documents: Map<string, KindDocument[]>) => void = () => undefined;
  let documentsLost: (reason: unknown) => void = () => undefined;
  const documents = settled(
    new Promise<Map<string, KindDocument[]>>((resolve, reject) => {
      documentsRead = resolve;
      documentsLost = reject;
    }),
  );
  const readOne = (sourceName: string) =>
    settled(
      connection.then(async ({ client, server }) => {
        const name = destination.spaces?.[sourceName] ?? sourceName;
        const spaceId = await resolveSpaceId(client, name, { spaces: server.spaces }).catch((error: unknown) => {
          if (destination.createSpaces && isOctopusApiError(error) && error.reason === 'not-found') return '';
          throw new OctosyncError('config-invalid', `destination '${destination.name}' has no space '${name}' (${(error as Error).message}); create it, or let apply create it with createSpaces: true in ${destinationFile(destination.name)}`);
        });
        const desired = settled(documents.then((byFolder) => documentsTaken(byFolder, sourceName, destination)));
        const read: LiveSpace = spaceId === '' ? {} : await (options.readSpace ?? readSpaceFor)(client, spaceId, kinds, desired);
        return { spaceId, read };
      }),
    );
  const started = new Map<string, ReturnType<typeof readOne>>();
  const space = (sourceName: string) => {
    const read = started.get(sourceName) ?? readOne(sourceName);
    started.set(sourceName, read);
    return read;
  };
  try {
    for (const sourceName of spacesTaken(config.spaces ?? [], destination)) void space(sourceName);
  } catch {
    // The plan reports it where it takes the spaces.
  }
  return {
    connection,
    notices,
    space,
    documentsRead: (byFolder) => documentsRead(byFolder),
    abandon: (reason) => {
      documentsLost(reason);
      void connection.then(({ client }) => client.close()).catch(() => undefined);
    },
  };
}

/** The promise, with its failure left for whoever awaits it (not an unhandled rejection meanwhile). */
function settled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** The repository's documents of a source space that a destination takes (its exclusions left out). */
function documentsTaken(documents: ReadonlyMap<string, KindDocument[]>, sourceName: string, destination: Destination): KindDocument[] {
  const name = destination.spaces?.[sourceName] ?? sourceName;
  const exclude = destination.exclude ?? [];
  return (documents.get(slugify(sourceName)) ?? []).filter((doc) => !isDocumentExcluded(exclude, name, doc));
}

/** Connects to a destination with the key its file says where to find. */
export async function connectToDestination(name: string, connection: Pick<Destination, 'server' | 'apiKey'>, secrets: SecretReader, concurrency?: number): Promise<Connection> {
  const keyFor = `the API key of destination '${name}'`;
  const apiKey = await secrets
    .read(connection.apiKey, keyFor)
    .then((value) => checkApiKey(value, connection.apiKey, keyFor))
    .catch((error: unknown) => {
      throw new OctosyncError('missing-api-key', (error as Error).message);
    });
  return connectWithKey(connection.server, apiKey, concurrency);
}

/**
 * Where to connect, and with which key: from the destination file on the branch it follows, never
 * from the ref planned (a pull request's head in CI). Without a followed branch, only the operator's
 * own checkout is planned with its own file; a ref under review is refused.
 */
function connectionOf(options: PlanOptions, destination: Destination, followed: FollowedDestination | undefined, notices: string[]): Pick<Destination, 'server' | 'apiKey'> {
  if (!followed) {
    if (!options.ref) return destination;
    throw new OctosyncError(
      'config-invalid',
      `no branch follows destination '${destination.name}', so there is no server and key to plan ${options.ref} with: the connection comes from ${destinationFile(destination.name)} on the branch it follows (a branch, or origin/<branch> in a clone, whose copy says branch: <that branch>), never from the ref under review. Nothing was planned.`,
    );
  }
  const changed = connectionChanges(destination, followed);
  if (changed.length > 0) {
    notices.push(
      `${destinationFile(destination.name)} at ${options.ref ?? 'the planned commit'} changes ${changed.join(', ')}: this plan connects as ${followed.ref} says; the change takes effect only once merged into ${followed.branch}`,
    );
  }
  return followed.destination;
}

/**
 * The commit to plan: the given ref; else the head of the branch the destination follows; else,
 * in a repository where no branch follows it, HEAD (or the branch HEAD's file names, if any).
 */
async function commitToPlan(options: PlanOptions, followed: FollowedDestination | undefined): Promise<string> {
  if (options.ref) return resolveRef(options.repo, options.ref);
  if (followed) return followed.commit;
  const head = await resolveRef(options.repo, 'HEAD').catch(() => {
    throw new OctosyncError('repo-invalid', `${options.repo} has no commits to plan from`);
  });
  const files = await readFilesAt(options.repo, head, (file) => file === destinationFile(options.destination));
  const text = files.get(destinationFile(options.destination)) ?? (await readWorkingTreeDestination(options));
  // Only the branch is needed here; the file is validated with the rest at the planned commit.
  const value = text ? parseYaml(text, destinationFile(options.destination)).value : undefined;
  const branch = value && typeof value === 'object' && !Array.isArray(value) && typeof value.branch === 'string' ? value.branch : undefined;
  if (!branch) return head;
  // A destination that follows a branch is planned from that branch or not at all: falling back
  // to whatever is checked out would apply unreviewed commits.
  throw new OctosyncError(
    'config-invalid',
    `destination '${options.destination}' follows the branch '${branch}', which ${options.repo} does not have with a ${destinationFile(options.destination)} that says so (fetch it, or plan another ref with --ref)`,
  );
}

async function readWorkingTreeDestination(options: PlanOptions): Promise<string | undefined> {
  const file = destinationFile(options.destination);
  const present = (await listFiles(options.repo, DESTINATIONS_DIR)).includes(file);
  return present ? (await readFiles(options.repo, [file])).get(file) : undefined;
}

/**
 * Every name the desired documents refer to must exist in the destination or be created by this
 * apply. A scope value that does not ("Environment: Staging" where there is no Staging) follows
 * the destination's scope policy: `error`, or `drop` the value — and a variable whose scope
 * loses all values of a field is left out rather than widened.
 */
function checkReferences(
  space: string,
  secretSources: Map<string, Map<string, SecretSource>>,
  desired: KindDocument[],
  liveDocuments: KindDocument[],
  live: LiveSpace,
  kinds: readonly Kind[],
  policy: 'error' | 'drop',
  problems: PlanProblem[],
): KindDocument[] {
  const known = new KnownNames().addBuiltIns(BUILT_IN_NAMES).addDocuments(desired).addDocuments(liveDocuments);
  const external: [string, string, string][] = [
    ['accounts', 'accounts', 'Name'],
    ['users', 'users', 'Username'],
    ['user-roles', 'userroles', 'Name'],
    ['deployment-targets', 'machines', 'Name'],
    ['git-credentials', 'gitcredentials', 'Name'],
  ];
  for (const [kind, collection, field] of external) for (const resource of live[collection] ?? []) known.add(kind, String(resource[field]));
  // What a document's references depend on: the desired document of that name, else the live one.
  const byName = new Map([...liveDocuments, ...desired].map((doc) => [`${doc.kind}\u0000${doc.name.toLowerCase()}`, doc] as const));
  const context: ReferenceContext = { document: (kind, name) => byName.get(`${kind}\u0000${name.toLowerCase()}`) };

  return desired.map((doc) => {
    const kind = kinds.find((k) => k.name === doc.kind);
    const missing = referencesOf(kind, doc, context).filter((ref) => !known.has(ref));
    const scoped = missing.filter((ref) => /^\/Variables\/\d+\/Scope\//.test(ref.pointer));
    for (const ref of missing) {
      if (policy === 'drop' && scoped.includes(ref)) continue;
      problems.push({ space, where: `${kind?.title ?? doc.kind} '${doc.name}' ${ref.pointer}`, message: describeMissing(ref, 'in the destination or the repository') });
    }
    if (policy !== 'drop' || scoped.length === 0) return doc;
    const dropped = dropScopeValues(doc, scoped.map((ref) => ref.pointer));
    rekeySecrets(secretSources.get(documentKey(space, doc.kind, doc.name)), doc, dropped);
    return dropped;
  });
}

/**
 * A sensitive variable's secret path names its scope; when values were dropped from the scope,
 * the overlay's source follows the variable to its new path.
 */
function rekeySecrets(sources: Map<string, SecretSource> | undefined, before: KindDocument, after: KindDocument): void {
  if (!sources) return;
  const pathOf = (variable: JsonObject) => `Variables[${String(variable.Name)}${scopeText(variable.Scope)}]`;
  const beforeVariables = (before.body.Variables ?? []) as JsonObject[];
  const afterVariables = (after.body.Variables ?? []) as JsonObject[];
  // Variables keep their order; dropped ones are found by name among those after them.
  let next = 0;
  for (const variable of beforeVariables) {
    const match = afterVariables.findIndex((candidate, index) => index >= next && candidate.Name === variable.Name);
    const source = sources.get(pathOf(variable));
    if (match === -1) {
      if (source) sources.delete(pathOf(variable));
      continue;
    }
    next = match + 1;
    const moved = pathOf(afterVariables[match] as JsonObject);
    if (source && moved !== pathOf(variable)) {
      sources.delete(pathOf(variable));
      sources.set(moved, source);
    }
  }
}

/** Removes scope values at the given pointers; a variable left with an emptied scope field is dropped. */
function dropScopeValues(doc: KindDocument, pointers: string[]): KindDocument {
  const body = structuredClone(doc.body);
  const variables = body.Variables as { Scope?: Record<string, string[]> }[];
  const emptied = new Set<number>();
  // Last value first, so the positions of the ones still to remove do not move (numerically: /10 after /2).
  const position = (pointer: string) => pointer.split('/').slice(1).map((part) => (/^\d+$/.test(part) ? part.padStart(8, '0') : part)).join('/');
  for (const pointer of [...pointers].sort((a, b) => position(a).localeCompare(position(b))).reverse()) {
    const [, , index, , field, position] = pointer.split('/');
    const scope = variables[Number(index)]?.Scope;
    const values = scope?.[field as string];
    if (!scope || !values) continue;
    values.splice(Number(position), 1);
    if (values.length === 0) emptied.add(Number(index));
  }
  body.Variables = variables.filter((_, index) => !emptied.has(index)) as JsonObject[];
  return { ...doc, body };
}

/** The repository's spaces this destination takes: all, or those its `sourceSpaces` lists (each must be one). */
function spacesTaken(spaces: readonly string[], destination: Destination): string[] {
  if (!destination.sourceSpaces) return [...spaces];
  const unknown = destination.sourceSpaces.filter((wanted) => !spaces.some((space) => space.toLowerCase() === wanted.toLowerCase()));
  if (unknown.length > 0) throw new OctosyncError('config-invalid', `${destinationFile(destination.name)} takes ${unknown.map((s) => `'${s}'`).join(', ')}, which ${CONFIG_FILE} does not list (it lists: ${spaces.join(', ')})`);
  return spaces.filter((space) => destination.sourceSpaces?.some((wanted) => wanted.toLowerCase() === space.toLowerCase()));
}

/**
 * The live documents, each equal to its desired document given that document's body: a large
 * destination that matches the repository is then held once, not twice, for the rest of the run.
 */
function sharingEqualBodies(live: readonly KindDocument[], desired: readonly KindDocument[]): KindDocument[] {
  const byKey = new Map(desired.map((doc) => [`${doc.kind}\u0000${doc.name.toLowerCase()}`, doc] as const));
  return live.map((doc) => {
    const wanted = byKey.get(`${doc.kind}\u0000${doc.name.toLowerCase()}`);
    return wanted && wanted.body !== doc.body && jsonEqual(wanted.body, doc.body) ? { ...doc, body: wanted.body } : doc;
  });
}

/** What every space is born with, among the documents read from the destination: never deleted. */
function builtInKeys(spaces: readonly SpacePlanState[]): Set<string> {
  const keys = new Set<string>();
  for (const space of spaces) {
    for (const doc of space.liveDocuments) {
      const named = (BUILT_IN_NAMES[doc.kind] ?? []).some((name) => name.toLowerCase() === doc.name.toLowerCase());
      if (named || doc.body.IsDefault === true) keys.add(documentKey(space.name, doc.kind, doc.name));
    }
  }
  return keys;
}

/** An overlay problem with the destination file and line it comes from. */
function inDestinationFile(problem: PlanProblem, at: { file: string; yaml: ReturnType<typeof parseYaml> }): PlanProblem {
  if (problem.pointer === undefined) return problem;
  return { ...problem, where: `${at.file}:${at.yaml.lineOf(problem.pointer)}: ${problem.where}` };
}

async function digestSecrets(sources: Map<string, Map<string, SecretSource>>, reader: SecretReader, key: Buffer, problems: PlanProblem[]): Promise<Map<string, string>> {
  const digests = new Map<string, string>();
  for (const [docKey, paths] of sources) {
    for (const [secretPath, source] of paths) {
      const where = `${docKey}#${secretPath}`;
      try {
        digests.set(where, secretDigest(key, where, await reader.read(source, `${docKey} ${secretPath}`)));
      } catch (error) {
        if (!(error instanceof SecretUnavailableError)) throw error;
        problems.push({ where: docKey, message: error.message });
      }
    }
  }
  return digests;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The plan with the digest of the destination's state it was computed against, for a plan written
 * out as JSON, which `apply --plan` compares with the destination's state then (see Plan.liveDigest).
 */
export function withLiveDigest(prepared: Pick<PreparedPlan, 'plan' | 'spaces'>): Plan {
  return { ...prepared.plan, liveDigest: liveDigest(prepared.spaces) };
}

/**
 * The digest of what was read from the destination: of the JSON text of every space's name and
 * sorted documents, fed to the hash a document at a time rather than built as one string (tens of
 * megabytes for a large space).
 */
function liveDigest(spaces: readonly SpacePlanState[]): string {
  const hash = createHash('sha256');
  hash.update('[');
  spaces.forEach((space, index) => {
    hash.update(`${index === 0 ? '' : ','}[${JSON.stringify(space.name)},[`);
    sortDocs(space.liveDocuments).forEach((doc, at) => hash.update(`${at === 0 ? '' : ','}${documentJson(doc)}`));
    hash.update(']]');
  });
  return hash.update(']').digest('hex');
}

/**
 * JSON.stringify(doc), with the body's text kept for a frozen body: those are the repository's
 * values a daemon shares between destinations (repo/parsed-documents.ts), and a live document
 * equal to its desired one shares its body (sharingEqualBodies), so most bodies are written out
 * once for every destination instead of once each.
 */
function documentJson(doc: KindDocument): string {
  const keys = Object.keys(doc);
  const plain = typeof doc.body === 'object' && doc.body !== null && typeof doc.kind === 'string' && typeof doc.name === 'string' && typeof doc.file === 'string';
  if (!plain || !Object.isFrozen(doc.body) || keys.length !== 4 || keys[0] !== 'kind' || keys[1] !== 'name' || keys[2] !== 'file' || keys[3] !== 'body') return JSON.stringify(doc);
  let body = bodyJson.get(doc.body);
  if (body === undefined) {
    body = JSON.stringify(doc.body);
    bodyJson.set(doc.body, body);
  }
  return `{"kind":${JSON.stringify(doc.kind)},"name":${JSON.stringify(doc.name)},"file":${JSON.stringify(doc.file)},"body":${body}}`;
}

const bodyJson = new WeakMap<JsonObject, string>();

function sortDocs(docs: readonly KindDocument[]): KindDocument[] {
  // Each key worked out once, not twice per comparison (thousands of documents).
  const keyed = docs.map((doc) => ({ doc, key: documentKey('', doc.kind, doc.name) }));
  return keyed.sort((a, b) => a.key.localeCompare(b.key)).map((entry) => entry.doc);
}
