// `octosync apply`: plan, then write the changes in dependency order (deletes in reverse),
// independent documents of a kind concurrently within a limit. Refuses to start when the plan has
// problems or missing secrets, or when a saved plan no longer matches the commit, the overlay or
// the live state. A failure midway loses nothing: what was written is live, the status records
// what happened, and the next run plans the rest.
import { setMaxListeners } from 'node:events';
import type { Json, KindDocument } from '../core/document.js';
import type { Plan, PlannedChange } from '../core/plan.js';
import { documentKey } from '../core/plan.js';
import { diffDocuments } from '../core/diff.js';
import { IdResolver, NameResolver, buildRefTable } from '../core/refs.js';
import { secretSlots, setAtPointers } from '../core/secrets.js';
import { readLiveSpace } from '../kinds/read-live.js';
import { DEFAULT_MAX_CONCURRENCY, withCreateLookup, withSignal } from '../octopus/index.js';
import { RankedGate, forEachPooled, forEachWhenReady } from '../core/pool.js';
import type { OctopusApi } from '../octopus/index.js';
import type { AfterCreates, Kind, WriteContext } from '../kinds/types.js';
import { acquireLock } from '../state/lock.js';
import { acquireRemoteLock } from '../state/remote-lock.js';
import type { RemoteLockOptions } from '../state/remote-lock.js';
import type { AppliedState, AttemptState, ResourceOutcome } from '../state/status-store.js';
import { clearJournal, readJournal, recordAttempt, updateStatus } from '../state/status-store.js';
import { pushAppliedRecord, recordApplied } from '../state/applied-record.js';
import type { AppliedRecord } from '../state/applied-record.js';
import { describeSource } from '../core/plan.js';
import { managedRecorder, recordingKinds } from './apply-recorder.js';
import { projectsToConvert, stillToConvert } from './apply-conversions.js';
import { outcomesInPlanOrder } from './apply-outcomes.js';
import { mergeNotKept, verifyWrites } from './apply-verify.js';
import type { Verification } from './apply-verify.js';
import { changeDependencies } from './apply-dependencies.js';
import { OUTCOMES, kindRanks, kindWaitParts, kindWaits, readBackGroups } from './apply-schedule.js';
import { createSpaces } from './create-spaces.js';
import type { ChangeDependencies } from './apply-dependencies.js';
import { OctosyncError } from './errors.js';
import type { PlanOptions, PreparedPlan, SpacePlanState } from './plan.js';
import { preparePlan, withLiveDigest } from './plan.js';
import { defaultStateDir } from '../state/state-dir.js';
import { redactError, redactKnownSecrets, secretDigest } from './secret-values.js';


export interface ApplyOptions extends PlanOptions {
  /** A plan saved by `plan --out`: applied only if it still matches. */
  savedPlan?: Plan;
  /** Cancels the apply: no further write starts, and requests in flight are aborted. */
  signal?: AbortSignal;
  progress?: (outcome: ResourceOutcome) => void;
  now?: () => Date;
  /**
   * Asked with the plan before anything is written, when it has changes: false stops the apply
   * (`apply` on a terminal asks the person; the daemon and saved plans are not asked).
   */
  approve?: (plan: Plan) => Promise<boolean>;
  /** Timing of the lock in the state repository's remote (tests shorten it). */
  remoteLock?: Pick<RemoteLockOptions, 'ttlMs' | 'renewMs'>;
}

export interface ApplyResult {
  plan: Plan;
  outcomes: ResourceOutcome[];
  result: 'success' | 'failed' | 'no-changes';
}

export async function runApply(options: ApplyOptions): Promise<ApplyResult> {
  // The locks come first: a plan made while another apply runs would be made against a
  // destination that is still changing. One on this machine, one in the state repository's
  // remote for appliers on other machines (see remote-lock.ts).
  const lock = await acquireLock(options.stateDir ?? defaultStateDir(options.repo), options.destination, options.now);
  try {
    const lost = new AbortController();
    const remoteLock = await acquireRemoteLock(options.repo, options.destination, { ...options.remoteLock, onLost: (error) => lost.abort(error) });
    try {
      const signal = options.signal ? AbortSignal.any([options.signal, lost.signal]) : lost.signal;
      // Each request in flight and each write waiting to retry listens on the signal until it ends:
      // more of them at once than Node's warning threshold (10) is expected, not a leak.
      const concurrency = options.concurrency ?? DEFAULT_MAX_CONCURRENCY;
      setMaxListeners(writesAtOnce(concurrency) + concurrency, signal);
      // Apply reads the secrets' values: one that is not available stops it before any write.
      let prepared = await preparePlan({ ...options, readSecretValues: true });
      try {
        const { plan } = prepared;
        if (options.savedPlan) refuseStalePlan(options.savedPlan, withLiveDigest(prepared));
        refuseUnsafePlan(plan);
        if (options.approve && plan.changes.length > 0 && !(await options.approve(plan))) {
          throw new OctosyncError('not-approved', `nothing was applied to '${plan.destination}': the plan was not approved`);
        }
        const missing = prepared.spaces.filter((space) => space.spaceId === '').map((space) => space.name);
        if (missing.length > 0) {
          // A new space comes with what every space has (a default lifecycle, machine policy, ...):
          // planned again once it exists, so those are updated rather than created twice.
          await createSpaces(prepared.client, missing);
          await prepared.client.close();
          prepared = await preparePlan({ ...options, readSecretValues: true });
          refuseUnsafePlan(prepared.plan);
        }
        return await execute(prepared, { ...options, signal });
      } finally {
        await prepared.client.close();
      }
    } finally {
      await remoteLock?.release();
    }
  } finally {
    await lock.release();
  }
}

function refuseStalePlan(saved: Plan, now: Plan): void {
  const moved: string[] = [];
  if (saved.destination !== now.destination) moved.push(`it is for destination '${saved.destination}', not '${now.destination}'`);
  if (saved.commit !== now.commit) moved.push(`the commit moved from ${saved.commit.slice(0, 12)} to ${now.commit.slice(0, 12)}`);
  if (saved.overlayDigest !== now.overlayDigest) moved.push('the destination file (overlays, policies) changed');
  if (saved.liveDigest !== now.liveDigest) moved.push('the destination changed since the plan was made');
  if (moved.length > 0) throw new OctosyncError('plan-stale', `the saved plan is stale; plan again:\n${moved.map((m) => `  - ${m}`).join('\n')}`);
}

function refuseUnsafePlan(plan: Plan): void {
  if (plan.incomplete?.length) {
    // Writing a new record without the old one would make octosync forget what it manages.
    throw new OctosyncError('plan-invalid', `nothing was applied; what the destination last applied is not known:\n${plan.incomplete.map((line) => `  - ${line}`).join('\n')}`);
  }
  if (plan.problems.length > 0) {
    throw new OctosyncError('plan-invalid', `nothing was applied; the plan has problems:\n${plan.problems.map((p) => `  - ${p.space ? `space '${p.space}': ` : ''}${p.where}: ${p.message}`).join('\n')}`);
  }
  if (plan.missingSecrets.length > 0) {
    throw new OctosyncError(
      'missing-secrets',
      `nothing was applied; these secrets have no value in the overlay or the destination (supply them with valueFrom, or set missingSecrets: placeholder):\n${plan.missingSecrets.map((m) => `  - ${m.kind} ${m.name}: ${m.path}`).join('\n')}`,
    );
  }
}

async function execute(prepared: PreparedPlan, options: ApplyOptions): Promise<ApplyResult> {
  try {
    return await writeChanges(prepared, options);
  } catch (error) {
    // A server's error may quote the request back, secrets and all (see redactKnownSecrets).
    throw redactError(error, (text) => redactKnownSecrets(text, prepared.secrets.known()));
  }
}

async function writeChanges(prepared: PreparedPlan, options: ApplyOptions): Promise<ApplyResult> {
  const { plan, destination, stateDir } = prepared;
  const now = options.now ?? (() => new Date());
  const redact = (text: string) => redactKnownSecrets(text, prepared.secrets.known());
  // Outcomes are printed and stored in plan order, not in the order writes end (see apply-outcomes.ts).
  const inOrder = outcomesInPlanOrder(plan.changes, (outcome) => options.progress?.(outcome));
  // What is recorded, printed and stored never holds a secret value.
  const record = (outcome: ResourceOutcome) => {
    const clean = outcome.error === undefined ? outcome : { ...outcome, error: redact(outcome.error) };
    inOrder.record(clean);
  };
  let failure: unknown;
  const setSecrets: SetSecrets = new Map();
  // Recorded first, so an apply that is killed still shows as the last attempt.
  await updateStatus(stateDir, destination.name, (status) => ({
    ...status,
    lastAttempt: { commit: plan.commit, at: now().toISOString(), result: 'failed', error: 'interrupted: the apply did not finish', summary: plan.summary, outcomes: [] },
  }));
  await recordIntent(prepared, now);
  const recorder = managedRecorder(stateDir, destination.name, prepared.managed.documents);
  /** Each space as read back after its last writes (see applySpace): what the verification compares. */
  const readBack = new Map<string, SpacePlanState['live']>();
  try {
    for (const space of prepared.spaces) {
      const changes = plan.changes.filter((change) => change.space === space.name);
      // Writers record what they make octosync's as they go (see apply-recorder.ts).
      const recording = { ...prepared, kinds: recordingKinds(prepared.kinds, space.name, recorder) };
      await recorder.managingAll(changes.filter((change) => change.action === 'create').map((change) => documentKey(space.name, change.kind, change.name)));
      readBack.set(space.name, await applySpace(recording, space, changes, record, setSecrets, options.signal, writesAtOnce(options.concurrency ?? DEFAULT_MAX_CONCURRENCY)));
    }
  } catch (error) {
    // A cancelled apply fails with why it was cancelled, not with the request it interrupted.
    const reason: unknown = options.signal?.aborted ? options.signal.reason : undefined;
    failure = reason instanceof Error ? reason : error;
  }
  if (failure === undefined && options.signal?.aborted) {
    // Cancelled inside a write (recorded as that write's failure): still say why.
    const reason: unknown = options.signal.reason;
    failure = reason instanceof Error ? reason : new Error('the apply was cancelled');
  }
  const outcomes = inOrder.finish();
  // What the destination did not keep as written fails its change (see apply-verify.ts).
  let verification: Verification | undefined;
  if (failure === undefined) {
    try {
      verification = await verifyWrites(prepared, outcomes, readBack);
    } catch (error) {
      failure = error;
    }
    for (const [index, outcome] of outcomes.entries()) {
      const message = verification?.messages.get(documentKey(outcome.space, outcome.kind, outcome.name));
      if (message !== undefined && outcome.result === 'applied') outcomes[index] = { ...outcome, result: 'failed', error: redact(message) };
    }
  }

  const failed = failure !== undefined || outcomes.some((o) => o.result === 'failed');
  const result = plan.changes.length === 0 ? 'no-changes' : failed ? 'failed' : 'success';
  const appliedKeys = outcomes.filter((o) => o.result === 'applied' && o.action !== 'delete').map((o) => documentKey(o.space, o.kind, o.name));
  const deletedKeys = new Set(outcomes.filter((o) => o.result === 'applied' && o.action === 'delete').map((o) => documentKey(o.space, o.kind, o.name)));
  const desiredKeys = prepared.spaces.flatMap((space) => space.desired.map((doc) => documentKey(space.name, doc.kind, doc.name)));
  let error = failure === undefined ? outcomes.find((o) => o.error)?.error : redact(errorMessage(failure));
  // What octosync manages: after a success, the desired state; after a failure, what it managed
  // before plus what it wrote now (the journal recorded each write as it happened: see
  // apply-recorder.ts), so prune never forgets something it created.
  const managed = new Set(prepared.managed.documents);
  for (const entry of await readJournal(stateDir, destination.name)) {
    if (entry.add) managed.add(entry.key);
    else managed.delete(entry.key);
  }
  const documents = (failed ? [...new Set([...managed, ...appliedKeys])].filter((key) => !deletedKeys.has(key)) : desiredKeys).sort();
  const previous = prepared.managed.applied;
  const notKept = verification ? mergeNotKept(prepared.managed.notKept, verification) : prepared.managed.notKept;
  const converting = stillToConvert(prepared, outcomes, failed);
  const applied: AppliedRecord = {
    format: 'octosync-applied/1',
    destination: destination.name,
    commit: failed ? (previous?.commit ?? '') : plan.commit,
    overlayDigest: failed ? (previous?.overlayDigest ?? '') : plan.overlayDigest,
    at: now().toISOString(),
    documents,
    secretSources: appliedSecretSources(prepared, failed, setSecrets, new Set(documents)),
    ...(notKept && Object.keys(notKept).length > 0 ? { notKept } : {}),
    ...(converting.length > 0 ? { converting } : {}),
  };
  // The record in the repository first: the journal is forgotten only once the record holds it.
  await recordApplied(prepared.repo, applied);
  let pushFailure: unknown;
  await pushAppliedRecord(prepared.repo, destination.name).catch((cause: unknown) => {
    pushFailure = cause;
    error ??= errorMessage(cause);
  });
  await updateStatus(stateDir, destination.name, (current) => {
    const state: AppliedState = {
      commit: applied.commit,
      overlayDigest: applied.overlayDigest,
      at: applied.at,
      documents,
      secretDigests: { ...(current.lastApplied?.secretDigests ?? {}), ...Object.fromEntries([...setSecrets].map(([where, set]) => [where, set.digest])) },
    };
    const { notKept: _previous, ...rest } = current;
    const withNotKept = notKept && Object.keys(notKept).length > 0 ? { ...rest, notKept } : rest;
    const attempt: AttemptState = { commit: plan.commit, at: now().toISOString(), result, ...(error ? { error } : {}), summary: plan.summary, outcomes };
    return recordAttempt(withNotKept, attempt, failed && appliedKeys.length === 0 && deletedKeys.size === 0 ? undefined : state);
  });
  // The status now holds what the journal recorded (readStatus folded it in).
  await clearJournal(stateDir, destination.name);
  if (failure !== undefined) throw failure;
  if (pushFailure !== undefined) throw pushFailure;
  if (failed) throw new OctosyncError('apply-failed', describeFailedApply(destination.name, plan.changes.length, outcomes), { outcomes });
  return { plan, outcomes, result };
}

/** What failed, what was skipped because of it, and whether the rest was written. */
function describeFailedApply(destination: string, total: number, outcomes: readonly ResourceOutcome[]): string {
  const failed = outcomes.filter((o) => o.result === 'failed');
  const skipped = outcomes.filter((o) => o.result === 'skipped');
  const line = (o: ResourceOutcome) => `  - ${o.action} ${o.kind} ${o.name}: ${o.error}`;
  const rest = outcomes.some((o) => o.result === 'applied') ? 'the rest was applied' : 'nothing was applied';
  return [
    `apply to '${destination}' failed for ${failed.length} of ${total} changes${skipped.length > 0 ? `, and ${skipped.length} were skipped because of them` : ''} (${rest}; run apply again to converge):`,
    ...failed.map(line),
    ...(skipped.length > 0 ? ['skipped:', ...skipped.map(line)] : []),
  ].join('\n');
}

/**
 * Writes under way at once for a destination that takes `requests` requests in flight. A write
 * spends part of its time in octosync, holding no request slot (its secrets filled in, names
 * resolved, the answer read); with only as many writes as slots, a slot sat empty during that
 * time. Twice as many writes keep a request waiting for each slot that frees, while the client
 * still sends at most `requests` at once (see Semaphore).
 */
export function writesAtOnce(requests: number): number {
  return requests * 2;
}

/** How each change of a space ended: written, failed, or not attempted because of another. */
type ChangeStates = Map<PlannedChange, 'applied' | 'failed' | 'skipped'>;

/**
 * Creates and updates in dependency order (a kind once the kinds it waits for are written), then
 * the writers' second pass, then deletes in reverse order. A change whose needs (see apply-dependencies.ts) failed or were
 * skipped is skipped, saying because of what; everything else is still written. Resolves with the
 * space as read back after its writes.
 */
async function applySpace(
  prepared: PreparedPlan,
  space: SpacePlanState,
  changes: PlannedChange[],
  record: (outcome: ResourceOutcome) => void,
  setSecrets: SetSecrets,
  signal: AbortSignal | undefined,
  concurrency: number,
): Promise<SpacePlanState['live']> {
  if (changes.length === 0) return space.live;
  let live = space.live;
  const desired = new Map(space.desired.map((doc) => [`${doc.kind}/${doc.name}`.toLowerCase(), doc]));
  const current = new Map(space.liveDocuments.map((doc) => [`${doc.kind}/${doc.name}`.toLowerCase(), doc]));
  // A create whose answer was lost is looked for before it is repeated (see created-lookup.ts).
  const api = withCreateLookup(signal ? withSignal(prepared.client, signal) : prepared.client);
  const context = (): WriteContext => ({ api, spaceId: space.spaceId, live, ids: new IdResolver(buildRefTable(live)) });
  const dependencies = changeDependencies(changes, space.desired, space.liveDocuments, prepared.kinds);
  const states: ChangeStates = new Map();
  /** Documents written without some values (KindWriter.defer): written whole in the second pass. */
  const deferred = new Map<PlannedChange, KindDocument>();
  /** Writes a kind's changes of `actions`, then reads back what it wrote for the kinds after it. */
  // The writes under way, shared by every kind being written: the kind others wait for longest
  // takes the turns first (see kindRanks).
  const turns = new RankedGate(concurrency);
  const writeKind = async (kind: Kind, actions: readonly PlannedChange['action'][], partDone: (part: string) => void = () => {}, rank = 0): Promise<void> => {
    const mine = changes.filter((change) => change.kind === kind.name && actions.includes(change.action));
    if (mine.length === 0) return;
    const writer = kind.writer;
    if (!writer) throw new OctosyncError('apply-failed', `octosync cannot write ${kind.title} documents yet`);
    const ctx = context();
    /** Creates with something left to do once the kind is read back (see KindWriter.create). */
    const unfinished = new Map<PlannedChange, { rest: AfterCreates; digests: SetSecrets }>();
    const applied = (change: PlannedChange, digests: SetSecrets) => {
      // Only a written secret counts as set: a failed write must be tried again next time.
      for (const [where, set] of digests) setSecrets.set(where, set);
      states.set(change, 'applied');
      record({ space: space.name, kind: change.kind, name: change.name, action: change.action, result: 'applied' });
    };
    const failed = (change: PlannedChange, error: unknown) => {
      states.set(change, 'failed');
      record({ space: space.name, kind: change.kind, name: change.name, action: change.action, result: 'failed', error: errorMessage(error) });
      // Cancelled: nothing further starts (execute says why).
      signal?.throwIfAborted();
    };
    // A pool, not batches: a new write starts as soon as one ends, so the pipe stays full.
    await forEachPooled(mine, concurrency, (change) =>
      turns.run(rank, async () => {
        const key = `${change.kind}/${change.name}`.toLowerCase();
        signal?.throwIfAborted();
        const blocker = blockerOf(dependencies.needs(change), states);
        if (blocker) {
          states.set(change, 'skipped');
          record({ space: space.name, kind: change.kind, name: change.name, action: change.action, result: 'skipped', error: skippedBecause(blocker, states) });
          return;
        }
        let digests: SetSecrets = new Map();
        try {
          if (change.action === 'delete') await writer.remove(current.get(key) as KindDocument, ctx);
          else {
            const filled = await withSecrets(prepared, space.name, desired.get(key) as KindDocument, change);
            digests = filled.digests;
            const first = writer.defer?.(filled.doc, ctx.ids) ?? filled.doc;
            if (first !== filled.doc) deferred.set(change, filled.doc);
            const existing = current.get(key);
            if (existing) await writer.update(first, existing, ctx);
            else {
              const rest = await writer.create(first, ctx);
              if (rest) {
                unfinished.set(change, { rest, digests });
                return;
              }
            }
          }
        } catch (error) {
          failed(change, error);
          return;
        }
        applied(change, digests);
      }),
    );
    // Later kinds refer to what this one created: read it back before they start. Merged into
    // the live state as it is once read (other kinds may have read theirs back meanwhile).
    const readBack = async (collections: readonly string[]) => {
      const read = await readLiveSpace(api, space.spaceId, collections);
      live = { ...live, ...read };
    };
    if (unfinished.size > 0) {
      await readBack(writer.writes);
      const after = context();
      await forEachPooled(unfinished, concurrency, ([change, { rest, digests }]) =>
        turns.run(rank, async () => {
          signal?.throwIfAborted();
          try {
            await rest(after);
          } catch (error) {
            failed(change, error);
            return;
          }
          applied(change, digests);
        }),
      );
    }
    partDone(OUTCOMES);
    // Each collection read back on its own, so a kind waiting for some of them starts once those
    // are read, not once the slowest is (see apply-schedule.ts).
    await Promise.all(
      readBackGroups(writer.writes).map(async (group) => {
        await readBack(group);
        for (const collection of group) partDone(collection);
      }),
    );
  };
  // Creates and updates: each kind as soon as the kinds it waits for are written (see
  // apply-schedule.ts), so kinds that do not need each other are written at the same time.
  const waits = kindWaits(prepared.kinds, changes, dependencies);
  const rank = kindRanks(prepared.kinds, changes, waits);
  await forEachWhenReady(prepared.kinds, kindWaitParts(waits), (kind, partDone) => writeKind(kind, ['create', 'update'], partDone, rank(kind)));
  await finishWrites(prepared, api, space, changes, { desired, deferred, states, dependencies }, () => live, (next) => (live = next), record, concurrency);
  // Deletes in reverse dependency order, one kind after the other.
  for (const kind of [...prepared.kinds].reverse()) await writeKind(kind, ['delete']);
  // Every kind that wrote read its collections back once its writes ended, and kinds writing the
  // same collection never run at once (see apply-schedule.ts): each collection written was read
  // after its last write. The rest is as the plan read it.
  return live;
}

/** The first change among `needs` that failed or was skipped. */
function blockerOf(needs: readonly PlannedChange[], states: ChangeStates): PlannedChange | undefined {
  return needs.find((need) => states.get(need) === 'failed' || states.get(need) === 'skipped');
}

function skippedBecause(blocker: PlannedChange, states: ChangeStates): string {
  const what = states.get(blocker) === 'failed' ? 'failed' : 'was skipped';
  return `skipped: it needs the ${blocker.action === 'create' ? 'creation' : blocker.action === 'update' ? 'update' : 'deletion'} of ${blocker.title} '${blocker.name}', which ${what}`;
}

interface SecondPass {
  desired: Map<string, KindDocument>;
  deferred: Map<PlannedChange, KindDocument>;
  states: ChangeStates;
  dependencies: ChangeDependencies;
}

/**
 * The writers' second pass, in kind order, once every kind is created and updated: a document
 * written without its deferred values is written whole when the destination's does not say the
 * same yet, then the kind's own second pass (see KindWriter.finish) runs, several documents at a
 * time. A document whose first write did not happen, or whose needs failed, is left alone (the
 * latter recorded as skipped).
 */
async function finishWrites(
  prepared: PreparedPlan,
  api: OctopusApi,
  space: SpacePlanState,
  changes: PlannedChange[],
  pass: SecondPass,
  live: () => SpacePlanState['live'],
  setLive: (next: SpacePlanState['live']) => void,
  record: (outcome: ResourceOutcome) => void,
  concurrency: number,
): Promise<void> {
  for (const kind of prepared.kinds) {
    const writer = kind.writer;
    const mine = changes.filter((change) => change.kind === kind.name && change.action !== 'delete' && pass.states.get(change) === 'applied' && (writer?.finish || pass.deferred.has(change)));
    if (!writer || mine.length === 0) continue;
    const table = buildRefTable(live());
    const currentDocs = new Map(kind.toDocuments(live(), new NameResolver(table)).map((doc) => [doc.name.toLowerCase(), doc]));
    // One reference table for the kind, built again only when the live state is read again (a
    // table per document made this pass grow with the square of the number of projects).
    // A pass that writes nothing (a finish writes only what is wrong) leaves the kind as read.
    const noticed = noticingWrites(api);
    let ctx: WriteContext = { api: noticed.api, spaceId: space.spaceId, live: live(), ids: new IdResolver(table) };
    const failed = (change: PlannedChange, error: unknown) => {
      pass.states.set(change, 'failed');
      record({ space: space.name, kind: change.kind, name: change.name, action: change.action, result: 'failed', error: errorMessage(error) });
    };
    const ready = mine.filter((change) => {
      const blocker = blockerOf(pass.dependencies.finishNeeds(change), pass.states);
      if (blocker) record({ space: space.name, kind: change.kind, name: change.name, action: change.action, result: 'skipped', error: `second pass ${skippedBecause(blocker, pass.states)}` });
      return blocker === undefined;
    });
    const desiredOf = (change: PlannedChange) => pass.desired.get(`${change.kind}/${change.name}`.toLowerCase()) as KindDocument;
    // Documents written without their deferred values are written whole (few), then the kind is
    // read again once: the kind's own pass works from what the destination holds now.
    let rewritten = false;
    for (const change of ready) {
      const whole = pass.deferred.get(change);
      const now = currentDocs.get(change.name.toLowerCase());
      if (!whole || !now || diffDocuments(now.body, desiredOf(change).body).length === 0) continue;
      try {
        await writer.update(whole, now, ctx);
        rewritten = true;
      } catch (error) {
        failed(change, error);
      }
    }
    if (rewritten) {
      setLive({ ...live(), ...(await readLiveSpace(api, space.spaceId, writer.writes)) });
      ctx = { ...ctx, live: live(), ids: new IdResolver(buildRefTable(live())) };
      noticed.reset();
    }
    const finish = writer.finish;
    if (finish) {
      await forEachPooled(ready.filter((change) => pass.states.get(change) !== 'failed'), concurrency, async (change) => {
        try {
          await finish(desiredOf(change), ctx);
        } catch (error) {
          failed(change, error);
        }
      });
    }
    if (noticed.wrote()) setLive({ ...live(), ...(await readLiveSpace(api, space.spaceId, writer.writes)) });
  }
}

/** `api`, noting whether a write (POST, PUT, DELETE) was sent through it since the last reset. */
function noticingWrites(api: OctopusApi): { api: OctopusApi; wrote: () => boolean; reset: () => void } {
  let wrote = false;
  const writing = <R>(send: () => Promise<R>): Promise<R> => {
    wrote = true;
    return send();
  };
  return {
    api: {
      server: api.server,
      get: (path, options) => api.get(path, options),
      getAll: (path, options) => api.getAll(path, options),
      list: (path, query, options) => api.list(path, query, options),
      post: (path, body, options) => writing(() => api.post(path, body, options)),
      put: (path, body, options) => writing(() => api.put(path, body, options)),
      delete: (path, options) => writing(() => api.delete(path, options)),
    },
    wrote: () => wrote,
    reset: () => {
      wrote = false;
    },
  };
}

/** The document with the overlay's secret values put in, read at the last moment. */
async function withSecrets(prepared: PreparedPlan, space: string, doc: KindDocument, change: PlannedChange): Promise<{ doc: KindDocument; digests: SetSecrets }> {
  const digests: SetSecrets = new Map();
  if (change.secrets.length === 0) return { doc, digests };
  const key = documentKey(space, doc.kind, doc.name);
  const slots = new Map(secretSlots(doc.body).map((slot) => [slot.path, slot]));
  const values: [string, Json][] = [];
  for (const secret of change.secrets) {
    const slot = slots.get(secret.path);
    if (!slot) continue;
    let value = '';
    if (secret.action === 'set') {
      const source = prepared.secretSources.get(key)?.get(secret.path);
      if (!source) continue;
      value = await prepared.secrets.read(source, `${key} ${secret.path}`);
      digests.set(`${key}#${secret.path}`, { key, path: secret.path, digest: secretDigest(prepared.digestKey as Buffer, `${key}#${secret.path}`, value), from: describeSource(source) });
    }
    const filled: Json = slot.form === 'variable' ? value : { HasValue: true, NewValue: value };
    values.push([slot.pointer, filled]);
  }
  // One copy of the body for all its secrets: a copy per secret grew with their number times its size.
  return { doc: { ...doc, body: values.length > 0 ? setAtPointers(doc.body, values) : doc.body }, digests };
}

/** Secrets written by this apply: `document key#path` → the digest of the value and where it came from. */
type SetSecrets = Map<string, { key: string; path: string; digest: string; from: string }>;

/**
 * Before the first write of an apply that makes something octosync's (or creates a project to
 * convert), the record says so: an apply killed midway then leaves nothing a plan made anywhere cannot see (the journal says the
 * same, more precisely, on this machine).
 */
async function recordIntent(prepared: PreparedPlan, now: () => Date): Promise<void> {
  const { plan, managed } = prepared;
  const documents = new Set(managed.documents);
  for (const change of plan.changes) if (change.action !== 'delete') documents.add(documentKey(change.space, change.kind, change.name));
  const converting = [...projectsToConvert(prepared)].sort();
  if (documents.size === managed.documents.size && converting.length === managed.converting.size) return;
  const previous = managed.applied;
  await recordApplied(prepared.repo, {
    format: 'octosync-applied/1',
    destination: plan.destination,
    commit: previous?.commit ?? '',
    overlayDigest: previous?.overlayDigest ?? '',
    at: now().toISOString(),
    inProgress: true,
    documents: [...documents].sort(),
    secretSources: managed.record?.secretSources ?? {},
    ...(managed.notKept ? { notKept: managed.notKept } : {}),
    ...(converting.length > 0 ? { converting } : {}),
  });
  await pushAppliedRecord(prepared.repo, plan.destination);
}

/**
 * Where the secrets the destination now holds were set from. After a success, every secret the
 * overlay supplies (set now, or set before from the same source); after a failure, what was
 * recorded before plus what this apply set. Documents no longer managed lose theirs.
 */
function appliedSecretSources(prepared: PreparedPlan, failed: boolean, set: SetSecrets, documents: ReadonlySet<string>): AppliedRecord['secretSources'] {
  const sources: AppliedRecord['secretSources'] = {};
  const add = (key: string, secretPath: string, from: string) => {
    if (documents.has(key)) (sources[key] ??= {})[secretPath] = from;
  };
  if (failed) for (const [key, paths] of Object.entries(prepared.managed.record?.secretSources ?? {})) for (const [secretPath, from] of Object.entries(paths)) add(key, secretPath, from);
  else for (const [key, paths] of prepared.secretSources) for (const [secretPath, source] of paths) add(key, secretPath, describeSource(source));
  for (const { key, path: secretPath, from } of set.values()) add(key, secretPath, from);
  return Object.fromEntries(Object.entries(sources).sort(([a], [b]) => a.localeCompare(b)));
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
