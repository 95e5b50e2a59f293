// What an incremental reader last read of a space, kept on disk under the state directory: the
// collections as the server answered them (one file each) and an index saying which server and
// space they are of, where in the events log the reading stood, and when everything was last
// read. Nothing stays in memory between reads, and a restart continues where it stopped.
// Servers never answer secret values, so none is written here.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { JsonObject, LiveSpace } from '../core/document.js';
import { ensureStateDir, writeStateFile } from './state-dir.js';

export interface LiveCacheIndex<Mark> {
  server: string;
  spaceId: string;
  /** Where the events log stood before the collections were read. */
  mark: Mark;
  /** When every collection was last read from the server. */
  fullReadAt: string;
  collections: string[];
}

export interface CachedSpace<Mark> {
  index: LiveCacheIndex<Mark>;
  collection(name: string): Promise<JsonObject[] | undefined>;
}

/** The cache of one reader (`name`: a destination's drift checks, the source's snapshots). */
export class LiveCache<Mark> {
  constructor(
    private readonly stateDir: string,
    private readonly name: string,
  ) {}

  /** The space as last read from `server`, if it was. */
  async load(server: string, spaceId: string): Promise<CachedSpace<Mark> | undefined> {
    const dir = this.dir(spaceId);
    const text = await readFile(path.join(dir, INDEX), 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    let index: LiveCacheIndex<Mark>;
    try {
      index = JSON.parse(text) as LiveCacheIndex<Mark>;
    } catch {
      return undefined;
    }
    if (index.server !== server || index.spaceId !== spaceId || !Array.isArray(index.collections)) return undefined;
    return {
      index,
      collection: async (name) => {
        if (!index.collections.includes(name)) return undefined;
        const body = await readFile(path.join(dir, collectionFile(name)), 'utf8').catch(() => undefined);
        return body === undefined ? undefined : (JSON.parse(body) as JsonObject[]);
      },
    };
  }

  /**
   * Writes the collections read now, then the index (last, by rename): a crash in between leaves
   * the old index, whose mark is older than any collection written, so the next read re-reads them.
   */
  async save(index: LiveCacheIndex<Mark>, fresh: LiveSpace): Promise<void> {
    const dir = await ensureStateDir(this.stateDir, 'live', safeName(this.name), safeName(index.spaceId));
    for (const [name, resources] of Object.entries(fresh)) await writeStateFile(path.join(dir, collectionFile(name)), JSON.stringify(resources));
    await writeStateFile(path.join(dir, INDEX), JSON.stringify(index));
  }

  /** Forgets what was read (the next read is a full one). */
  async clear(): Promise<void> {
    await rm(path.join(this.stateDir, 'live', safeName(this.name)), { recursive: true, force: true });
  }

  private dir(spaceId: string): string {
    return path.join(this.stateDir, 'live', safeName(this.name), safeName(spaceId));
  }
}

const INDEX = 'index.json';

function collectionFile(name: string): string {
  return `${safeName(name)}.json`;
}

/** Names from configuration and servers, made safe as one path segment. */
function safeName(name: string): string {
  return encodeURIComponent(name).replace(/\./g, '%2E');
}
