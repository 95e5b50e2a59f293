// What /status serves and the status page shows: one document, built once per request, so the
// page can never say something /status does not. Commit subjects are looked up here (one `git log`
// per commit named), secret digests are left in the state directory.
import { readCommitInfo } from '../repo/history.js';
import { keptOutByReverts } from '../repo/promotion.js';
import type { KeptOut } from '../repo/promotion.js';
import { readStatus } from '../state/status-store.js';
import type { DestinationStatus } from '../state/status-store.js';
import type { Reconciler, ReconcilerState } from './reconciler.js';
import type { Health } from './server.js';
import type { SnapshotRun } from './snapshotter.js';
import type { ReplicaState } from './replicas.js';

export interface DestinationDocument extends ReconcilerState {
  status: DestinationStatus;
  /** Merges into the followed branch whose changes a revert keeps out (see repo/promotion.ts). */
  keptOut: KeptOut[];
}

export interface StatusDocument {
  generatedAt: string;
  health: Health;
  /** Whether the page offers actions (a token was configured). */
  actions: boolean;
  snapshotter?: { lastRun?: SnapshotRun };
  /** Which destinations this replica runs (watch --shard). */
  replica?: ReplicaState;
  destinations: DestinationDocument[];
  /** Subjects of the commits named above (head, pending, applied, attempted, history). */
  commits: Record<string, string>;
}

export interface StatusSources {
  repo: string;
  stateDir: string;
  env: NodeJS.ProcessEnv;
  health: Health;
  actions: boolean;
  reconcilers: Reconciler[];
  snapshotter?: { lastRun?: SnapshotRun };
  replica?: ReplicaState;
}

export async function buildStatusDocument(sources: StatusSources): Promise<StatusDocument> {
  const destinations = await Promise.all(
    sources.reconcilers.map(async (r) => ({
      ...r.state(),
      status: withoutDigests(await readStatus(sources.stateDir, r.name)),
      keptOut: await keptOutByReverts(sources.repo, r.branch, sources.env).catch(() => []),
    })),
  );
  const named = new Set<string>();
  for (const d of destinations) {
    for (const commit of [d.head, d.pending, d.status.lastApplied?.commit, d.status.lastAttempt?.commit, ...d.status.history.map((h) => h.commit)]) if (commit) named.add(commit);
  }
  const commits: Record<string, string> = {};
  for (const commit of named) {
    const info = await readCommitInfo(sources.repo, commit, sources.env).catch(() => undefined);
    if (info) commits[commit] = info.subject;
  }
  return {
    generatedAt: new Date().toISOString(),
    health: sources.health,
    actions: sources.actions,
    ...(sources.snapshotter ? { snapshotter: { ...(sources.snapshotter.lastRun ? { lastRun: sources.snapshotter.lastRun } : {}) } } : {}),
    ...(sources.replica ? { replica: sources.replica } : {}),
    destinations,
    commits,
  };
}

/** Status as /status shows it: secret digests stay in the state directory. */
function withoutDigests(status: DestinationStatus): DestinationStatus {
  if (!status.lastApplied) return status;
  const { secretDigests: _digests, ...applied } = status.lastApplied;
  return { ...status, lastApplied: applied as DestinationStatus['lastApplied'] };
}
