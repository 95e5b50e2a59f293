// The thread that parses a plan's files ahead of its validation (see yaml-ahead.ts): it is given
// texts, and gives back their values in the same order, a batch at a time, so the first files can
// be validated while the next are parsed; the validating thread ends it. A file js-yaml does not
// take plainly comes back without a value: the validating thread parses it with `yaml`, which says
// what is wrong and where.
import { parentPort } from 'node:worker_threads';
import type { Json } from '../core/document.js';
import { loadPlainly } from './yaml-plain.js';

/** Characters of text parsed between two messages: small, so validation starts early. */
const BATCH_CHARS = 64 * 1024;

parentPort?.on('message', (files: [string, string][]) => {
  let batch: [string, Json | undefined][] = [];
  let size = 0;
  for (const [file, text] of files) {
    let value: Json | undefined;
    try {
      value = loadPlainly(text)?.value;
    } catch {
      value = undefined;
    }
    batch.push([file, value]);
    size += text.length;
    if (size < BATCH_CHARS) continue;
    parentPort?.postMessage(batch);
    batch = [];
    size = 0;
  }
  parentPort?.postMessage(batch);
});
