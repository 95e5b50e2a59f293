// One apply per destination across machines: a lock held in the state repository's remote, as
// a ref (`refs/octosync/locks/<destination>`) pointing at a commit whose message names the holder.
// Every applier of a destination reads its branch from that remote, so it is the one place they
// all share; the local lock file (lock.ts) still keeps two processes of one machine apart, and a
// repository without an `origin` has only that.
//
// The lock is a lease (remote-lease.ts: atomic takeover, renewal, release of one's own only):
// - The holder renews it every `renewMs`; a lock not renewed for `ttlMs` is stale and taken over.
//   One held on this host is stale at once when its process is gone.
// - A holder that fails to renew because someone took the lock over is told (`onLost`), and apply
//   stops writing.
import { LockedError } from './lock.js';
import type { Lock } from './lock.js';
import { LeaseLostError, REMOTE, firstLine, hasOrigin, takeRemoteLease } from './remote-lease.js';

export interface RemoteLockOptions {
  /** A lock not renewed for this long is stale (default 5 minutes: generous for clock skew). */
  ttlMs?: number;
  /** How often the holder renews it (default a fifth of `ttlMs`). */
  renewMs?: number;
  /** Called when a renewal finds the lock taken over: the holder must stop. */
  onLost?: (error: Error) => void;
  now?: () => Date;
}

const DEFAULT_TTL_MS = 5 * 60_000;

export function remoteLockRef(destination: string): string {
  return `refs/octosync/locks/${destination}`;
}

/**
 * Takes the destination's lock in the repository's `origin`; undefined when there is no `origin`
 * (a local repository: the lock file is the lock). Throws LockedError while another holds it.
 */
export async function acquireRemoteLock(repo: string, destination: string, options: RemoteLockOptions = {}): Promise<Lock | undefined> {
  if (!(await hasOrigin(repo))) return undefined;
  const ref = remoteLockRef(destination);
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  let taken;
  try {
    taken = await takeRemoteLease(repo, ref, { ttlMs, ...(options.now ? { now: options.now } : {}) });
  } catch (error) {
    throw new Error(`could not take the apply lock of destination '${destination}' in the state repository's ${REMOTE} (${ref}): ${firstLine(error)}`, { cause: error });
  }
  if ('heldBy' in taken) throw new LockedError(destination, taken.heldBy);
  const { lease } = taken;

  let released = false;
  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    renewing = renewing.then(async () => {
      if (released) return;
      try {
        await lease.renew();
      } catch (error) {
        clearInterval(timer);
        const lost = error instanceof LeaseLostError;
        options.onLost?.(new Error(`the apply lock of destination '${destination}' in ${REMOTE} ${lost ? 'was taken over by another applier' : `could not be renewed: ${firstLine(error)}`}`));
      }
    });
  }, options.renewMs ?? Math.floor(ttlMs / 5));
  timer.unref();

  return {
    release: async () => {
      if (released) return;
      released = true;
      clearInterval(timer);
      await renewing;
      await lease.release();
    },
  };
}
