// Replicas of the daemon on one state repository: a bare `origin` in a temporary folder (the one
// place replicas share), an empty source snapshotted into it, and destinations of their own, each
// an empty simulator following the `source` branch. A replica is a `watch` on `file://<origin>`
// with a state directory of its own (another machine), in this process or in a child process.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { simpleGit } from 'simple-git';
import { createLogger } from '../../src/daemon/logger.js';
import { startWatch } from '../../src/daemon/watch.js';
import type { Watch, WatchOptions } from '../../src/daemon/watch.js';
import { gitEnvironment } from '../../src/repo/git.js';
import { formatYaml } from '../../src/repo/yaml.js';
import { readStatus } from '../../src/state/status-store.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { writesByRoute } from './destinations.js';
import { stateRepo } from './gitops.js';
import type { StateRepo } from './gitops.js';

export const ENVIRONMENT_CREATES = 'POST /api/:spaceId/environments';

export interface ReplicaSetup {
  work: string;
  /** The bare repository every replica clones and pushes its leases to. */
  origin: string;
  url: string;
  repo: StateRepo;
  destinations: Map<string, Simulator>;
  /** The destinations' API keys, as the replicas' environment. */
  env: Record<string, string>;
  /** Adds an environment on `source` and pushes it to origin; the commit. */
  addEnvironment(name: string): Promise<string>;
  /** What one replica's state directory says the destination last applied. */
  appliedIn(stateDir: string, destination: string): Promise<string | undefined>;
  /** How many times this commit was attempted on the destination, over every replica's state directory. */
  attemptsOf(stateDirs: string[], destination: string, commit: string): Promise<number>;
  /** Environments created at the destination since it started. */
  environmentCreates(destination: string): number;
  /** Which process holds each destination's lease in origin now (destination → pid). */
  leaseHolders(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export async function replicaSetup(names: string[]): Promise<ReplicaSetup> {
  const work = await mkdtemp(path.join(tmpdir(), 'octosync-replicas-'));
  const source = await startSimulator({ seed: 'empty' });
  const repo = await stateRepo();
  const destinations = new Map<string, Simulator>();
  const env: Record<string, string> = {};
  try {
    await repo.snapshot(source);
    for (const name of names) {
      const sim = await startSimulator({ seed: 'empty' });
      destinations.set(name, sim);
      const key = `${name.toUpperCase()}_KEY`;
      env[key] = sim.apiKey;
      await repo.writeDestination(name, { server: sim.url, apiKey: { env: key }, branch: 'source' });
    }
  } finally {
    await source.close();
  }
  const origin = path.join(work, 'origin.git');
  await repo.git().raw(['clone', '--quiet', '--bare', repo.dir, origin]);
  const git = simpleGit(repo.dir).env(gitEnvironment(process.env));
  return {
    work,
    origin,
    url: `file://${origin}`,
    repo,
    destinations,
    env,
    addEnvironment: async (name) => {
      await git.checkout('source');
      const body = formatYaml({ Name: name, Description: `${name}, added by a commit`, AllowDynamicInfrastructure: false, SortOrder: 10, UseGuidedFailure: false }, '../../../schemas/environments.schema.json');
      const commit = await repo.commitFile(`spaces/default/environments/${name.toLowerCase()}.yaml`, body, `environment ${name}`);
      await git.raw(['push', '--quiet', origin, 'source']);
      return commit;
    },
    appliedIn: async (stateDir, destination) => (await readStatus(stateDir, destination)).lastApplied?.commit,
    attemptsOf: async (stateDirs, destination, commit) => {
      let count = 0;
      for (const dir of stateDirs) count += (await readStatus(dir, destination)).history.filter((entry) => entry.commit === commit).length;
      return count;
    },
    leaseHolders: async () => {
      const bare = simpleGit(origin).env(gitEnvironment(process.env));
      const holders: Record<string, number> = {};
      const prefix = 'refs/octosync/leases/destinations/';
      for (const line of (await bare.raw(['for-each-ref', '--format=%(refname) %(objectname)', prefix])).split('\n').filter(Boolean)) {
        const [ref = '', sha = ''] = line.split(' ');
        holders[ref.slice(prefix.length)] = (JSON.parse(await bare.raw(['log', '-1', '--format=%B', sha])) as { pid: number }).pid;
      }
      return holders;
    },
    environmentCreates: (destination) => writesByRoute(destinations.get(destination) as Simulator)[ENVIRONMENT_CREATES] ?? 0,
    close: async () => {
      await Promise.all([...destinations.values()].map((sim) => sim.close()));
      await repo.cleanup();
      await rm(work, { recursive: true, force: true });
    },
  };
}

/** A replica in this process: its own state directory, logs kept for failure messages. */
export class InProcessReplica {
  logs: string[] = [];
  watch: Watch | undefined;
  readonly stateDir: string;

  constructor(
    readonly setup: ReplicaSetup,
    readonly id: string,
  ) {
    this.stateDir = path.join(setup.work, `replica-${id}`);
  }

  async start(options: Partial<WatchOptions>): Promise<Watch> {
    const sink = new Writable({
      write: (chunk, _encoding, done) => {
        this.logs.push(String(chunk));
        done();
      },
    });
    this.watch = await startWatch({ repo: this.setup.url, stateDir: this.stateDir, env: { ...process.env, ...this.setup.env }, logger: createLogger({ level: 'debug', destination: sink }), port: 0, driftIntervalMs: 0, ...options });
    return this.watch;
  }

  /** The destinations it reconciles now. */
  running(): string[] {
    return (this.watch?.reconcilers() ?? []).map((r) => r.name).sort();
  }

  async stop(): Promise<void> {
    await this.watch?.stop();
    this.watch = undefined;
  }
}

interface LogEntry {
  time: number;
  msg: string;
  destination?: string;
}

/** The JSON log lines in `text` (pino: one object per line; other lines are skipped). */
export function logEntries(text: string): LogEntry[] {
  return text.split('\n').flatMap((line) => {
    try {
      return [JSON.parse(line) as LogEntry];
    } catch {
      return [];
    }
  });
}

/**
 * How many times a replica read the leases from `since` until it logged what `until` matches:
 * 1 when it acted at its first look (a replica looks once per poll interval), 0 when a look that
 * began a moment before did; undefined when it never logged it.
 */
export function looksUntil(entries: LogEntry[], since: number, until: (entry: LogEntry) => boolean): number | undefined {
  let looks = 0;
  for (const entry of entries.filter((e) => e.time >= since)) {
    if (until(entry)) return looks;
    if (entry.msg === 'replica: reading the leases') looks += 1;
  }
  return undefined;
}

export const taken = (destination: string) => (entry: LogEntry) => entry.destination === destination && entry.msg.startsWith('replica: destination taken');

/** Waits until a condition holds, checking every 100 ms (bounded: a test that hangs fails). */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000, logs: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}\n${logs()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
