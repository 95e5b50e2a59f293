// What apply makes octosync's, recorded as it writes rather than when it finishes: a document is
// added to the destination's managed set (what prune may ever delete) durably, in the managed
// journal, before its create starts, and removed once its delete succeeded. An apply killed at any point therefore leaves
// nothing it created that prune cannot see: a create the server applied but whose answer never
// arrived is already recorded. Kept apart from the write loop: it wraps the kinds' writers.
import { documentKey } from '../core/plan.js';
import type { Kind } from '../kinds/types.js';
import { appendToJournal } from '../state/status-store.js';

export interface ManagedRecorder {
  /** Before a create (or an update of something not yet managed): from now on it is octosync's. */
  managing(key: string): Promise<void>;
  /**
   * Before the creates of a space start: all of them octosync's in one journal write, so no
   * create waits for the disk (one write per create held every write of the pool back).
   */
  managingAll(keys: readonly string[]): Promise<void>;
  /** After a successful delete: no longer there to manage. */
  deleted(key: string): Promise<void>;
}

/** A recorder over the destination's managed journal, starting from the managed set as the plan read it. */
export function managedRecorder(stateDir: string, destination: string, current: ReadonlySet<string>): ManagedRecorder {
  const managed = new Set(current);
  // One append at a time, in the order the writes happened; entries that arrive while one is being
  // flushed go together in the next (a flush per entry, one after another, would hold every
  // concurrent write back to the disk's pace).
  let waiting: { entry: { add: boolean; key: string }; done: (error?: unknown) => void }[] = [];
  let flushing = false;
  const flush = async () => {
    flushing = true;
    while (waiting.length > 0) {
      const batch = waiting;
      waiting = [];
      const error = await appendToJournal(stateDir, destination, batch.map((item) => item.entry)).then(() => undefined, (failure: unknown) => failure ?? new Error('the journal could not be written'));
      for (const item of batch) item.done(error);
    }
    flushing = false;
  };
  const append = (keys: readonly string[], add: boolean) =>
    new Promise<void>((resolve, reject) => {
      const done = (error?: unknown) => (error === undefined ? resolve() : reject(error as Error));
      // One completion for the whole group: it is written in one flush, so it succeeds or fails whole.
      keys.forEach((key, index) => waiting.push({ entry: { add, key }, done: index === keys.length - 1 ? done : () => {} }));
      if (!flushing) void flush();
    });
  const managing = async (keys: readonly string[]) => {
    const fresh = [...new Set(keys)].filter((key) => !managed.has(key)); // already recorded: no write for the common update
    if (fresh.length === 0) return;
    for (const key of fresh) managed.add(key);
    await append(fresh, true);
  };
  return {
    managing: (key) => managing([key]),
    managingAll: managing,
    deleted: async (key) => {
      if (!managed.has(key)) return;
      managed.delete(key);
      await append([key], false);
    },
  };
}

/** The kinds with writers that record through `recorder` (documents of destination space `space`). */
export function recordingKinds(kinds: readonly Kind[], space: string, recorder: ManagedRecorder): Kind[] {
  return kinds.map((kind) => {
    const writer = kind.writer;
    if (!writer) return kind;
    const key = (name: string) => documentKey(space, kind.name, name);
    return {
      ...kind,
      writer: {
        ...writer,
        create: async (doc, ctx) => {
          await recorder.managing(key(doc.name));
          return await writer.create(doc, ctx);
        },
        update: async (doc, current, ctx) => {
          await writer.update(doc, current, ctx);
          await recorder.managing(key(doc.name));
        },
        remove: async (current, ctx) => {
          await writer.remove(current, ctx);
          await recorder.deleted(key(current.name));
        },
      },
    };
  });
}
