// Reads a space again by re-reading only what its events log says changed since the last read,
// and taking the rest from that read (kept on disk under the state directory, state/live-cache.ts).
// The answer is the one a full read gives: the same collections, merged before anything is
// computed from them. A full read instead when there is no earlier read, when the log cannot say
// (the last event seen is gone, or too many events), when an event names something that cannot
// be mapped to collections (a delete, a document type not known), and at a fixed interval anyway.
import type { JsonObject } from '../core/document.js';
import { collectionsChangedBy } from '../kinds/event-collections.js';
import { readLiveSpace, readSpaceFor } from '../kinds/read-live.js';
import type { CollectionReader, SpaceReader } from '../kinds/read-live.js';
import { eventsSince } from '../octopus/index.js';
import type { EventMark } from '../octopus/index.js';
import { LiveCache } from '../state/live-cache.js';

/** Why a space was read the way it was. */
export type ReadReason = 'first read' | 'periodic full read' | 'events log gap' | 'unmapped event' | 'events';

export interface IncrementalRead {
  spaceId: string;
  full: boolean;
  reason: ReadReason;
  /** The collections read from the server. */
  collections: string[];
}

export interface IncrementalReaderOptions {
  stateDir: string;
  /** Whose reads these are (a destination's drift checks, the source's snapshots): each has a cache of its own. */
  name: string;
  /** Everything is read again at least this often, a safety net for changes no event tells. */
  fullReadEveryMs: number;
  now?: () => number;
  onRead?: (read: IncrementalRead) => void;
}

/** Default interval of full reads: one hour. */
export const DEFAULT_FULL_READ_EVERY_MS = 60 * 60_000;

export function incrementalSpaceReader(options: IncrementalReaderOptions): SpaceReader {
  const cache = new LiveCache<EventMark>(options.stateDir, options.name);
  const now = options.now ?? Date.now;
  return async (api, spaceId, kinds, desired, progress) => {
    const started = now();
    const cached = await cache.load(api.server, spaceId);
    // The log before the collections: what changes while they are read shows in the next events.
    const since = await eventsSince(api, spaceId, cached?.index.mark);
    const changed = since.events ? collectionsChangedBy(since.events) : 'all';
    const reason: ReadReason = !cached
      ? 'first read'
      : started - Date.parse(cached.index.fullReadAt) >= options.fullReadEveryMs
        ? 'periodic full read'
        : changed === 'all'
          ? since.events
            ? 'unmapped event'
            : 'events log gap'
          : 'events';
    const reuse = reason === 'events' && cached && changed !== 'all' ? { cached, changed } : undefined;
    const fresh: Record<string, readonly JsonObject[]> = {};
    const read: CollectionReader = async (collections, report) => {
      const live: Record<string, readonly JsonObject[]> = {};
      if (reuse) {
        for (const collection of collections) {
          if (reuse.changed.has(collection)) continue;
          const resources = await reuse.cached.collection(collection);
          if (resources) live[collection] = resources;
        }
      }
      const stale = collections.filter((collection) => live[collection] === undefined);
      const got = stale.length > 0 ? await readLiveSpace(api, spaceId, stale, report) : {};
      Object.assign(fresh, got);
      return Object.assign(live, got);
    };
    const live = await readSpaceFor(api, spaceId, kinds, desired, progress, read);
    const collections = [...new Set([...(reuse ? reuse.cached.index.collections : []), ...Object.keys(fresh)])].sort();
    await cache.save({ server: api.server, spaceId, mark: since.mark, fullReadAt: reuse ? reuse.cached.index.fullReadAt : new Date(started).toISOString(), collections }, fresh);
    options.onRead?.({ spaceId, full: !reuse, reason, collections: Object.keys(fresh).sort() });
    return live;
  };
}
