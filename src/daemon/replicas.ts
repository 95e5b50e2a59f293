// Replicas of `octosync watch` share the destinations between them: `--shard i/n` says which
// destinations a replica prefers, leases in the state repository's remote say which it runs.
//
// - A destination's shard is a stable hash of its name: FNV-1a (32 bits) of its UTF-8 bytes,
//   modulo n, plus one. Every replica computes the same split without talking to the others.
// - A replica holds the lease of its shard (`refs/octosync/leases/shards/<i>-of-<n>`): that says it
//   is alive. A second replica started with the same shard waits, as a standby, until it is free.
// - A replica runs a destination only while it holds the destination's lease
//   (`refs/octosync/leases/destinations/<name>`): the leases, not the hash, guarantee that one
//   replica at a time reconciles it. It takes the leases of its own shard's destinations, and of
//   any destination whose shard has no live replica (whichever replica takes such a lease first
//   runs it).
// - Leases are renewed on a clock of their own (a third of the time to live), whatever the
//   applies are doing. A replica that stops renewing (killed, cut off) loses them when the time to
//   live passes; one on the same host whose process is gone loses them at once. A replica that
//   shuts down releases them.
// - When a shard's replica is back, the replica that stood in for it lets its destinations go
//   once they are idle; the returning replica takes them at its next evaluation.
import { OctosyncError } from '../commands/errors.js';
import { isLeaseLive, readRemoteLeases, renewRemoteLeases, takeRemoteLease } from '../state/remote-lease.js';
import type { LeaseHolder, RemoteLease } from '../state/remote-lease.js';
import type { Logger } from './logger.js';

/** Which part of the destinations a replica prefers: shard `index` (1-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

const PREFIX = 'refs/octosync/leases/';

export function shardLeaseRef(shard: Shard): string {
  return `${PREFIX}shards/${shard.index}-of-${shard.count}`;
}

export function destinationLeaseRef(destination: string): string {
  return `${PREFIX}destinations/${destination}`;
}

/**
 * Reads `i/n` (1 ≤ i ≤ n), or `<pod name>/n` where the pod name ends in a StatefulSet's ordinal
 * (`octosync-0` is shard 1): Kubernetes can put the pod's name in an argument, not its ordinal plus one.
 */
export function parseShard(spec: string): Shard {
  const match = /^(?:(\d+)|.+-(\d+))\/(\d+)$/.exec(spec.trim());
  const count = Number(match?.[3]);
  const index = match?.[1] !== undefined ? Number(match[1]) : Number(match?.[2]) + 1;
  if (!match || !Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(index) || index < 1 || index > count) {
    throw new OctosyncError('config-invalid', `--shard '${spec}' is not i/n with 1 ≤ i ≤ n (e.g. 2/3), nor <statefulset pod name>/n (e.g. octosync-1/3)`);
  }
  return { index, count };
}

/** The shard (1-based) a destination belongs to among `count`: FNV-1a of its name, modulo count. */
export function shardOf(destination: string, count: number): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(destination, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (hash % count) + 1;
}

export interface ReplicaOptions {
  repo: string;
  shard: Shard;
  /** A lease not renewed for this long may be taken over. */
  ttlMs: number;
  logger: Logger;
  now?: () => Date;
}

/** What a replica runs, as /status shows it. */
export interface ReplicaState {
  shard: string;
  /** Whether this replica holds its shard's lease (false: another replica has that shard). */
  shardHeld: boolean;
  /** Destinations whose lease it holds. */
  running: string[];
  /** Destinations it runs for a shard that has no live replica. */
  standingIn: string[];
}

export class Replica {
  private shardLease: RemoteLease | undefined;
  private readonly held = new Map<string, RemoteLease>();
  /** Destinations being let go: their reconciler finishes what it does, then the lease is released. */
  private readonly leaving = new Set<string>();
  /** What lease commits say, by commit: a commit never changes, so each is read once. */
  private readonly seen = new Map<string, LeaseHolder | undefined>();
  private renewedAt = 0;
  /** Released at shutdown: a look at the leases asked for before (and run after) takes nothing back. */
  private closed = false;
  private readonly options: ReplicaOptions;

  constructor(options: ReplicaOptions) {
    this.options = options;
  }

  private now(): Date {
    return (this.options.now ?? (() => new Date()))();
  }

  /**
   * Of the destinations found, the ones this replica runs from now on: it takes the leases it
   * may take; those it should let go are returned apart (release them with `letGo` once idle).
   */
  async select(found: string[]): Promise<{ run: string[]; letGo: string[] }> {
    const { shard, logger } = this.options;
    if (this.closed) return { run: [], letGo: [] };
    // When each look started: a lease that ran out before it is taken in it (see the tests).
    logger.debug({ at: this.now().toISOString() }, 'replica: reading the leases');
    if (this.seen.size > 10_000) this.seen.clear();
    const leases = await readRemoteLeases(this.options.repo, PREFIX, this.seen);
    const now = this.now();
    const live = (ref: string) => {
      const holder = leases.get(ref);
      return holder !== undefined && isLeaseLive(holder, now);
    };
    if (!this.shardLease && !live(shardLeaseRef(shard))) {
      this.shardLease = await this.take(shardLeaseRef(shard));
      if (this.shardLease) logger.info({ shard: `${shard.index}/${shard.count}` }, 'replica: holding its shard');
    }
    const run: string[] = [];
    const letGo: string[] = [];
    for (const destination of found) {
      if (this.leaving.has(destination)) continue;
      const preferred = shardOf(destination, shard.count);
      const ours = preferred === shard.index && this.shardLease !== undefined;
      // A shard with no live replica (never started, killed, shut down): anyone may stand in.
      const orphan = preferred !== shard.index && !live(shardLeaseRef({ index: preferred, count: shard.count }));
      const wanted = ours || orphan;
      if (this.held.has(destination)) {
        if (wanted) run.push(destination);
        else letGo.push(destination);
        continue;
      }
      if (!wanted || live(destinationLeaseRef(destination))) continue;
      const lease = await this.take(destinationLeaseRef(destination));
      if (!lease) continue;
      this.held.set(destination, lease);
      run.push(destination);
      logger.info({ destination, shard: preferred, standingIn: !ours }, ours ? 'replica: destination taken' : `replica: destination taken, standing in for shard ${preferred}/${shard.count}`);
    }
    // Destinations no longer found (their file removed) are let go too.
    for (const destination of this.held.keys()) if (!found.includes(destination) && !this.leaving.has(destination)) letGo.push(destination);
    for (const destination of letGo) this.leaving.add(destination);
    return { run, letGo };
  }

  /** Releases a destination's lease (its reconciler is idle and gone). */
  async letGo(destination: string): Promise<void> {
    const lease = this.held.get(destination);
    this.held.delete(destination);
    this.leaving.delete(destination);
    await lease?.release();
    this.options.logger.info({ destination }, 'replica: destination let go');
  }

  /**
   * Renews every lease held, once a third of their time to live passed since the last renewal;
   * answers the destinations whose lease another replica took over (a remote that cannot be
   * reached is tried again at the next renewal, until the lease runs out).
   */
  async renew(): Promise<string[]> {
    const { logger, ttlMs } = this.options;
    if (this.now().getTime() - this.renewedAt < ttlMs / 3) return [];
    this.renewedAt = this.now().getTime();
    const lost = new Set(await renewRemoteLeases(this.options.repo, [...(this.shardLease ? [this.shardLease] : []), ...this.held.values()]));
    if (this.shardLease && lost.has(this.shardLease)) {
      logger.warn('replica: another replica took its shard over');
      this.shardLease = undefined;
    }
    const gone: string[] = [];
    for (const [destination, lease] of this.held) {
      if (!lost.has(lease)) continue;
      logger.warn({ destination }, 'replica: another replica took this destination over');
      this.held.delete(destination);
      this.leaving.delete(destination);
      gone.push(destination);
    }
    return gone;
  }

  /**
   * Releases every lease (at shutdown, once the reconcilers are idle): another replica takes them
   * at its next evaluation. From then on this replica takes none: a look at the leases that was
   * under way (a poll, the lease clock) would otherwise take them back, and they would stay held
   * by a stopped replica until they run out.
   */
  async releaseAll(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.held.values()].map((lease) => lease.release()));
    this.held.clear();
    await this.shardLease?.release();
    this.shardLease = undefined;
  }

  state(): ReplicaState {
    const { shard } = this.options;
    const running = [...this.held.keys()].sort();
    return {
      shard: `${shard.index}/${shard.count}`,
      shardHeld: this.shardLease !== undefined,
      running,
      standingIn: running.filter((destination) => shardOf(destination, shard.count) !== shard.index),
    };
  }

  /** Takes a lease when it is free or stale; undefined when someone else holds it (or took it first). */
  private async take(ref: string): Promise<RemoteLease | undefined> {
    const taken = await takeRemoteLease(this.options.repo, ref, { ttlMs: this.options.ttlMs, ...(this.options.now ? { now: this.options.now } : {}) });
    return 'lease' in taken ? taken.lease : undefined;
  }
}
