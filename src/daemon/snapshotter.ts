// The source side of the loop: snapshots the source instance on an interval and commits to the
// source branch. It asks the events log first (one request per space) and skips the snapshot when
// no document changed since the last one. It works in a Git worktree of its own, so the user's
// working tree and current branch are never touched.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { connectWithKey } from '../commands/connect.js';
import { runSnapshot } from '../commands/snapshot.js';
import { checkApiKey, secretFilePolicy, secretReader } from '../commands/secret-values.js';
import { parseRepoConfig } from '../repo/config.js';
import type { RepoConfig } from '../repo/config.js';
import { currentBranch, openRepository, readFilesAt, resolveRef } from '../repo/git.js';
import { newestEvents, sameEvents } from '../octopus/index.js';
import { CONFIG_FILE } from '../repo/layout.js';
import { ensureStateDir } from '../state/state-dir.js';
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
   * Always snapshot in a worktree of its own, reset to the branch before each snapshot (a clone
   * of a remote repository, whose branches a fetch moves). Otherwise the main working tree is
   * used when it has the branch checked out.
   */
  ownWorktree?: boolean;
  /** Directories secret files may be read from (see secretFilePolicy). */
  secretDirs?: string[];
}

export class Snapshotter {
  /** Newest event id per space at the last snapshot: nothing newer, nothing to snapshot. */
  private lastEvents = new Map<string, string>();
  private running: Promise<void> | undefined;

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
    try {
      const config = await this.config();
      const source = config.source.apiKey;
      const secrets = secretReader(this.options.env, secretFilePolicy({ stateDir: this.options.stateDir, env: this.options.env, secretDirs: this.options.secretDirs }));
      const apiKey = source ? checkApiKey(await secrets.read(source, 'the source API key'), source, 'the source API key') : this.options.env.OCTOPUS_API_KEY;
      if (!apiKey) throw new Error(`${CONFIG_FILE} gives no source apiKey and OCTOPUS_API_KEY is not set`);
      const { client } = await connectWithKey(config.source.server, apiKey);
      try {
        const events = await newestEvents(client, config.spaces ?? []);
        if (this.lastEvents.size > 0 && sameEvents(events, this.lastEvents)) {
          metrics.snapshots.inc({ result: 'unchanged' });
          return;
        }
        const branch = config.source.branch ?? 'source';
        const worktree = await this.worktree(branch);
        const result = await runSnapshot({ api: client, server: config.source.server, repo: worktree, branch });
        if (result.commit) {
          logger.info({ commit: result.commit.slice(0, 12), branch }, result.message?.split('\n')[0] ?? 'snapshot committed');
          // A failed push throws: the source is not marked as snapshotted, so the next tick retries.
          await this.options.afterCommit?.(branch);
        }
        this.lastEvents = events;
        metrics.snapshots.inc({ result: result.commit ? 'committed' : 'unchanged' });
      } finally {
        await client.close();
      }
    } catch (error) {
      metrics.snapshots.inc({ result: 'failed' });
      logger.error(`snapshot failed: ${(error as Error).message}`);
    }
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

  /**
   * Where to snapshot: the main working tree when it already has the source branch checked out
   * (Git allows a branch in one working tree only), else a worktree of the branch under the
   * state directory, created once.
   */
  private async worktree(branch: string): Promise<string> {
    const repo = await openRepository(this.options.repo);
    if (!this.options.ownWorktree && (await currentBranch(repo)) === branch) return this.options.repo;
    const dir = path.join(this.options.stateDir, 'worktrees', branch);
    if (existsSync(path.join(dir, '.git'))) {
      // The branch may have moved under the worktree (a fetch, a rejected push): start from it.
      if (this.options.ownWorktree) await (await openRepository(dir)).raw(['reset', '--hard', 'HEAD']);
      return dir;
    }
    const branches = await repo.branchLocal();
    await ensureStateDir(this.options.stateDir, 'worktrees');
    await repo.raw(['worktree', 'prune']);
    // A clone made without a checkout still names its default branch as HEAD; it has no files
    // there, so checking the branch out in the worktree as well (--force) is safe.
    const force = this.options.ownWorktree ? ['--force'] : [];
    if (branches.all.includes(branch)) await repo.raw(['worktree', 'add', ...force, dir, branch]);
    else await repo.raw(['worktree', 'add', '-b', branch, dir]);
    return dir;
  }
}
