// Preloaded (`node --import`) into a command the scale benchmark runs: measures, from the
// command's side, the requests it had sent and not yet seen answered (undici's diagnostics
// channels: from a request's headers written to the end of its answer), on average from the first
// write sent to the last write answered, and prints it on exit on a line of its own on stderr. The
// simulator measures the same from its side (arrival to answer), without the time a request and
// its answer spend between the two processes.
import { subscribe } from 'node:diagnostics_channel';
import { writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import process from 'node:process';

const sentAt = new WeakMap();
const spans = [];
subscribe('undici:client:sendHeaders', ({ request }) => sentAt.set(request, performance.now()));
subscribe('undici:request:trailers', ({ request }) => {
  const start = sentAt.get(request);
  if (start !== undefined) spans.push({ write: request.method !== 'GET', start, end: performance.now() });
});

process.on('exit', () => {
  const writes = spans.filter((span) => span.write);
  if (writes.length === 0) return;
  const from = Math.min(...writes.map((span) => span.start));
  const to = Math.max(...writes.map((span) => span.end));
  const busy = spans.reduce((sum, span) => sum + Math.max(0, Math.min(span.end, to) - Math.max(span.start, from)), 0);
  writeSync(2, `\nBENCH_CLIENT_IN_FLIGHT ${(busy / (to - from)).toFixed(3)}\n`);
});
