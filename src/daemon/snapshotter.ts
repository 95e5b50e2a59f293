// The source side of the loop: snapshots the source instance on an interval and commits to the
// source branch. It asks the events log first (one request per space) and skips the snapshot when
// no document changed since the last one and the branch is where it left it (kept in the state
// directory, so a restart does not read everything again). When something changed, only the
// collections the events name are read again (commands/incremental-reads.ts). It works in a
// detached Git worktree of its own and moves
// the branch by compare-and-swap, so the user's working tree and current branch are never touched
// and a snapshot run by hand beside it works too.
import { connectWithKey } from '../commands/connect.js';
import { runSnapshot } from '../commands/snapshot.js';
import { snapshotSource } from '../commands/snapshot-source.js';
import { inSnapshotWorktree } from '../commands/snapshot-worktree.js';
import { parseRepoConfig } from '../repo/config.js';
import { DocumentTexts } from '../repo/document-texts.js';
import type { RepoConfig } from '../repo/config.js';
import { readFilesAt, resolveRef } from '../repo/git.js';
import { newestEvents, sameEvents } from '../octopus/index.js';
import { DEFAULT_FULL_READ_EVERY_MS, incrementalSpaceReader } from '../commands/incremental-reads.js';
import type { IncrementalRead } from '../commands/incremental-reads.js';
import { readSnapshotMark, writeSnapshotMark } from '../state/snapshot-mark.js';
import type { SnapshotMark } from '../state/snapshot-mark.js';
import { CONFIG_FILE } from '../repo/layout.js';
import { loadSchemas } from '../validate/schemas.js';
import type { Logger } from './logger.js';
import type { DaemonMetrics } from './metrics.js';

export interface SnapshotterOptions {
  /** The state repository (its main working tree). */
  repo: string;
  stateDir: string;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  metrics: DaemonMetrics;
  /** Called after a commit to the source branch (a remote repository pushes here). */
  afterCommit?: (branch: string) => Promise<void>;
  /**
   * Never snapshot in the main working tree (a clone of a remote repository has no checkout).
   * Otherwise it is used when it has the branch checked out; else a detached worktree of the
   * daemon's own, moved to the branch before each snapshot (see snapshot-worktree.ts).
   */
  ownWorktree?: boolean;
  /** Directories secret files may be read from (see secretFilePolicy). */
  secretDirs?: string[];
  /** Everything is read again at least this often (else only what the events log names); default an hour. */
  fullReadEveryMs?: number;
  /** Told how each space was read (for tests and benchmarks). */
  onRead?: (read: IncrementalRead) => void;
}

/** The snapshotter's last run, for /status and the status page. */
export interface SnapshotRun {
  at: string;
  result: 'committed' | 'unchanged' | 'failed';
  durationMs: number;
  commit?: string;
  message?: string;
  error?: string;
}

export class Snapshotter {
  /** Newest event id per space at the last snapshot (and where the branch was left): nothing newer, nothing to snapshot. */
  private last: SnapshotMark | undefined;
  private running: Promise<void> | undefined;
  /** The texts of the last snapshot: documents that did not change are not serialized again. */
  private readonly texts = new DocumentTexts();
  lastRun: SnapshotRun | undefined;

  constructor(private readonly options: SnapshotterOptions) {}

  trigger(): Promise<void> {
    this.running ??= this.tick().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async tick(): Promise<void> {
    const { logger, metrics } = this.options;
    const started = Date.now();
    const done = (run: Omit<SnapshotRun, 'at' | 'durationMs'>) => {
      this.lastRun = { at: new Date(started).toISOString(), durationMs: Date.now() - started, ...run };
    };
    try {
      const config = await this.config();
      const { apiKey } = await snapshotSource(config, {}, { env: this.options.env, stateDir: this.options.stateDir, ...(this.options.secretDirs ? { secretDirs: this.options.secretDirs } : {}) });
      const { client, server } = await connectWithKey(config.source.server, apiKey);
      try {
        const events = await newestEvents(client, config.spaces ?? [], server.spaces);
        const branch = config.source.branch ?? 'source';
        this.last ??= await readSnapshotMark(this.options.stateDir);
        if (this.last && (await this.unchangedSince(this.last, config.source.server, events, branch))) {
          metrics.snapshots.inc({ result: 'unchanged' });
          done({ result: 'unchanged' });
          return;
        }
        const readSpace = incrementalSpaceReader({
          stateDir: this.options.stateDir,
          name: 'snapshot-source',
          fullReadEveryMs: this.options.fullReadEveryMs ?? DEFAULT_FULL_READ_EVERY_MS,
          onRead: (read) => {
            logger.debug(`snapshot: ${read.spaceId} read ${read.full ? `in full (${read.reason})` : `again: ${read.collections.join(', ') || 'nothing'}`}`);
            this.options.onRead?.(read);
          },
        });
        const place = { repo: this.options.repo, stateDir: this.options.stateDir, branch, keep: `daemon-${branch}`, ...(this.options.ownWorktree ? { ownWorktree: true } : {}) };
        const result = await inSnapshotWorktree(place, (dir, detached) => runSnapshot({ api: client, checked: server, server: config.source.server, repo: dir, branch, detached, texts: this.texts, readSpace }));
        if (result.commit) {
          logger.info({ commit: result.commit.slice(0, 12), branch }, result.message?.split('\n')[0] ?? 'snapshot committed');
          // A failed push throws: the source is not marked as snapshotted, so the next tick retries.
          await this.options.afterCommit?.(branch);
        }
        const commit = await resolveRef(this.options.repo, branch).catch(() => undefined);
        this.last = commit ? { server: config.source.server, events: Object.fromEntries(events), commit } : undefined;
        if (this.last) await writeSnapshotMark(this.options.stateDir, this.last);
        metrics.snapshots.inc({ result: result.commit ? 'committed' : 'unchanged' });
        done(result.commit ? { result: 'committed', commit: result.commit, ...(result.message ? { message: result.message.split('\n')[0] } : {}) } : { result: 'unchanged' });
      } finally {
        await client.close();
      }
    } catch (error) {
      metrics.snapshots.inc({ result: 'failed' });
      done({ result: 'failed', error: (error as Error).message });
      logger.error(`snapshot failed: ${(error as Error).message}`);
    }
  }

  /** Nothing happened at the source, and the branch is where the last snapshot left it. */
  private async unchangedSince(last: SnapshotMark, server: string, events: ReadonlyMap<string, string>, branch: string): Promise<boolean> {
    if (last.server !== server || !sameEvents(events, new Map(Object.entries(last.events)))) return false;
    return (await resolveRef(this.options.repo, branch).catch(() => undefined)) === last.commit;
  }

  /** octosync.yaml as committed: on the source branch when it has one, else at HEAD. */
  private async config(): Promise<RepoConfig> {
    const read = async (ref: string) => {
      const commit = await resolveRef(this.options.repo, ref).catch(() => undefined);
      return commit ? (await readFilesAt(this.options.repo, commit, (file) => file === CONFIG_FILE)).get(CONFIG_FILE) : undefined;
    };
    const atHead = await read('HEAD');
    const headConfig = atHead ? parseRepoConfig(atHead, loadSchemas()) : undefined;
    const text = (await read(headConfig?.source.branch ?? 'source')) ?? atHead;
    if (!text) throw new Error(`${CONFIG_FILE} is missing: run \`octosync snapshot\` once to create it`);
    return parseRepoConfig(text, loadSchemas());
  }
}
