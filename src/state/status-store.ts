// Status per destination, persisted atomically in the state directory (default `.octosync/`
// in the repository, git-ignored): what was last applied, the last attempt, a short history.
// It survives restarts; prune and secret rotation depend on it.
import { open, readFile, rename, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { KindName } from '../core/document.js';
import { ensureStateDir } from './state-dir.js';

export type ApplyResult = 'success' | 'failed' | 'no-changes';

export interface ResourceOutcome {
  space: string;
  kind: KindName;
  name: string;
  action: 'create' | 'update' | 'delete';
  result: 'applied' | 'failed' | 'skipped';
  error?: string;
}

export interface AppliedState {
  commit: string;
  overlayDigest: string;
  at: string;
  /** Keys of the documents octosync applied (space/kind/name): what prune may ever delete. */
  documents: string[];
  /** Digests (never values) of the secrets last set, by document key and secret path. */
  secretDigests: Record<string, string>;
}

export interface AttemptState {
  commit: string;
  at: string;
  result: ApplyResult;
  error?: string;
  summary?: { create: number; update: number; delete: number };
  outcomes: ResourceOutcome[];
}

export interface DestinationStatus {
  destination: string;
  lastApplied?: AppliedState;
  lastAttempt?: AttemptState;
  /** Drift found by the last check against live: when, against which applied commit, and the changes as a plan renders them. */
  drift?: { at: string; changes: number; commit?: string; diff?: string; /** Git-held parts of version-controlled projects that differ (never applied). */ gitHeld?: number };
  /** Fields the destination did not keep when last written (document key → path → value written): plans leave such changes out. */
  notKept?: Record<string, Record<string, string>>;
  /** Newest first; the daemon adds how long an apply took and how many writes it made. */
  history: { commit: string; at: string; result: ApplyResult; error?: string; durationMs?: number; writes?: number }[];
}

const HISTORY_LENGTH = 20;

export function statusFile(stateDir: string, destination: string): string {
  return path.join(stateDir, 'destinations', destination, 'status.json');
}

/** A destination's status, with what apply recorded in the managed journal since it was written. */
export async function readStatus(stateDir: string, destination: string): Promise<DestinationStatus> {
  let status: DestinationStatus;
  try {
    status = JSON.parse(await readFile(statusFile(stateDir, destination), 'utf8')) as DestinationStatus;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`the status of destination '${destination}' in ${stateDir} is unreadable: ${(error as Error).message}`, { cause: error });
    }
    status = { destination, history: [] };
  }
  return withJournal(status, await readJournal(stateDir, destination));
}

/**
 * The managed journal: documents apply makes octosync's (`+key`) or deletes (`-key`), one line
 * each, appended and flushed as apply writes (see commands/apply-recorder.ts). Small and
 * append-only, so recording costs the same however large the status is; folded into the status
 * when the apply records its outcome.
 */
export function journalFile(stateDir: string, destination: string): string {
  return path.join(stateDir, 'destinations', destination, 'managed.journal');
}

/** Appends entries to the journal, durably (flushed before it resolves), in one write. */
export async function appendToJournal(stateDir: string, destination: string, entries: { add: boolean; key: string } | readonly { add: boolean; key: string }[]): Promise<void> {
  await ensureStateDir(stateDir, 'destinations', destination);
  const file = journalFile(stateDir, destination);
  const handle = await open(file, 'a');
  try {
    await handle.write((Array.isArray(entries) ? entries : [entries]).map((entry: { add: boolean; key: string }) => `${entry.add ? '+' : '-'}${JSON.stringify(entry.key)}\n`).join(''));
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Forgets the journal once the status holds what it said. */
export async function clearJournal(stateDir: string, destination: string): Promise<void> {
  await rm(journalFile(stateDir, destination), { force: true });
}

/** The journal's entries in the order they were written (empty when there is none). */
export async function readJournal(stateDir: string, destination: string): Promise<{ add: boolean; key: string }[]> {
  let text: string;
  try {
    text = await readFile(journalFile(stateDir, destination), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const entries: { add: boolean; key: string }[] = [];
  for (const line of text.split('\n')) {
    try {
      if (line.startsWith('+') || line.startsWith('-')) entries.push({ add: line.startsWith('+'), key: JSON.parse(line.slice(1)) as string });
    } catch {
      // a line cut short by a crash: its write had not finished, so the apply had not gone on
    }
  }
  return entries;
}

function withJournal(status: DestinationStatus, journal: readonly { add: boolean; key: string }[]): DestinationStatus {
  if (journal.length === 0) return status;
  const documents = new Set(status.lastApplied?.documents ?? []);
  for (const { add, key } of journal) {
    if (add) documents.add(key);
    else documents.delete(key);
  }
  // No apply has finished yet: the commit stays empty until one does.
  const applied = status.lastApplied ?? { commit: '', overlayDigest: '', at: new Date(0).toISOString(), documents: [], secretDigests: {} };
  return { ...status, lastApplied: { ...applied, documents: [...documents].sort() } };
}

/** Writes the whole status with write-then-rename, so a crash never leaves half a file. */
export async function writeStatus(stateDir: string, status: DestinationStatus): Promise<void> {
  await ensureStateDir(stateDir, 'destinations', status.destination);
  const file = statusFile(stateDir, status.destination);
  const temporary = `${file}.${process.pid}.${randomUUID()}.tmp`;
  // Flushed before the rename: what apply records must survive a crash, not only a kill.
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(`${JSON.stringify(status, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
}

/** Per status file, the update in progress: updates of one destination run one after another. */
const pending = new Map<string, Promise<unknown>>();

/**
 * Reads, changes and writes a destination's status, one update at a time within this process
 * (an apply and the daemon's bookkeeping can both want to write it).
 */
export async function updateStatus(stateDir: string, destination: string, change: (status: DestinationStatus) => DestinationStatus): Promise<DestinationStatus> {
  const file = statusFile(stateDir, destination);
  const previous = pending.get(file) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(async () => {
    const updated = change(await readStatus(stateDir, destination));
    await writeStatus(stateDir, updated);
    return updated;
  });
  pending.set(file, next);
  try {
    return await next;
  } finally {
    if (pending.get(file) === next) pending.delete(file);
  }
}

/** The status after an attempt: history grows (bounded); lastApplied moves only on success. */
export function recordAttempt(status: DestinationStatus, attempt: AttemptState, applied?: AppliedState): DestinationStatus {
  return {
    ...status,
    lastAttempt: attempt,
    lastApplied: applied ?? status.lastApplied,
    history: [{ commit: attempt.commit, at: attempt.at, result: attempt.result, ...(attempt.error ? { error: attempt.error } : {}) }, ...status.history].slice(0, HISTORY_LENGTH),
  };
}
