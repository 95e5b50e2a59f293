// What apply makes octosync's, recorded as it writes rather than when it finishes: a document is
// added to the destination's managed set (what prune may ever delete) durably before its create
// starts, and removed once its delete succeeded. An apply killed at any point therefore leaves
// nothing it created that prune cannot see: a create the server applied but whose answer never
// arrived is already recorded. Kept apart from the write loop: it wraps the kinds' writers.
import { documentKey } from '../core/plan.js';
import type { Kind } from '../kinds/types.js';
import { readStatus, updateStatus } from '../daemon/status-store.js';

export interface ManagedRecorder {
  /** Before a create (or an update of something not yet managed): from now on it is octosync's. */
  managing(key: string): Promise<void>;
  /** After a successful delete: no longer there to manage. */
  deleted(key: string): Promise<void>;
}

/** A recorder over the destination's status, starting from the managed set it holds now. */
export async function managedRecorder(stateDir: string, destination: string, now: () => Date): Promise<ManagedRecorder> {
  const managed = new Set((await readStatus(stateDir, destination)).lastApplied?.documents ?? []);
  const change = (key: string, add: boolean) =>
    updateStatus(stateDir, destination, (status) => {
      const documents = new Set(status.lastApplied?.documents ?? []);
      if (add) documents.add(key);
      else documents.delete(key);
      // No apply has finished yet: the commit stays empty until one does.
      const applied = status.lastApplied ?? { commit: '', overlayDigest: '', at: now().toISOString(), documents: [], secretDigests: {} };
      return { ...status, lastApplied: { ...applied, documents: [...documents].sort() } };
    });
  return {
    managing: async (key) => {
      if (managed.has(key)) return; // already recorded: no write for the common update
      await change(key, true);
      managed.add(key);
    },
    deleted: async (key) => {
      if (!managed.has(key)) return;
      await change(key, false);
      managed.delete(key);
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
          await writer.create(doc, ctx);
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
