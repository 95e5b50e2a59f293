// `octosync history --destination X`: what was applied to a destination, newest first, from its
// status in the state directory: commit (with its subject), result, when, how long, how many writes.
import { readCommitInfo } from '../repo/history.js';
import { defaultStateDir } from '../state/state-dir.js';
import { readStatus } from '../state/status-store.js';
import type { DestinationStatus } from '../state/status-store.js';

export interface HistoryEntry {
  commit: string;
  subject?: string;
  at: string;
  result: DestinationStatus['history'][number]['result'];
  durationMs?: number;
  writes?: number;
  error?: string;
}

export async function runHistory(options: { repo: string; destination: string; stateDir?: string; env: NodeJS.ProcessEnv }): Promise<HistoryEntry[]> {
  const status = await readStatus(options.stateDir ?? defaultStateDir(options.repo), options.destination);
  const subjects = new Map<string, string | undefined>();
  for (const { commit } of status.history) if (!subjects.has(commit)) subjects.set(commit, (await readCommitInfo(options.repo, commit, options.env).catch(() => undefined))?.subject);
  return status.history.map((h) => {
    const subject = subjects.get(h.commit);
    return { ...h, ...(subject !== undefined ? { subject } : {}) };
  });
}

export function renderHistoryText(destination: string, entries: readonly HistoryEntry[]): string {
  if (entries.length === 0) return `${destination}: nothing applied or attempted yet`;
  return entries
    .map((e) => {
      const how = [e.durationMs === undefined ? undefined : `${(e.durationMs / 1000).toFixed(1)} s`, e.writes === undefined ? undefined : `${e.writes} ${e.writes === 1 ? 'write' : 'writes'}`].filter(Boolean).join(', ');
      const line = `${e.at}  ${e.result.padEnd(10)}  ${e.commit.slice(0, 12)} ${e.subject ?? ''}${how ? `  (${how})` : ''}`;
      return e.error ? `${line}\n    ${e.error.split('\n')[0]}` : line;
    })
    .join('\n');
}
