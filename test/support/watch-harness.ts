// A watch daemon on a real state repository and simulated destinations: starting it with its logs
// captured, waiting for what it does, and moving branches as people do (commit, merge, revert).
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/daemon/logger.js';
import { startWatch } from '../../src/daemon/watch.js';
import type { Watch, WatchOptions } from '../../src/daemon/watch.js';
import { readStatus } from '../../src/state/status-store.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { createAccounts } from './destinations.js';
import { stateRepo } from './gitops.js';
import type { StateRepo } from './gitops.js';
import { simHttp } from './sim-http.js';

export const LIFECYCLE = 'spaces/default/lifecycles/dev-to-production.yaml';

/** A destination file following `branch`, its key from `<BRANCH>_KEY`. */
export function destinationBody(sim: Simulator, branch: string, extra: Record<string, unknown> = {}) {
  return {
    server: sim.url,
    apiKey: { env: `${branch.toUpperCase()}_KEY` },
    branch,
    missingSecrets: 'placeholder',
    overlays: { secrets: { 'certificates/Web Shop TLS': { CertificateData: { valueFrom: { env: 'TLS_DATA' } } }, 'git-credentials/GitHub deploy bot': { 'Details.Password': { valueFrom: { env: 'GIT_TOKEN' } } } } },
    ...extra,
  };
}

export class WatchHarness {
  logs: string[] = [];
  watch: Watch | undefined;

  constructor(readonly repo: StateRepo) {}

  async start(options: Omit<WatchOptions, 'repo' | 'logger'> & { repo?: string }): Promise<Watch> {
    const sink = new Writable({
      write: (chunk, _encoding, done) => {
        this.logs.push(String(chunk));
        done();
      },
    });
    this.watch = await startWatch({ repo: this.repo.dir, logger: createLogger({ level: 'debug', destination: sink }), ...options });
    return this.watch;
  }

  async stop(): Promise<void> {
    await this.watch?.stop();
    this.watch = undefined;
  }

  /** Waits until a condition holds, checking every 100 ms (bounded: a test that hangs fails). */
  async eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}\nlogs:\n${this.logs.slice(-20).join('')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async head(branch: string): Promise<string> {
    return (await this.repo.git().revparse([branch])).trim();
  }

  status(destination: string, stateDir = path.join(this.repo.dir, '.octosync')) {
    return readStatus(stateDir, destination);
  }

  async appliedCommit(destination: string): Promise<string | undefined> {
    return (await this.status(destination)).lastApplied?.commit;
  }

  async untilApplied(destination: string, branch: string): Promise<void> {
    const want = await this.head(branch);
    await this.eventually(`${destination} has applied ${branch} (${want.slice(0, 8)})`, async () => (await this.appliedCommit(destination)) === want);
  }

  /** Commits a change to one file on a branch, and goes back to the branch checked out before. */
  async commitOn(branch: string, file: string, change: (text: string) => string, message: string): Promise<void> {
    await this.onBranch(branch, async () => {
      const full = path.join(this.repo.dir, file);
      await writeFile(full, change(await readFile(full, 'utf8').catch(() => '')));
      await this.repo.git().add(file);
      await this.repo.git().commit(message);
    });
  }

  async promoteTo(target: string, from: string): Promise<void> {
    await this.onBranch(target, () => this.repo.git().merge([from, '--no-edit']));
  }

  async revertOn(branch: string, args: string[] = ['HEAD']): Promise<void> {
    await this.onBranch(branch, () => this.repo.git().raw(['revert', '--no-edit', ...args]));
  }

  async onBranch(branch: string, work: () => Promise<unknown>): Promise<void> {
    const git = this.repo.git();
    const before = (await git.raw(['symbolic-ref', '--short', 'HEAD'])).trim();
    await git.checkout(branch);
    try {
      await work();
    } finally {
      await git.checkout(before);
    }
  }

  async json<T = Record<string, unknown>>(route: string): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.watch?.url}${route}`);
    return { status: response.status, body: (await response.json()) as T };
  }
}

/** The minimum number of environments before promotion to the Production phase, as the simulator has it. */
export async function minimumOf(sim: Simulator): Promise<number> {
  const lifecycle = (await simHttp(sim).get('/api/Spaces-1/lifecycles/all')).body.find((l: { Name: string }) => l.Name === 'Dev to Production');
  return lifecycle?.Phases.find((p: { Name: string }) => p.Name === 'Production')?.MinimumEnvironmentsBeforePromotion;
}

/** A change the repository did not make: the Dev environment's description, edited on the server. */
export async function changeByHand(sim: Simulator, description = 'changed by hand'): Promise<void> {
  const env = (await simHttp(sim).get('/api/Spaces-1/environments/all')).body.find((e: { Name: string }) => e.Name === 'Dev');
  await simHttp(sim).put(`/api/Spaces-1/environments/${env.Id}`, { ...env, Description: description });
}

/** The lifecycle change used throughout: production needs `n` environments first. */
export function requireEnvironments(n: number): (text: string) => string {
  return (text) => text.replace(/(- Name: Production\n(?: {4}.*\n)*? {4}MinimumEnvironmentsBeforePromotion: )\d+/, `$1${n}`);
}

/** A sample source snapshotted into a state repository, two empty destinations following their own branches, and a harness to watch them. */
export interface TwoDestinations {
  source: Simulator;
  staging: Simulator;
  production: Simulator;
  repo: StateRepo;
  h: WatchHarness;
  close(): Promise<void>;
}

/** Staging syncs automatically; production takes `production` (its sync or drift policy). */
export async function twoDestinations(production: Record<string, unknown>): Promise<TwoDestinations> {
  const source = await startSimulator({ seed: 'sample' });
  const staging = await startSimulator({ seed: 'empty' });
  const prod = await startSimulator({ seed: 'empty' });
  await createAccounts(source, staging);
  await createAccounts(source, prod);
  const repo = await stateRepo();
  const h = new WatchHarness(repo);
  await repo.snapshot(source);
  await repo.writeDestination('staging', destinationBody(staging, 'staging'));
  await repo.writeDestination('production', destinationBody(prod, 'production', production));
  await repo.git().branch(['staging']);
  await repo.git().branch(['production']);
  const close = async () => {
    await h.stop();
    await Promise.all([source.close(), staging.close(), prod.close()]);
    await repo.cleanup();
  };
  return { source, staging, production: prod, repo, h, close };
}
