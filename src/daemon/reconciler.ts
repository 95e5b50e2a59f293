// One destination's reconciler: follows the branch the destination follows and applies each new
// commit (sync: auto), retries a failing commit with backoff until a newer commit supersedes it,
// and checks for drift on an interval (drift: warn reports it, correct applies). One evaluation
// at a time; triggers that arrive meanwhile fold into one more. What it applied is persisted
// (status store), so a restarted daemon resumes without applying anything twice.
import { runApply } from '../commands/apply.js';
import { destinationActivity } from '../commands/destination-activity.js';
import { preparePlan } from '../commands/plan.js';
import { LockedError } from '../state/lock.js';
import type { Logger } from './logger.js';
import type { DaemonMetrics } from './metrics.js';
import { readStatus, recordAttempt, updateStatus } from '../state/status-store.js';
import { resolveRef } from '../repo/git.js';

export interface DestinationPolicy {
  name: string;
  branch: string;
  sync: 'auto' | 'manual';
  drift: 'ignore' | 'warn' | 'correct';
}

export interface ReconcilerOptions {
  repo: string;
  destination: DestinationPolicy;
  stateDir: string;
  /** Directories secret files may be read from (see secretFilePolicy). */
  secretDirs?: string[];
  env: NodeJS.ProcessEnv;
  logger: Logger;
  metrics: DaemonMetrics;
  /** How often to plan against live for drift (0: never). */
  driftIntervalMs: number;
  /** An apply taking longer is cancelled and reported failed; the next evaluation plans what is left. */
  applyTimeoutMs: number;
  retry: { baseMs: number; maxMs: number };
  now?: () => number;
  random?: () => number;
}

/** What the reconciler knows beyond the persisted status (for /status). */
export interface ReconcilerState {
  destination: string;
  branch: string;
  head?: string;
  busy: boolean;
  pending?: string;
  retry?: { commit: string; attempts: number; nextAt: string };
  /** Another applier held the destination's lock at the last try. */
  waitingForLock?: { holder: string; since: string };
}

export class Reconciler {
  private running: Promise<void> | undefined;
  private again = false;
  private failing: { commit: string; attempts: number; nextAt: number } | undefined;
  private lastDriftCheck = 0;
  /** What the last full drift check saw: its commit, the destination's activity, and the drift. */
  private lastDrift: { commit: string; activity: string; changes: number } | undefined;
  private head: string | undefined;
  private pending: string | undefined;
  private waitingForLock: ReconcilerState['waitingForLock'];

  private readonly options: ReconcilerOptions;

  constructor(options: ReconcilerOptions) {
    this.options = { ...options };
  }

  get name(): string {
    return this.options.destination.name;
  }

  /** Takes a changed destination file (branch, sync, drift) into account from the next evaluation. */
  setPolicy(destination: DestinationPolicy): void {
    this.options.destination = destination;
  }

  state(): ReconcilerState {
    const { destination } = this.options;
    return {
      destination: destination.name,
      branch: destination.branch,
      head: this.head,
      busy: this.running !== undefined,
      ...(this.pending ? { pending: this.pending } : {}),
      ...(this.waitingForLock ? { waitingForLock: this.waitingForLock } : {}),
      ...(this.failing ? { retry: { commit: this.failing.commit, attempts: this.failing.attempts, nextAt: new Date(this.failing.nextAt).toISOString() } } : {}),
    };
  }

  /** Asks for an evaluation; resolves when the evaluation it caused (or joined) is done. */
  trigger(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          try {
            await this.evaluate();
          } catch (error) {
            // One destination's trouble (an unreadable status, a full disk) must not stop the others.
            this.options.logger.error({ destination: this.name }, `evaluation failed: ${(error as Error).message}`);
          }
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** Resolves when no evaluation runs (for shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private async evaluate(): Promise<void> {
    const { destination, logger } = this.options;
    const log = logger.child({ destination: destination.name });
    let head: string;
    try {
      head = await resolveRef(this.options.repo, destination.branch);
    } catch (error) {
      log.warn({ branch: destination.branch }, `branch not found: ${(error as Error).message}`);
      return;
    }
    this.head = head;
    const status = await readStatus(this.options.stateDir, destination.name);
    const applied = status.lastApplied?.commit;
    if (head !== applied) {
      if (destination.sync === 'manual') {
        if (this.pending !== head) log.info({ commit: head }, 'new commit waiting for a manual apply (sync: manual)');
        this.pending = head;
        return;
      }
      if (this.failing?.commit === head && this.now() < this.failing.nextAt) return;
      await this.apply(head, 'new commit');
      return;
    }
    this.pending = undefined;
    this.failing = undefined;
    if (destination.drift !== 'ignore' && this.options.driftIntervalMs > 0 && this.now() - this.lastDriftCheck >= this.options.driftIntervalMs) {
      this.lastDriftCheck = this.now();
      await this.checkDrift(head);
    }
  }

  private async apply(commit: string, reason: string): Promise<boolean> {
    const { destination, logger, metrics } = this.options;
    const log = logger.child({ destination: destination.name, commit: commit.slice(0, 12) });
    log.info({ reason }, 'applying');
    const started = this.now();
    // An apply that takes too long is cancelled: no further write starts, requests in flight abort.
    const cancel = new AbortController();
    const timer = setTimeout(
      () => cancel.abort(new Error(`the apply of ${commit.slice(0, 12)} took longer than ${Math.round(this.options.applyTimeoutMs / 1000)} s and was cancelled`)),
      this.options.applyTimeoutMs,
    );
    try {
      const result = await runApply({ repo: this.options.repo, destination: destination.name, ref: commit, env: this.options.env, stateDir: this.options.stateDir, secretDirs: this.options.secretDirs, signal: cancel.signal });
      metrics.applies.inc({ destination: destination.name, result: result.result });
      metrics.applyDuration.observe({ destination: destination.name }, (this.now() - started) / 1000);
      metrics.lastApplied.set({ destination: destination.name }, Math.floor(this.now() / 1000));
      metrics.drift.set({ destination: destination.name }, 0);
      this.failing = undefined;
      this.waitingForLock = undefined;
      log.info({ summary: result.plan.summary }, result.result === 'no-changes' ? 'already up to date' : 'applied');
      return true;
    } catch (error) {
      if (error instanceof LockedError) {
        const holder = `process ${error.holder.pid} on ${error.holder.host}`;
        this.waitingForLock = { holder, since: error.holder.since };
        log.warn({ holder: error.holder }, `${holder} holds the apply lock since ${error.holder.since}; trying again later`);
        return false;
      }
      const attempts = this.failing?.commit === commit ? this.failing.attempts + 1 : 1;
      const delay = Math.min(this.options.retry.maxMs, this.options.retry.baseMs * 2 ** (attempts - 1)) * (0.5 + 0.5 * (this.options.random ?? Math.random)());
      this.failing = { commit, attempts, nextAt: this.now() + delay };
      metrics.applies.inc({ destination: destination.name, result: 'failed' });
      const message = (error as Error).message;
      log.error({ attempts, retryInMs: Math.round(delay) }, `apply failed: ${message}`);
      await this.recordFailure(commit, message);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Failures before anything was written (an invalid plan, an unreachable server) are recorded too. */
  private async recordFailure(commit: string, error: string): Promise<void> {
    await updateStatus(this.options.stateDir, this.name, (status) => {
      // An apply that got as far as writing recorded its own failure (with outcomes) already.
      if (status.lastAttempt?.commit === commit && status.lastAttempt.result === 'failed' && status.lastAttempt.error !== 'interrupted: the apply did not finish' && status.lastAttempt.at >= new Date(this.now() - 1000).toISOString()) return status;
      return recordAttempt(status, { commit, at: new Date(this.now()).toISOString(), result: 'failed', error, outcomes: [] });
    });
  }

  private async checkDrift(commit: string): Promise<void> {
    const { destination, logger, metrics } = this.options;
    const log = logger.child({ destination: destination.name });
    let changes: number;
    const planOptions = { repo: this.options.repo, destination: destination.name, ref: commit, env: this.options.env, stateDir: this.options.stateDir, secretDirs: this.options.secretDirs };
    // Nothing happened at the destination (its events log says) and the commit is the same: the
    // last answer holds, for a few requests instead of reading every collection.
    const activity = await destinationActivity(planOptions).catch(() => undefined);
    if (activity !== undefined && this.lastDrift?.commit === commit && this.lastDrift.activity === activity) {
      log.debug('drift check: nothing changed at the destination since the last check');
      await updateStatus(this.options.stateDir, destination.name, (status) => ({ ...status, drift: { at: new Date(this.now()).toISOString(), changes: this.lastDrift?.changes ?? 0 } }));
      return;
    }
    try {
      const prepared = await preparePlan(planOptions);
      await prepared.client.close();
      changes = prepared.plan.changes.length;
      if (changes > 0) log.warn({ changes: prepared.plan.changes.map((c) => `${c.action} ${c.kind} ${c.name}`) }, `drift: the destination differs from ${commit.slice(0, 12)} in ${changes} resources`);
    } catch (error) {
      log.warn(`drift check failed: ${(error as Error).message}`);
      return;
    }
    this.lastDrift = activity === undefined ? undefined : { commit, activity, changes };
    metrics.drift.set({ destination: destination.name }, changes);
    await updateStatus(this.options.stateDir, destination.name, (status) => ({ ...status, drift: { at: new Date(this.now()).toISOString(), changes } }));
    if (changes > 0 && destination.drift === 'correct') await this.apply(commit, 'drift correction');
  }
}
