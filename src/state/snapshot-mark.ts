// What the daemon's snapshotter saw at its last successful snapshot: the source server, the
// newest document event of each space, and the commit the source branch was left at. Kept in the
// state directory, so a restarted daemon whose source and branch are as it left them does not
// read the source again.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ensureStateDir, writeStateFile } from './state-dir.js';

export interface SnapshotMark {
  server: string;
  /** Space name → id of its newest document event ('' for none). */
  events: Record<string, string>;
  /** The source branch's head after the snapshot. */
  commit: string;
}

const FILE = 'snapshotter.json';

export async function readSnapshotMark(stateDir: string): Promise<SnapshotMark | undefined> {
  const text = await readFile(path.join(stateDir, FILE), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const mark = JSON.parse(text) as SnapshotMark;
    return typeof mark.server === 'string' && typeof mark.commit === 'string' && typeof mark.events === 'object' && mark.events !== null ? mark : undefined;
  } catch {
    return undefined;
  }
}

export async function writeSnapshotMark(stateDir: string, mark: SnapshotMark): Promise<void> {
  await ensureStateDir(stateDir);
  await writeStateFile(path.join(stateDir, FILE), JSON.stringify(mark));
}
