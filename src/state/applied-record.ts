// What a destination last applied, recorded in the state repository itself rather than only on the
// machine that applied: a ref per destination (`refs/octosync/applied/<destination>`) pointing at a
// commit whose single file, `applied.json`, names the commit and overlay applied, the managed set
// (what prune may ever delete) and where each secret set came from (never a value or a digest).
// It is pushed to `origin` by the apply that wrote it, and fetched by every plan, so a plan made in
// a fresh CI clone knows what a plan made where the daemon runs knows.
//
// The local managed journal (status-store.ts) still records each write as it happens; the record
// is written before an apply that creates anything starts writing (naming what it may create) and
// again when it ends, so an apply killed at any point leaves nothing a plan elsewhere cannot see.
import { commitFilesToRef, isAncestor, readFileAt, readRef, remoteGit } from '../repo/git.js';
import { readJournal, readStatus } from './status-store.js';
import { hasOrigin } from './remote-lease.js';

export interface AppliedRecord {
  format: 'octosync-applied/1';
  destination: string;
  /** The repository commit last applied with success ('' until one has been). */
  commit: string;
  /** Digest of the destination file applied with it. */
  overlayDigest: string;
  at: string;
  /** Written as an apply started writing: `documents` also holds what it was about to create. */
  inProgress?: boolean;
  /** Keys of the documents octosync applied (space/kind/name): what prune may ever delete. */
  documents: string[];
  /** Where each secret last set came from: document key → secret path → `env:NAME` or `file:PATH`. */
  secretSources: Record<string, Record<string, string>>;
  /** Fields the destination did not keep when last written (document key → path → value written). */
  notKept?: Record<string, Record<string, string>>;
  /**
   * Keys of version-controlled projects an apply created in the destination's database and has
   * not yet seen converted (a project is created, then converted: two writes). A plan converts
   * these without the overlay's `convert`, since octosync made them; a database project it did
   * not make still needs it.
   */
  converting?: string[];
}

/** What a plan knows of what was applied before: the managed set and the secrets' sources. */
export interface ManagedState {
  documents: Set<string>;
  /** `document key#path` → where the secret was last set from. */
  secretSources: Map<string, string>;
  /** The commit and destination file digest last applied with success, if any. */
  applied?: { commit: string; overlayDigest: string };
  notKept?: Record<string, Record<string, string>>;
  /** Projects octosync created to convert to version control and has not seen converted (keys). */
  converting: Set<string>;
  /** The record this was read from (undefined: none exists, or it could not be read). */
  record?: AppliedRecord;
  /** Why the record could not be read: a plan made from this may miss deletes. */
  unreadable?: string;
  /** What a reader should know about where this came from. */
  notice?: string;
}

const REMOTE = 'origin';
const FILE = 'applied.json';

export function appliedRecordRef(destination: string): string {
  return `refs/octosync/applied/${destination}`;
}

/** Where the last fetch put origin's copy of the record (kept apart, so a local record not yet pushed survives it). */
function fetchedRef(destination: string): string {
  return `refs/octosync/origin/applied/${destination}`;
}

/**
 * What the destination last applied: the record (fetched from `origin` first, when there is one),
 * with what the local journal holds of an apply killed on this machine. A repository without a
 * record falls back to the state directory's status (written by versions that kept it only there).
 */
export async function readManagedState(repo: string, stateDir: string, destination: string): Promise<ManagedState> {
  const ref = appliedRecordRef(destination);
  let record: AppliedRecord | undefined;
  let unreadable: string | undefined;
  try {
    const commit = await currentRecordCommit(repo, destination);
    if (commit) record = parseRecord(await readFileAt(repo, commit, FILE), destination);
  } catch (error) {
    unreadable = `what destination '${destination}' last applied (${ref}) could not be read: ${firstLine(error)}`;
  }
  const journal = await readJournal(stateDir, destination);
  let state: ManagedState;
  if (record) {
    state = {
      documents: new Set(record.documents),
      secretSources: new Map(Object.entries(record.secretSources).flatMap(([key, paths]) => Object.entries(paths).map(([where, from]) => [`${key}#${where}`, from] as const))),
      applied: { commit: record.commit, overlayDigest: record.overlayDigest },
      ...(record.notKept ? { notKept: record.notKept } : {}),
      converting: new Set(record.converting ?? []),
      record,
      ...(record.inProgress ? { notice: `the last apply to '${destination}' did not finish (recorded at ${record.at}): what it was about to create counts as octosync's` } : {}),
    };
  } else {
    // readStatus folds the journal in already.
    const status = await readStatus(stateDir, destination);
    const documents = status.lastApplied?.documents ?? [];
    state = {
      documents: new Set(documents),
      secretSources: new Map(),
      converting: new Set(),
      ...(status.lastApplied ? { applied: { commit: status.lastApplied.commit, overlayDigest: status.lastApplied.overlayDigest } } : {}),
      ...(status.notKept ? { notKept: status.notKept } : {}),
      ...(documents.length > 0 && !unreadable ? { notice: `the repository has no record of what '${destination}' last applied (${ref}); the state directory's is used, and the next apply records it in the repository` } : {}),
    };
  }
  for (const { add, key } of journal) {
    if (add) state.documents.add(key);
    else state.documents.delete(key);
  }
  return unreadable ? { ...state, unreadable } : state;
}

/**
 * The commit of the record to read: origin's (fetched now) when it is as new as the local one or
 * newer, else the local one (an apply here whose push failed). Throws when origin cannot be read.
 */
async function currentRecordCommit(repo: string, destination: string): Promise<string | undefined> {
  const ref = appliedRecordRef(destination);
  const local = await readRef(repo, ref);
  const git = remoteGit(repo);
  if (!(await hasOrigin(repo))) return local;
  let fetched: string | undefined;
  try {
    await git.raw(['fetch', '--quiet', '--no-tags', REMOTE, `+${ref}:${fetchedRef(destination)}`]);
    fetched = await readRef(repo, fetchedRef(destination));
  } catch (error) {
    if (!/couldn't find remote ref/i.test(String(error))) throw new Error(`fetching it from ${REMOTE} failed: ${firstLine(error)}`, { cause: error });
    return local;
  }
  if (!fetched) return local;
  if (!local || (await isAncestor(repo, local, fetched))) {
    await git.raw(['update-ref', ref, fetched]);
    return fetched;
  }
  if (await isAncestor(repo, fetched, local)) return local;
  throw new Error(`the record in ${REMOTE} and the one in this repository went different ways (${fetched.slice(0, 12)}, ${local.slice(0, 12)}); delete the local one (git update-ref -d ${ref}) if origin's is right`);
}

/** Records `record` as the destination's in this repository (pushed by pushAppliedRecord). */
export async function recordApplied(repo: string, record: AppliedRecord): Promise<void> {
  const ref = appliedRecordRef(record.destination);
  const current = await readRef(repo, ref);
  const previous = current ? await readFileAt(repo, current, FILE).then((text) => parseRecord(text, record.destination)).catch(() => undefined) : undefined;
  // The same record again (a no-change apply) is not a new commit.
  if (previous && sameRecord(previous, record)) return;
  await commitFilesToRef(repo, ref, { [FILE]: `${JSON.stringify(record, null, 2)}\n` }, `octosync: ${record.destination} ${record.inProgress ? 'applying' : 'applied'} ${record.commit.slice(0, 12) || '(nothing yet)'}`);
}

/** Pushes the destination's record to `origin` when the repository has one and origin's differs. */
export async function pushAppliedRecord(repo: string, destination: string): Promise<void> {
  const ref = appliedRecordRef(destination);
  const git = remoteGit(repo);
  const local = await readRef(repo, ref);
  if (!local || !(await hasOrigin(repo)) || local === (await readRef(repo, fetchedRef(destination)))) return;
  try {
    // The apply holds the destination's lock in origin: nobody else writes this ref meanwhile.
    await git.raw(['push', '--no-verify', '--quiet', REMOTE, `+${ref}:${ref}`]);
    await git.raw(['update-ref', fetchedRef(destination), local]);
  } catch (error) {
    throw new Error(`the record of what '${destination}' applied could not be pushed to ${REMOTE} (${ref}): ${firstLine(error)}; plans made elsewhere do not see it until an apply here pushes it`, {
      cause: error,
    });
  }
}

function sameRecord(a: AppliedRecord, b: AppliedRecord): boolean {
  const { at: _a, ...restA } = a;
  const { at: _b, ...restB } = b;
  return JSON.stringify(restA) === JSON.stringify(restB);
}

function parseRecord(text: string | undefined, destination: string): AppliedRecord {
  if (text === undefined) throw new Error(`its commit has no ${FILE}`);
  let value: Partial<AppliedRecord>;
  try {
    value = JSON.parse(text) as Partial<AppliedRecord>;
  } catch (error) {
    throw new Error(`${FILE} is not JSON (${(error as Error).message})`, { cause: error });
  }
  const strings = (list: unknown) => Array.isArray(list) && list.every((item) => typeof item === 'string');
  if (value.format !== 'octosync-applied/1' || value.destination !== destination || typeof value.commit !== 'string' || !strings(value.documents) || typeof value.secretSources !== 'object' || value.secretSources === null || (value.converting !== undefined && !strings(value.converting))) {
    throw new Error(`${FILE} is not a record of destination '${destination}' that this version of octosync reads`);
  }
  return value as AppliedRecord;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).trim().split('\n')[0] ?? '';
}
