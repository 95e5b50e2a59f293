// A plan's files parsed by another thread ahead of their validation. Parsing thousands of YAML
// files is most of what validating a repository costs (about 0.55 CPU s at 1,000 projects), and
// it needs nothing but the texts, while the thread validating them also parses the destination's
// answers as they arrive. The values come back by structured clone (several times cheaper than
// parsing) with strings of their own, not slices of the texts. A file the other thread does not
// take plainly (see yaml-plain.ts), or any failure of that thread, leaves its value to the caller,
// which parses it as before: the values are the same either way.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Json } from '../core/document.js';

/**
 * The thread's code: the bundle's own entry (`dist/yaml-worker.js`, see rolldown.config.mjs), one
 * level above the chunks and above tsc's `dist/repo/`. The sources (run by vitest) have none.
 */
const WORKER = new URL('../yaml-worker.js', import.meta.url);

/** Characters of text per message to the thread. */
const MESSAGE_CHARS = 256 * 1024;

/**
 * Characters of text the thread may be ahead of validation: given to it and not yet taken back.
 * It never holds a second copy of every text, nor piles up values validation has not reached.
 */
const AHEAD_CHARS = 1 << 20;

/**
 * The thread's young generation, in MB: what it parses is garbage once sent, and V8's default
 * (tens of MB) would only add to the plan's peak memory.
 */
const YOUNG_GENERATION_MB = 4;

export class YamlAhead {
  /** File → its value, for the files the other thread took plainly; taken (and dropped) by `take`. */
  private readonly values = new Map<string, Json>();
  /** Files to give the thread, in order, not given yet. */
  private queue: [string, string][] = [];
  private queued = 0;
  /** Files given to the thread whose value has not come back. */
  private readonly pending = new Set<string>();
  /** Files given to the thread and not taken yet, with their length (see AHEAD_CHARS). */
  private readonly ahead = new Map<string, number>();
  private aheadChars = 0;
  private waiter: { file: string; resolve: () => void } | undefined;
  private stopped = false;

  private constructor(private readonly worker: Worker) {
    // It never keeps the process alive by itself: only while a value is waited for (ready).
    worker.unref();
    worker.on('message', (batch: [string, Json | undefined][]) => {
      for (const [file, value] of batch) {
        this.pending.delete(file);
        if (value !== undefined) this.values.set(file, value);
      }
      if (this.waiter && !this.pending.has(this.waiter.file)) this.wake();
    });
    // A thread that fails gives nothing more: the caller parses what is left itself.
    worker.on('error', () => this.stop());
    worker.on('exit', () => this.stop());
  }

  /** Starts the thread (its code loads meanwhile); undefined where there is no thread's code to run. */
  static start(worker: URL = WORKER): YamlAhead | undefined {
    if (!existsSync(fileURLToPath(worker))) return undefined;
    return new YamlAhead(new Worker(worker, { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } }));
  }

  /** Gives the thread `files` (path → text) to parse, in the order their values will be taken. */
  parse(files: Iterable<readonly [string, string]>): void {
    if (this.stopped) return;
    for (const [file, text] of files) this.queue.push([file, text]);
    this.give();
  }

  /** Resolves once `file`'s value is here or will not come; undefined when there is nothing to wait for. */
  ready(file: string): Promise<void> | undefined {
    if (this.stopped || !this.pending.has(file)) return undefined;
    this.wake();
    this.worker.ref();
    return new Promise((resolve) => (this.waiter = { file, resolve }));
  }

  /** `file`'s value from the other thread, once: undefined when it gave none (the caller parses the file). */
  take(file: string): Json | undefined {
    const value = this.values.get(file);
    this.values.delete(file);
    const size = this.ahead.get(file);
    if (size !== undefined) {
      this.ahead.delete(file);
      this.aheadChars -= size;
      this.give();
    }
    return value;
  }

  /** Ends the thread; values already here can still be taken. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.pending.clear();
    this.queue = [];
    this.wake();
    void this.worker.terminate();
  }

  /** Gives the thread the next files while it is less than AHEAD_CHARS ahead, a message at a time. */
  private give(): void {
    while (!this.stopped && this.queued < this.queue.length && this.aheadChars < AHEAD_CHARS) {
      const message: [string, string][] = [];
      let size = 0;
      while (this.queued < this.queue.length && size < MESSAGE_CHARS) {
        const [file, text] = this.queue[this.queued] as [string, string];
        this.queue[this.queued] = ['', ''];
        this.queued += 1;
        message.push([file, text]);
        this.pending.add(file);
        this.ahead.set(file, text.length);
        this.aheadChars += text.length;
        size += text.length;
      }
      this.worker.postMessage(message);
    }
    if (this.queued === this.queue.length && this.ahead.size === 0) this.stop();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    if (!waiter) return;
    this.worker.unref();
    waiter.resolve();
  }
}
