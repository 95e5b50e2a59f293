// One destination's reconciler: follows the branch the destination follows and applies each new
// commit (sync: auto), retries a failing commit with backoff until a newer commit supersedes it,
// and checks for drift when asked (the daemon asks on a clock of its own: drift: warn reports it,
// correct undoes it by applying the applied commit again). Every policy comes from the
// destination's file as committed at the commit considered: the branch head for sync, the
// applied commit for drift. One piece of work at a time (an evaluation, a drift check, an action
// from the status page); triggers that arrive during an evaluation fold into one more. What it
// applied is persisted (status store), so a restarted daemon resumes without applying anything twice.
import { runApply } from '../commands/apply.js';
import { destinationActivity } from '../commands/destination-activity.js';
import { DEFAULT_FULL_READ_EVERY_MS, incrementalSpaceReader } from '../commands/incremental-reads.js';
import type { IncrementalRead } from '../commands/incremental-reads.js';
import { preparePlan } from '../commands/plan.js';
import type { PlanOptions } from '../commands/plan.js';
import { renderPlanMarkdown, renderPlanText } from '../core/render-plan.js';
import { destinationFile, parseDestination } from '../repo/destination.js';
import type { Destination } from '../repo/destination.js';
import { readFileAt, resolveRef } from '../repo/git.js';
import type { ParsedDocuments } from '../repo/parsed-documents.js';
import { LockedError } from '../state/lock.js';
import { readStatus, recordAttempt, updateStatus } from '../state/status-store.js';
import { readSuspension, writeSuspension } from '../state/suspension.js';
import type { Suspension } from '../state/suspension.js';
import { loadSchemas } from '../validate/schemas.js';
import type { Logger } from './logger.js';
import type { DaemonMetrics } from './metrics.js';
import { notify } from './notifier.js';
import type { NotificationEvent } from './notifier.js';

/** Which destination, and the branch that follows it (see repo/discovery.ts). */
export interface FollowedBranch {
  name: string;
  branch: string;
}

export interface Policy {
  sync: 'auto' | 'manual';
  drift: 'ignore' | 'warn' | 'correct';
  prune: boolean;
}

export interface ReconcilerOptions {
  repo: string;
  destination: FollowedBranch;
  stateDir: string;
  /** Directories secret files may be read from (see secretFilePolicy). */
  secretDirs?: string[];
  env: NodeJS.ProcessEnv;
  logger: Logger;
  metrics: DaemonMetrics;
  /** An apply taking longer is cancelled and reported failed; the next evaluation plans what is left. */
  applyTimeoutMs: number;
  retry: { baseMs: number; maxMs: number };
  /** A drift check reads everything again at least this often (else only what the events log names); default an hour. */
  fullReadEveryMs?: number;
  now?: () => number;
  random?: () => number;
  /**
   * Runs a plan or an apply when its turn comes: the daemon lets a few destinations run at once
   * (each holds its documents and its live state while it runs), the others wait. Default: at once.
   */
  turn?: <T>(work: () => Promise<T>) => Promise<T>;
  /** Parsed documents by blob, shared by every destination of the daemon (see repo/parsed-documents.ts). */
  parsed?: ParsedDocuments;
}

/** What the reconciler knows beyond the persisted status (for /status). */
export interface ReconcilerState {
  destination: string;
  branch: string;
  head?: string;
  /** The policies as the head's copy of the destination file says. */
  policy?: Policy;
  busy: boolean;
  pending?: string;
  /** Whether an evaluation has run to a decision since the daemon started (see /readyz). */
  reconciled: boolean;
  lastEvaluatedAt?: string;
  /** Why the last evaluation could not decide (a missing branch, an unreadable file). */
  problem?: string;
  retry?: { commit: string; attempts: number; nextAt: string };
  /** Another applier held the destination's lock at the last try. */
  waitingForLock?: { holder: string; since: string };
  /** Since when a plan or apply waits for its turn among the daemon's destinations. */
  waitingForTurn?: string;
  /** When drift was last checked, and what came of it (the status keeps the last successful check). */
  driftCheck?: { at: string; result: 'checked' | 'skipped' | 'failed'; reason?: string };
  /** Nothing is applied by itself while suspended (an apply asked for by hand still is). */
  suspended?: Suspension;
  /** The plan of the last apply this process made, as pull-request comments show it. */
  lastPlan?: { commit: string; at: string; markdown: string };
}

/** What an action asked of a reconciler came to. */
export interface ActionOutcome {
  done: boolean;
  message: string;
}

export class Reconciler {
  private running: Promise<void> | undefined;
  private again = false;
  private exclusiveTail: Promise<unknown> = Promise.resolve();
  private driftRunning: Promise<void> | undefined;
  private failing: { commit: string; attempts: number; nextAt: number } | undefined;
  private head: string | undefined;
  private policy: Policy | undefined;
  private pending: string | undefined;
  private reconciled = false;
  private lastEvaluatedAt: string | undefined;
  private problem: string | undefined;
  private driftCheck: ReconcilerState['driftCheck'];
  private waitingForLock: ReconcilerState['waitingForLock'];
  private waitingForTurn: string | undefined;
  private suspended: Suspension | undefined;
  private lastPlan: ReconcilerState['lastPlan'];
  /** What the last full drift check saw: its commit, the destination's activity, and the drift. */
  private lastDrift: { commit: string; activity: string; changes: number } | undefined;

  private readonly options: ReconcilerOptions;

  constructor(options: ReconcilerOptions) {
    this.options = { ...options };
  }

  get name(): string {
    return this.options.destination.name;
  }

  get branch(): string {
    return this.options.destination.branch;
  }

  /** Follows another branch from the next evaluation (its file moved the destination). */
  follow(branch: string): void {
    if (branch === this.options.destination.branch) return;
    this.options.destination = { ...this.options.destination, branch };
    this.pending = undefined;
    this.failing = undefined;
  }

  state(): ReconcilerState {
    const { destination } = this.options;
    return {
      destination: destination.name,
      branch: destination.branch,
      head: this.head,
      ...(this.policy ? { policy: this.policy } : {}),
      busy: this.running !== undefined,
      ...(this.pending ? { pending: this.pending } : {}),
      reconciled: this.reconciled,
      ...(this.lastEvaluatedAt ? { lastEvaluatedAt: this.lastEvaluatedAt } : {}),
      ...(this.problem ? { problem: this.problem } : {}),
      ...(this.waitingForLock ? { waitingForLock: this.waitingForLock } : {}),
      ...(this.waitingForTurn ? { waitingForTurn: this.waitingForTurn } : {}),
      ...(this.failing ? { retry: { commit: this.failing.commit, attempts: this.failing.attempts, nextAt: new Date(this.failing.nextAt).toISOString() } } : {}),
      ...(this.driftCheck ? { driftCheck: this.driftCheck } : {}),
      ...(this.suspended ? { suspended: this.suspended } : {}),
      ...(this.lastPlan ? { lastPlan: this.lastPlan } : {}),
    };
  }

  /** Applies the head of the followed branch now, whatever the sync policy (a person asked). */
  applyPending(): Promise<ActionOutcome> {
    return this.exclusive(async () => {
      const head = await resolveRef(this.options.repo, this.branch);
      const status = await readStatus(this.options.stateDir, this.name);
      if (status.lastApplied?.commit === head) return { done: false, message: `${this.name}: nothing pending, ${head.slice(0, 12)} is applied` };
      this.head = head;
      const applied = await this.apply(head, 'applied by hand');
      if (applied) {
        this.pending = undefined;
        this.reconciled = true;
      }
      return { done: applied, message: applied ? `${this.name}: applied ${head.slice(0, 12)}` : `${this.name}: the apply of ${head.slice(0, 12)} failed (see the last result)` };
    });
  }

  /** Stops (or resumes) applying by itself; kept in the state directory across restarts. */
  async suspend(suspend: boolean): Promise<ActionOutcome> {
    await this.exclusive(async () => {
      this.suspended = suspend ? { since: new Date(this.now()).toISOString() } : undefined;
      await writeSuspension(this.options.stateDir, this.name, this.suspended);
    });
    if (!suspend) void this.trigger();
    return { done: true, message: `${this.name}: ${suspend ? 'suspended' : 'resumed'}` };
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
          await this.guarded('evaluation', () => this.evaluate());
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** Compares the destination with the applied commit now; a check already under way is joined. */
  checkDrift(): Promise<void> {
    this.driftRunning ??= this.guarded('drift check', () => this.driftNow()).finally(() => {
      this.driftRunning = undefined;
    });
    return this.driftRunning;
  }

  /** Resolves when no work runs (for shutdown). */
  async idle(): Promise<void> {
    while (this.running || this.driftRunning) await Promise.all([this.running, this.driftRunning]);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Runs a plan or an apply in its turn among the daemon's destinations (see ReconcilerOptions.turn). */
  private async inTurn<T>(work: () => Promise<T>): Promise<T> {
    const { turn } = this.options;
    if (!turn) return work();
    this.waitingForTurn = new Date(this.now()).toISOString();
    return turn(() => {
      this.waitingForTurn = undefined;
      return work();
    }).finally(() => {
      this.waitingForTurn = undefined;
    });
  }

  /** Runs one piece of work after the others. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.exclusiveTail.catch(() => undefined).then(work);
    this.exclusiveTail = next;
    return next;
  }

  /** Like exclusive; a failure is logged, never thrown. */
  private guarded(what: string, work: () => Promise<void>): Promise<void> {
    return this.exclusive(work).catch((error: unknown) => {
      // One destination's trouble (an unreadable status, a full disk) must not stop the others.
      this.options.logger.error({ destination: this.name }, `${what} failed: ${(error as Error).message}`);
    });
  }

  /** What a plan or apply of `commit` for this destination is given. */
  private planOptions(commit: string): PlanOptions & { ref: string } {
    const { repo, destination, env, stateDir, secretDirs, parsed } = this.options;
    return { repo, destination: destination.name, ref: commit, env, stateDir, secretDirs, ...(parsed ? { parsed } : {}) };
  }

  /** The destination file as committed at `commit`, if it is still this branch's destination there. */
  private async fileAt(commit: string): Promise<Destination | undefined> {
    const text = await readFileAt(this.options.repo, commit, destinationFile(this.name));
    if (text === undefined) return undefined;
    return parseDestination(this.name, text, loadSchemas());
  }

  private async evaluate(): Promise<void> {
    const { destination, logger } = this.options;
    const log = logger.child({ destination: destination.name });
    this.lastEvaluatedAt = new Date(this.now()).toISOString();
    this.problem = undefined;
    this.suspended = await readSuspension(this.options.stateDir, destination.name);
    let head: string;
    try {
      head = await resolveRef(this.options.repo, destination.branch);
    } catch (error) {
      this.problem = `branch '${destination.branch}' not found: ${(error as Error).message}`;
      log.warn({ branch: destination.branch }, this.problem);
      return;
    }
    this.head = head;
    const file = await this.fileAt(head).catch((error: unknown) => {
      this.problem = `${destinationFile(this.name)} at ${head.slice(0, 12)} is invalid: ${(error as Error).message}`;
      return undefined;
    });
    if (!file || file.branch !== destination.branch) {
      this.problem ??= `${destinationFile(this.name)} at ${head.slice(0, 12)} no longer names branch '${destination.branch}'`;
      log.warn(this.problem);
      return;
    }
    this.policy = policyOf(file);
    const status = await readStatus(this.options.stateDir, destination.name);
    const applied = status.lastApplied?.commit;
    if (head === applied) {
      this.pending = undefined;
      this.failing = undefined;
      this.reconciled = true;
      return;
    }
    const known = this.pending === head;
    this.pending = head;
    if (this.policy.sync === 'manual') {
      if (!known) log.info({ commit: head }, 'new commit waiting for a manual apply (sync: manual)');
      this.reconciled = true;
      return;
    }
    if (this.suspended) {
      if (!known) log.info({ commit: head }, 'new commit waiting: the destination is suspended');
      this.reconciled = true;
      return;
    }
    if (this.failing?.commit === head && this.now() < this.failing.nextAt) return;
    if (await this.apply(head, 'new commit')) {
      this.pending = undefined;
      this.reconciled = true;
    }
  }

  private async apply(commit: string, reason: string): Promise<boolean> {
    const { destination, logger, metrics } = this.options;
    const log = logger.child({ destination: destination.name, commit: commit.slice(0, 12) });
    log.info({ reason }, 'applying');
    let started = this.now();
    const failedBefore = (await readStatus(this.options.stateDir, destination.name)).lastAttempt?.result === 'failed';
    try {
      const result = await this.inTurn(async () => {
        // Counted from its turn: waiting for other destinations is not the apply taking long.
        started = this.now();
        // An apply that takes too long is cancelled: no further write starts, requests in flight abort.
        const cancel = new AbortController();
        const timer = setTimeout(
          () => cancel.abort(new Error(`the apply of ${commit.slice(0, 12)} took longer than ${Math.round(this.options.applyTimeoutMs / 1000)} s and was cancelled`)),
          this.options.applyTimeoutMs,
        );
        try {
          return await runApply({ ...this.planOptions(commit), signal: cancel.signal });
        } finally {
          clearTimeout(timer);
        }
      });
      metrics.applies.inc({ destination: destination.name, result: result.result });
      metrics.applyDuration.observe({ destination: destination.name }, (this.now() - started) / 1000);
      metrics.lastApplied.set({ destination: destination.name }, Math.floor(this.now() / 1000));
      metrics.drift.set({ destination: destination.name }, 0);
      this.failing = undefined;
      this.waitingForLock = undefined;
      const at = new Date(this.now()).toISOString();
      this.lastPlan = { commit, at, markdown: renderPlanMarkdown(result.plan) };
      const { create, update, delete: remove } = result.plan.summary;
      await this.amendHistory(commit, { durationMs: this.now() - started, writes: result.result === 'no-changes' ? 0 : create + update + remove });
      if (failedBefore) await this.notify(commit, 'recovered', `applied ${commit.slice(0, 12)} after a failed apply (${create} created, ${update} updated, ${remove} deleted)`);
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
      await this.amendHistory(commit, { durationMs: this.now() - started });
      if (attempts === 1) await this.notify(commit, 'apply-failed', `the apply of ${commit.slice(0, 12)} failed: ${message.split('\n')[0] ?? ''}`);
      return false;
    }
  }

  /** Posts to the destination's webhook, as its file at `commit` names it (see notifier.ts). */
  private async notify(commit: string, event: NotificationEvent, text: string): Promise<void> {
    const file = await this.fileAt(commit).catch(() => undefined);
    if (file) await notify(file, event, text, { env: this.options.env, stateDir: this.options.stateDir, logger: this.options.logger, ...(this.options.secretDirs ? { secretDirs: this.options.secretDirs } : {}) });
  }

  /** Adds how long the newest attempt took (and its writes) to its history entry. */
  private async amendHistory(commit: string, extra: { durationMs: number; writes?: number }): Promise<void> {
    await updateStatus(this.options.stateDir, this.name, (status) => {
      const [newest, ...rest] = status.history;
      if (newest?.commit !== commit || newest.durationMs !== undefined) return status;
      return { ...status, history: [{ ...newest, ...extra }, ...rest] };
    });
  }

  /** Failures before anything was written (an invalid plan, an unreachable server) are recorded too. */
  private async recordFailure(commit: string, error: string): Promise<void> {
    await updateStatus(this.options.stateDir, this.name, (status) => {
      // An apply that got as far as writing recorded its own failure (with outcomes) already.
      if (status.lastAttempt?.commit === commit && status.lastAttempt.result === 'failed' && status.lastAttempt.error !== 'interrupted: the apply did not finish' && status.lastAttempt.at >= new Date(this.now() - 1000).toISOString()) return status;
      return recordAttempt(status, { commit, at: new Date(this.now()).toISOString(), result: 'failed', error, outcomes: [] });
    });
  }

  /**
   * Drift is the difference between the destination and what was applied to it, whatever waits
   * to be applied: a pending commit (sync: manual, or one failing to apply) does not hide it.
   */
  private async driftNow(): Promise<void> {
    const { destination, logger, metrics } = this.options;
    const log = logger.child({ destination: destination.name });
    const at = new Date(this.now()).toISOString();
    const status = await readStatus(this.options.stateDir, destination.name);
    const applied = status.lastApplied?.commit;
    if (!applied) {
      this.driftCheck = { at, result: 'skipped', reason: 'nothing applied yet' };
      return;
    }
    const file = await this.fileAt(applied).catch(() => undefined);
    const policy = file ? policyOf(file) : this.policy;
    if (policy?.drift === 'ignore') {
      this.driftCheck = { at, result: 'skipped', reason: 'drift: ignore' };
      return;
    }
    const planOptions = this.planOptions(applied);
    // Nothing happened at the destination (its events log says) and the applied commit is the
    // same: the last answer holds, for a few requests instead of reading every collection.
    const activity = await destinationActivity(planOptions).catch(() => undefined);
    const last = this.lastDrift;
    if (activity !== undefined && last?.commit === applied && last.activity === activity) {
      log.debug('drift check: nothing changed at the destination since the last check');
      this.driftCheck = { at, result: 'checked' };
      await updateStatus(this.options.stateDir, destination.name, (current) => ({ ...current, drift: { ...current.drift, at, changes: last.changes, commit: applied } }));
      return;
    }
    let changes: number;
    let gitHeld: number;
    let diff: string;
    try {
      // Only the collections the destination's events log names since the last check are read
      // again; the rest comes from that check (commands/incremental-reads.ts).
      const reads: IncrementalRead[] = [];
      const readSpace = incrementalSpaceReader({ stateDir: this.options.stateDir, name: `drift-${destination.name}`, fullReadEveryMs: this.options.fullReadEveryMs ?? DEFAULT_FULL_READ_EVERY_MS, now: () => this.now(), onRead: (read) => reads.push(read) });
      const prepared = await this.inTurn(async () => {
        const plan = await preparePlan({ ...planOptions, readSpace });
        await plan.client.close();
        return plan;
      });
      log.debug({ reads: reads.map((read) => `${read.spaceId}: ${read.full ? `full (${read.reason})` : read.collections.join(', ') || 'nothing'}`) }, 'drift check: destination read');
      changes = prepared.plan.changes.length;
      // Read-only: what version-controlled projects keep in Git is reported, never corrected.
      gitHeld = prepared.plan.gitHeld?.length ?? 0;
      diff = renderPlanText(prepared.plan);
      if (changes > 0) log.warn({ changes: prepared.plan.changes.map((c) => `${c.action} ${c.kind} ${c.name}`) }, `drift: the destination differs from ${applied.slice(0, 12)} in ${changes} resources`);
    } catch (error) {
      const reason = (error as Error).message;
      this.driftCheck = { at, result: 'failed', reason };
      log.warn(`drift check failed: ${reason}`);
      return;
    }
    this.lastDrift = activity === undefined ? undefined : { commit: applied, activity, changes };
    this.driftCheck = { at, result: 'checked' };
    // Once per drift found, not at every check that finds it again.
    if (changes > 0 && status.drift?.diff !== diff) await this.notify(applied, 'drift-found', `${changes} ${changes === 1 ? 'change' : 'changes'} made outside the repository (against ${applied.slice(0, 12)}):\n${diff}`);
    this.suspended = await readSuspension(this.options.stateDir, destination.name);
    metrics.drift.set({ destination: destination.name }, changes);
    await updateStatus(this.options.stateDir, destination.name, (current) => ({ ...current, drift: { at, changes, commit: applied, ...(gitHeld > 0 ? { gitHeld } : {}), ...(changes > 0 || gitHeld > 0 ? { diff } : {}) } }));
    if (changes > 0 && policy?.drift === 'correct' && !this.suspended) await this.apply(applied, 'drift correction');
  }
}

function policyOf(file: Destination): Policy {
  return { sync: file.sync ?? 'auto', drift: file.drift ?? 'warn', prune: file.prune ?? false };
}
