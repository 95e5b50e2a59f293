// Preloaded (`node --import`) into a command the scale benchmark runs: records, from the command's
// side, when each request was sent and when its answer was read (undici's diagnostics channels:
// from its headers written to the end of its answer), and writes them on exit into the file
// BENCH_CLIENT_SPANS_FILE names, for the benchmark to count the requests in flight as it does the
// simulator's (which sees them from their arrival to their answer, without the time a request and
// its answer spend between the two processes).
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import process from 'node:process';

const sentAt = new WeakMap();
const spans = [];
subscribe('undici:client:sendHeaders', ({ request }) => sentAt.set(request, performance.now()));
subscribe('undici:request:trailers', ({ request }) => {
  const start = sentAt.get(request);
  if (start !== undefined) spans.push({ method: request.method, route: '', start, end: performance.now() });
});

// Into the file the benchmark names, not on stderr: thousands of spans (an apply's) are more than
// a pipe holds, and a write to a full pipe in an exit handler fails half-way.
process.on('exit', () => {
  if (process.env.BENCH_CLIENT_SPANS_FILE) writeFileSync(process.env.BENCH_CLIENT_SPANS_FILE, JSON.stringify(spans));
});
