// `octosync watch`: one process that snapshots the source and reconciles every destination,
// following their branches. A local repository is watched with chokidar (a new commit is picked
// up within a second or two); a remote one is cloned under the state directory and fetched on an
// interval with jitter and on `POST /hooks/git`. Serves /healthz, /status and /metrics.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { watch as watchFiles } from 'chokidar';
import type { FSWatcher } from 'chokidar';
import { simpleGit } from 'simple-git';
import { defaultStateDir, ensureStateDir } from '../state/state-dir.js';
import { parseDestination } from '../repo/destination.js';
import { gitEnvironment, readFilesAt, remoteGit, resolveRef } from '../repo/git.js';
import { DESTINATIONS_DIR } from '../repo/layout.js';
import { loadSchemas } from '../validate/schemas.js';
import type { Logger } from './logger.js';
import { createMetrics } from './metrics.js';
import type { DaemonMetrics } from './metrics.js';
import { Reconciler } from './reconciler.js';
import type { DestinationPolicy } from './reconciler.js';
import { Snapshotter } from './snapshotter.js';
import { readStatus } from '../state/status-store.js';
import type { DestinationStatus } from '../state/status-store.js';

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
  applyTimeoutMs?: number;
  retry?: { baseMs: number; maxMs: number };
  /** When set, `POST /hooks/git` must prove it knows it (see webhookAuthorized). */
  webhookSecret?: string;
}

export interface Watch {
  url: string;
  /** The destinations reconciled now. */
  reconcilers(): Reconciler[];
  metrics: DaemonMetrics;
  /** Fetches (remote) and evaluates every destination now. */
  sync(): Promise<void>;
  stop(): Promise<void>;
}

const REMOTE = /^(https?:\/\/|ssh:\/\/|git@|file:\/\/)/;

export async function startWatch(options: WatchOptions): Promise<Watch> {
  const remote = REMOTE.test(options.repo);
  const stateDir = options.stateDir ?? (remote ? path.resolve('.octosync') : defaultStateDir(options.repo));
  const repo = remote ? await cloneOrFetch(options.repo, await ensureStateDir(stateDir).then(() => path.join(stateDir, 'clone'))) : options.repo;
  const { logger } = options;
  const metrics = createMetrics();
  const reconcilers = new Map<string, Reconciler>();
  const newReconciler = (destination: DestinationPolicy) =>
    new Reconciler({
      repo,
      destination,
      stateDir,
      ...(options.secretDirs?.length ? { secretDirs: options.secretDirs } : {}),
      env: options.env,
      logger,
      metrics,
      driftIntervalMs: options.driftIntervalMs ?? 5 * 60_000,
      applyTimeoutMs: options.applyTimeoutMs ?? 30 * 60_000,
      retry: options.retry ?? { baseMs: 10_000, maxMs: 10 * 60_000 },
    });
  const policies = await destinationPolicies(repo, options.destinations);
  for (const policy of policies) reconcilers.set(policy.name, newReconciler(policy));
  // Destination files are read again before each evaluation: a destination added, removed or
  // following another branch takes effect with the commit that says so, without a restart.
  const refreshDestinations = async () => {
    let current: DestinationPolicy[];
    try {
      current = await destinationPolicies(repo, options.destinations);
    } catch (error) {
      logger.error(`destination files unreadable, keeping the ones in use: ${(error as Error).message}`);
      return;
    }
    for (const policy of current) {
      const existing = reconcilers.get(policy.name);
      if (existing) existing.setPolicy(policy);
      else {
        reconcilers.set(policy.name, newReconciler(policy));
        logger.info({ destination: policy.name, branch: policy.branch }, 'destination added');
      }
    }
    for (const name of [...reconcilers.keys()]) {
      if (current.some((policy) => policy.name === name)) continue;
      reconcilers.delete(name);
      logger.info({ destination: name }, 'destination removed: no longer reconciled');
    }
  };
  const snapshotter = (options.snapshotIntervalMs ?? 0) > 0
    ? new Snapshotter({ repo, stateDir, ...(options.secretDirs?.length ? { secretDirs: options.secretDirs } : {}), env: options.env, logger, metrics, ...(remote ? { afterCommit: (branch: string) => push(repo, branch), ownWorktree: true } : {}) })
    : undefined;

  // In a clone, a fetch moves branches (forcefully, to mirror the remote): it must never run
  // between a snapshot's commit and its push.
  let gitWork: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(work: () => Promise<T>): Promise<T> => {
    const next = gitWork.catch(() => undefined).then(work);
    gitWork = next;
    return next;
  };
  const evaluateAll = async () => {
    await refreshDestinations();
    await Promise.all([...reconcilers.values()].map((r) => r.trigger()));
  };
  const sync = async () => {
    if (remote) await oneAtATime(() => fetch(repo, logger));
    await evaluateAll();
  };
  const snapshot = () => (snapshotter ? (remote ? oneAtATime(() => snapshotter.trigger()) : snapshotter.trigger()) : Promise.resolve());

  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  // Background work logs its failures: nothing it does may end the daemon.
  const background = (work: Promise<unknown>) => work.catch((error: unknown) => logger.error(`background work failed: ${(error as Error).message}`));
  const every = (ms: number, run: () => Promise<void>) => {
    // Jitter keeps many daemons from fetching the same remote in step.
    const schedule = () => {
      if (stopped) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        void background(run()).finally(schedule);
      }, ms * (0.8 + 0.4 * Math.random()));
      timers.add(timer);
    };
    schedule();
  };
  every(options.pollIntervalMs ?? 60_000, sync);
  if (snapshotter) {
    every(options.snapshotIntervalMs as number, snapshot);
    void background(snapshot());
  }
  const watcher = remote ? undefined : await watchRefs(repo, () => background(evaluateAll()), logger);
  const server = await serve(options, { reconcilers: () => [...reconcilers.values()], metrics, stateDir, sync });
  logger.info({ destinations: policies.map((p) => `${p.name} ← ${p.branch}`), status: server.url }, 'watching');
  void background(evaluateAll());

  return {
    url: server.url,
    reconcilers: () => [...reconcilers.values()],
    metrics,
    sync,
    stop: async () => {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      await watcher?.close();
      await new Promise<void>((resolve) => server.server.close(() => resolve()));
      server.server.closeAllConnections();
      await Promise.all([...[...reconcilers.values()].map((r) => r.idle()), snapshotter?.idle()]);
    },
  };
}

/** Each destination's branch and policies, from its file as committed at the repository's HEAD. */
async function destinationPolicies(repo: string, only?: string[]): Promise<DestinationPolicy[]> {
  const schemas = loadSchemas();
  const texts = await readFilesAt(repo, await resolveRef(repo, 'HEAD'), (file) => file.startsWith(`${DESTINATIONS_DIR}/`) && file.endsWith('.yaml'));
  const names = [...texts.keys()].map((file) => path.basename(file, '.yaml')).sort();
  for (const name of only ?? []) {
    if (!names.includes(name)) throw new Error(`unknown destination '${name}' (known: ${names.join(', ') || 'none'})`);
  }
  return names
    .filter((name) => !only?.length || only.includes(name))
    .map((name) => {
      const destination = parseDestination(name, texts.get(`${DESTINATIONS_DIR}/${name}.yaml`) as string, schemas);
      if (!destination.branch) throw new Error(`destination '${name}' follows no branch: set \`branch\` in ${DESTINATIONS_DIR}/${name}.yaml to watch it`);
      return { name, branch: destination.branch, sync: destination.sync ?? 'auto', drift: destination.drift ?? 'warn' };
    });
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

interface ServeContext {
  reconcilers: () => Reconciler[];
  metrics: DaemonMetrics;
  stateDir: string;
  sync: () => Promise<void>;
}

async function serve(options: WatchOptions, context: ServeContext): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const reply = (status: number, body: string, type = 'application/json') => {
      res.writeHead(status, { 'Content-Type': type });
      res.end(body);
    };
    const route = `${req.method} ${new URL(req.url ?? '/', 'http://daemon').pathname}`;
    const handle = async () => {
      if (route === 'GET /healthz') return reply(200, JSON.stringify({ status: 'ok' }));
      if (route === 'GET /metrics') return reply(200, await context.metrics.registry.metrics(), context.metrics.registry.contentType);
      if (route === 'GET /status') {
        const destinations = await Promise.all(
          context.reconcilers().map(async (r) => ({ ...r.state(), status: withoutDigests(await readStatus(context.stateDir, r.name)) })),
        );
        return reply(200, JSON.stringify({ destinations }, null, 2));
      }
      if (route === 'POST /hooks/git') {
        const body = await readBody(req);
        if (options.webhookSecret && !webhookAuthorized(req.headers, body, options.webhookSecret)) return reply(401, JSON.stringify({ error: 'the webhook secret does not match' }));
        void context.sync().catch(() => undefined);
        return reply(202, JSON.stringify({ accepted: true }));
      }
      return reply(404, JSON.stringify({ error: `no route ${route}` }));
    };
    handle().catch((error: unknown) => reply(500, JSON.stringify({ error: (error as Error).message })));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve()));
  const address = server.address() as AddressInfo;
  return { url: `http://${options.host ?? '127.0.0.1'}:${address.port}`, server };
}

/** Status as /status shows it: secret digests stay in the state directory. */
function withoutDigests(status: DestinationStatus): DestinationStatus {
  if (!status.lastApplied) return status;
  const { secretDigests: _digests, ...applied } = status.lastApplied;
  return { ...status, lastApplied: applied as DestinationStatus['lastApplied'] };
}

/** Request bodies of webhooks are small; a larger one is cut off (and then fails the signature). */
const MAX_WEBHOOK_BYTES = 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_WEBHOOK_BYTES) chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Whether a webhook knows the shared secret, in the forms Git hosts send it: GitHub's
 * `X-Hub-Signature-256` (an HMAC of the body), GitLab's `X-Gitlab-Token`, or a bearer token.
 * Compared in constant time.
 */
export function webhookAuthorized(headers: IncomingHttpHeaders, body: Buffer, secret: string): boolean {
  const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
  const signature = headers['x-hub-signature-256'];
  if (typeof signature === 'string') return same(signature, `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const gitlab = headers['x-gitlab-token'];
  if (typeof gitlab === 'string') return same(gitlab, secret);
  const authorization = headers.authorization;
  return typeof authorization === 'string' && same(authorization, `Bearer ${secret}`);
}
