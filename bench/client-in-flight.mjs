// Preloaded (`node --import`) into a command the scale benchmark runs: records, from the command's
// side, when each request was sent and when its answer was read (undici's diagnostics channels:
// from its headers written to the end of its answer), and prints them on exit on a line of its own
// on stderr, for the benchmark to count the requests in flight as it does the simulator's (which
// sees them from their arrival to their answer, without the time a request and its answer spend
// between the two processes).
import { subscribe } from 'node:diagnostics_channel';
import { writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import process from 'node:process';

const sentAt = new WeakMap();
const spans = [];
subscribe('undici:client:sendHeaders', ({ request }) => sentAt.set(request, performance.now()));
subscribe('undici:request:trailers', ({ request }) => {
  const start = sentAt.get(request);
  if (start !== undefined) spans.push({ method: request.method, route: '', start, end: performance.now() });
});

process.on('exit', () => {
  writeSync(2, `\nBENCH_CLIENT_SPANS ${JSON.stringify(spans)}\n`);
});
