// How a one-shot plan (the `plan` command) keeps its peak memory down. A plan's heap is mostly
// garbage at its peak: the repository's texts and parse trees once validated, and the
// destination's response texts and buffers once parsed. V8 lets the old generation grow to a few
// times what was alive at its last full collection before it collects again, so that garbage and
// what the plan builds afterwards coexist. Node takes its heap sizes only at start
// (`--max-semi-space-size` has no effect later), but two things work while it runs, and both
// were measured on the plan of a 2,000-project space: a smaller growth factor for the old
// generation (read by V8 each time it sets the next limit), and one full collection at the point
// where most of what was read has become garbage. A daemon does neither: its memory is shared by
// many destinations and it leaves collection to V8.
import v8 from 'node:v8';
import vm from 'node:vm';

/** How much the old generation may grow past what was alive at the last full collection, in percent (V8 picks 10–300% itself). */
const HEAP_GROWING_PERCENT = 50;

let collect: (() => void) | undefined;

/** Makes V8 collect the old generation sooner for the rest of this process (a short-lived command's). */
export function collectSooner(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/** A full garbage collection now (V8's `gc`, exposed to a new context only, not to this one's globals). */
export function collectGarbage(): void {
  if (!collect) {
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
  }
  collect();
}
