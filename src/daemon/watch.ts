// `octosync watch`: one process that snapshots the source and reconciles every destination,
// following their branches. A local repository is watched with chokidar (a new commit is picked
// up within a second or two); a remote one is cloned under the state directory and fetched on an
// interval with jitter and on `POST /hooks/git`. Destinations are found on every branch
// (repo/discovery.ts); drift is checked on a clock of its own. Serves /healthz, /readyz, /status and
// /metrics (server.ts). With a shard, replicas share the destinations through leases (replicas.ts).
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { watch as watchFiles } from 'chokidar';
import type { FSWatcher } from 'chokidar';
import pLimit from 'p-limit';
import { simpleGit } from 'simple-git';
import { defaultStateDir, ensureStateDir } from '../state/state-dir.js';
import { gitEnvironment, remoteGit } from '../repo/git.js';
import { ParsedDocuments } from '../repo/parsed-documents.js';
import { loadSchemas } from '../validate/schemas.js';
import type { Logger } from './logger.js';
import { createMetrics } from './metrics.js';
import type { DaemonMetrics } from './metrics.js';
import { discoverDestinations } from '../repo/discovery.js';
import type { FollowedPolicy } from '../repo/discovery.js';
import { Reconciler } from './reconciler.js';
import type { FollowedBranch } from './reconciler.js';
import type { ActionOutcome } from './reconciler.js';
import { DEFAULT_PARALLEL_DESTINATIONS } from './defaults.js';
import { serve } from './server.js';
import type { ActionName, Health } from './server.js';
import { buildStatusDocument } from './status-document.js';
import { readStatus } from '../state/status-store.js';
import { Snapshotter } from './snapshotter.js';
import { Replica } from './replicas.js';
import type { Shard } from './replicas.js';
import { hasOrigin } from '../state/remote-lease.js';
import { OctosyncError } from '../commands/errors.js';

export interface WatchOptions {
  /** A local repository path, or a URL (https://, ssh://, git@…, file://) cloned under the state directory. */
  repo: string;
  /** Destinations to reconcile (default: every destinations/*.yaml). */
  destinations?: string[];
  stateDir?: string;
  /** Directories secret files may be read from (see secretFilePolicy). */
  secretDirs?: string[];
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Port of the status server (0: any free one). */
  port?: number;
  host?: string;
  /** How often every reconciler evaluates anyway (and a remote repository is fetched). */
  pollIntervalMs?: number;
  driftIntervalMs?: number;
  /** How often the source is snapshotted (0: never; needs octosync.yaml's source and its API key). */
  snapshotIntervalMs?: number;
  /** Drift checks and snapshots read everything again at least this often, else only what the events log names (default an hour). */
  fullReadEveryMs?: number;
  applyTimeoutMs?: number;
  retry?: { baseMs: number; maxMs: number };
  /** When set, `POST /hooks/git` must prove it knows it (see webhookAuthorized). */
  webhookSecret?: string;
  /** When set, the status page and the CLI may act on destinations with it (see server.ts). */
  uiToken?: string;
  /** Seconds between reloads of the status page (default 10). */
  refreshSeconds?: number;
  /** Destinations planned or applied at once at most (default 4); the others wait for a turn. */
  parallelDestinations?: number;
  /** Run as replica `shard` of several: destinations are shared through leases in origin (replicas.ts). */
  shard?: Shard;
  /** A replica's lease not renewed for this long is taken over (default three poll intervals). */
  leaseTtlMs?: number;
}

export { DEFAULT_PARALLEL_DESTINATIONS };

export interface Watch {
  url: string;
  /** The destinations reconciled now. */
  reconcilers(): Reconciler[];
  metrics: DaemonMetrics;
  /** Fetches (remote) and evaluates every destination now. */
  sync(): Promise<void>;
  /** Checks every destination for drift now. */
  checkDrift(): Promise<void>;
  stop(): Promise<void>;
}

const REMOTE = /^(https?:\/\/|ssh:\/\/|git@|file:\/\/)/;

export async function startWatch(options: WatchOptions): Promise<Watch> {
  const remote = REMOTE.test(options.repo);
  const stateDir = options.stateDir ?? (remote ? path.resolve('.octosync') : defaultStateDir(options.repo));
  const repo = remote ? await cloneOrFetch(options.repo, await ensureStateDir(stateDir).then(() => path.join(stateDir, 'clone'))) : options.repo;
  const { logger } = options;
  // Each destination keeps its own order and lock; across destinations, a few run at once, and
  // they share the parsed documents of the commits they apply (most are the same blobs).
  const turn = pLimit(options.parallelDestinations ?? DEFAULT_PARALLEL_DESTINATIONS);
  const parsed = new ParsedDocuments();
  const metrics = createMetrics(parsed);
  const schemas = loadSchemas();
  const reconcilers = new Map<string, Reconciler>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  // Background work logs its failures: nothing it does may end the daemon.
  const background = (work: Promise<unknown>) => work.catch((error: unknown) => logger.error(`background work failed: ${(error as Error).message}`));
  const newReconciler = (destination: FollowedBranch) =>
    new Reconciler({
      repo,
      destination,
      stateDir,
      ...(options.secretDirs?.length ? { secretDirs: options.secretDirs } : {}),
      env: options.env,
      logger,
      metrics,
      applyTimeoutMs: options.applyTimeoutMs ?? 30 * 60_000,
      retry: options.retry ?? { baseMs: 10_000, maxMs: 10 * 60_000 },
      turn,
      parsed,
      ...(options.fullReadEveryMs === undefined ? {} : { fullReadEveryMs: options.fullReadEveryMs }),
    });
  const only = options.destinations?.length ? options.destinations : undefined;
  let problems: string[] = [];
  let found = 0;
  const discoverAll = async () => {
    const discovered = await discoverDestinations(repo, schemas);
    problems = discovered.problems;
    const all = discovered.destinations.filter((d) => !only || only.includes(d.name));
    found = all.length;
    return all;
  };
  const pollIntervalMs = options.pollIntervalMs ?? 60_000;
  if (options.shard && !(await hasOrigin(repo))) {
    throw new OctosyncError('config-invalid', `--shard needs a state repository with an origin remote: replicas share the destinations through leases there (${repo} has none)`);
  }
  const leaseTtlMs = options.leaseTtlMs ?? 3 * pollIntervalMs;
  const replica = options.shard ? new Replica({ repo, shard: options.shard, ttlMs: leaseTtlMs, logger }) : undefined;
  // In a clone, a fetch moves branches (forcefully, to mirror the remote): it must never run
  // between a snapshot's commit and its push.
  let gitWork: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(work: () => Promise<T>): Promise<T> => {
    const next = gitWork.catch(() => undefined).then(work);
    gitWork = next;
    return next;
  };
  /** A destination another replica runs now: its reconciler goes once idle, then its lease. */
  const letGo = (name: string) => {
    const reconciler = reconcilers.get(name);
    reconcilers.delete(name);
    void background((reconciler?.idle() ?? Promise.resolve()).then(() => replica?.letGo(name)));
  };
  /** The destinations this process runs: all found, or (a replica) those whose lease it holds. */
  const discover = async () => {
    const all = await discoverAll();
    if (!replica) return all;
    const shared = await oneAtATime(() => replica.select(all.map((d) => d.name)));
    for (const name of shared.letGo) letGo(name);
    return all.filter((d) => shared.run.includes(d.name));
  };
  const initial = await discover();
  for (const name of only ?? []) {
    if (!replica && !initial.some((d) => d.name === name)) throw new Error(`unknown destination '${name}': no branch follows it (followed: ${initial.map((d) => d.name).join(', ') || 'none'})`);
  }
  for (const followed of initial) reconcilers.set(followed.name, newReconciler(followed));
  if (found === 0) logger.error({ problems }, 'no destination to reconcile: no branch has a destinations/<name>.yaml whose branch: names that branch');
  // Destinations are found again before each evaluation, on every branch: one added, removed or
  // following another branch takes effect with the commit that says so, without a restart.
  /** Finds the destinations again; answers the reconcilers added. */
  const refreshDestinations = async (): Promise<Reconciler[]> => {
    let current: FollowedPolicy[];
    try {
      current = await discover();
    } catch (error) {
      logger.error(`${replica ? 'destinations or their leases' : 'destination files'} unreadable, keeping the ones in use: ${(error as Error).message}`);
      return [];
    }
    // Stopped while it looked: nothing starts any more (a replica's leases are released).
    if (stopped) return [];
    const added: Reconciler[] = [];
    for (const followed of current) {
      const existing = reconcilers.get(followed.name);
      if (existing) existing.follow(followed.branch);
      else {
        const reconciler = newReconciler(followed);
        reconcilers.set(followed.name, reconciler);
        added.push(reconciler);
        logger.info({ destination: followed.name, branch: followed.branch }, 'destination added');
      }
    }
    for (const name of [...reconcilers.keys()]) {
      if (current.some((followed) => followed.name === name)) continue;
      reconcilers.delete(name);
      logger.info({ destination: name }, 'destination removed: no longer reconciled');
    }
    return added;
  };
  const snapshotter = (options.snapshotIntervalMs ?? 0) > 0
    ? new Snapshotter({ repo, stateDir, ...(options.secretDirs?.length ? { secretDirs: options.secretDirs } : {}), ...(options.fullReadEveryMs === undefined ? {} : { fullReadEveryMs: options.fullReadEveryMs }), env: options.env, logger, metrics, ...(remote ? { afterCommit: (branch: string) => push(repo, branch), ownWorktree: true } : {}) })
    : undefined;

  let checked = false;
  const evaluateAll = async () => {
    await refreshDestinations();
    if (stopped) return;
    await Promise.all([...reconcilers.values()].map((r) => r.trigger()));
    checked = true;
  };
  const sync = async () => {
    if (remote) await oneAtATime(() => fetch(repo, logger));
    await evaluateAll();
  };
  const checkDrift = async () => {
    await Promise.all([...reconcilers.values()].map((r) => r.checkDrift()));
  };
  const snapshot = () => (snapshotter ? (remote ? oneAtATime(() => snapshotter.trigger()) : snapshotter.trigger()) : Promise.resolve());

  /**
   * Runs `run` about every `ms`: after the previous run ends, or (fixedRate) counted from when it
   * started, so a slow run does not stretch the period (a run still going is joined, not doubled).
   */
  const every = (ms: number, run: () => Promise<void>, fixedRate = false) => {
    // Jitter keeps many daemons from fetching the same remote in step.
    const schedule = () => {
      if (stopped) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        const done = background(run());
        if (fixedRate) schedule();
        else void done.finally(schedule);
      }, ms * (0.8 + 0.4 * Math.random()));
      timers.add(timer);
    };
    schedule();
  };
  every(pollIntervalMs, sync);
  if (replica) {
    // Leases have a clock of their own, at a fixed rate, whatever the applies are doing: they
    // are renewed before they run out, and a destination whose replica is gone is taken (and
    // evaluated at once) within a poll interval of its lease running out.
    const tendLeases = async () => {
      for (const name of await oneAtATime(() => replica.renew())) {
        reconcilers.delete(name);
        logger.warn({ destination: name }, 'another replica took this destination over: no longer reconciled here');
      }
      for (const reconciler of await refreshDestinations()) void background(reconciler.trigger());
    };
    // A look still going when the clock strikes again is joined, not queued behind.
    let tending: Promise<void> | undefined;
    const tend = () => (tending ??= tendLeases().finally(() => (tending = undefined)));
    every(Math.max(1, Math.min(pollIntervalMs, Math.floor(leaseTtlMs / 3))), tend, true);
  }
  // Drift has a clock of its own: a long poll interval, a pending commit or sync: manual does
  // not leave a change made by hand unreported.
  const driftIntervalMs = options.driftIntervalMs ?? 5 * 60_000;
  if (driftIntervalMs > 0) every(driftIntervalMs, checkDrift, true);
  if (snapshotter) {
    every(options.snapshotIntervalMs as number, snapshot);
    void background(snapshot());
  }
  const watcher = remote ? undefined : await watchRefs(repo, () => background(evaluateAll()), logger);
  const health = (): Health => {
    const all = [...reconcilers.values()];
    // A replica with no destination of its own (all are other replicas') stands by: healthy.
    return { checked, destinations: replica ? found : all.length, unreconciled: all.filter((r) => !r.state().reconciled).map((r) => r.name), problems };
  };
  const status = () =>
    buildStatusDocument({ repo, stateDir, env: options.env, health: health(), actions: options.uiToken !== undefined, reconcilers: [...reconcilers.values()], ...(snapshotter ? { snapshotter } : {}), ...(replica ? { replica: replica.state() } : {}) });
  const action = async (name: string, what: ActionName): Promise<ActionOutcome | undefined> => {
    const reconciler = reconcilers.get(name);
    if (!reconciler) return undefined;
    logger.info({ destination: name, action: what }, 'action asked for');
    if (what === 'apply') return reconciler.applyPending();
    if (what === 'suspend' || what === 'resume') return reconciler.suspend(what === 'suspend');
    await reconciler.checkDrift();
    const check = reconciler.state().driftCheck;
    if (check?.result !== 'checked') return { done: false, message: `${name}: drift not checked${check?.reason ? `: ${check.reason}` : ''}` };
    const changes = (await readStatus(stateDir, name)).drift?.changes ?? 0;
    return { done: true, message: `${name}: drift checked, ${changes === 0 ? 'no changes' : `${changes} ${changes === 1 ? 'change' : 'changes'} made outside the repository`}` };
  };
  const server = await serve(options, {
    health,
    status,
    action,
    metrics,
    onPush: () => void sync().catch(() => undefined),
    ...(options.webhookSecret ? { webhookSecret: options.webhookSecret } : {}),
    ...(options.uiToken ? { uiToken: options.uiToken } : {}),
    ...(options.refreshSeconds !== undefined ? { refreshSeconds: options.refreshSeconds } : {}),
  });
  logger.info({ destinations: [...reconcilers.values()].map((r) => `${r.name} ← ${r.branch}`), status: server.url }, 'watching');
  void background(evaluateAll());

  return {
    url: server.url,
    reconcilers: () => [...reconcilers.values()],
    metrics,
    sync,
    checkDrift,
    stop: async () => {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      await watcher?.close();
      await new Promise<void>((resolve) => server.server.close(() => resolve()));
      server.server.closeAllConnections();
      await Promise.all([...[...reconcilers.values()].map((r) => r.idle()), snapshotter?.idle()]);
      // Released once idle: another replica takes them at its next evaluation, not a TTL later.
      await oneAtATime(() => replica?.releaseAll() ?? Promise.resolve());
    },
  };
}

/** Watches the repository's refs: a commit, merge or revert on any branch triggers an evaluation. */
async function watchRefs(repo: string, onChange: () => Promise<unknown>, logger: Logger): Promise<Pick<FSWatcher, 'close'>> {
  const gitDir = (await simpleGit(repo).env(gitEnvironment(process.env)).revparse(['--git-common-dir'])).trim();
  const base = path.resolve(repo, gitDir);
  let timer: NodeJS.Timeout | undefined;
  const watcher = watchFiles([path.join(base, 'refs', 'heads'), path.join(base, 'packed-refs')], { ignoreInitial: true, depth: 8 });
  watcher.on('all', () => {
    clearTimeout(timer);
    // Debounced: a merge writes several files.
    timer = setTimeout(() => {
      logger.debug('branches changed');
      void onChange();
    }, 150);
  });
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    close: async () => {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}

const FETCH_ALL = ['fetch', '--prune', '--update-head-ok', 'origin', '+refs/heads/*:refs/heads/*'];

async function cloneOrFetch(url: string, dir: string): Promise<string> {
  if (!existsSync(path.join(dir, '.git'))) {
    await mkdir(path.dirname(dir), { recursive: true });
    await remoteGit().clone(url, dir, ['--no-checkout']);
  }
  await remoteGit(dir).raw(FETCH_ALL);
  return dir;
}

async function fetch(repo: string, logger: Logger): Promise<void> {
  try {
    await remoteGit(repo).raw(FETCH_ALL);
  } catch (error) {
    logger.warn(`fetch failed: ${(error as Error).message}`);
  }
}

async function push(repo: string, branch: string): Promise<void> {
  await remoteGit(repo).push('origin', branch);
}
