// Where a full apply waits: requests in flight per slice of time, with the routes written in it.
//   BENCH_PROJECTS=1000 BENCH_PROFILE_DIR=/tmp/prof npm run bench -- bench/apply-timeline.bench.ts
//   BENCH_SPANS_OUT=/tmp/spans.json ...   also writes every request's span as JSON
// The CLI runs as a child (under --cpu-prof when BENCH_PROFILE_DIR is set); the simulators run here.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { it } from 'vitest';
import { commitPaths } from '../src/repo/git.js';
import { formatYaml } from '../src/repo/yaml.js';
import { startSimulator } from '../src/simulator/index.js';
import type { RequestSpan } from '../src/simulator/knobs.js';
import { BIN, NODE_OPTIONS } from '../test/support/installed-cli.js';

const PROJECTS = Number(process.env.BENCH_PROJECTS ?? 1000);
const SLICE_MS = Number(process.env.BENCH_SLICE_MS ?? 250);
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;

function run(args: string[], env: Record<string, string>, profile: boolean): Promise<number> {
  const started = performance.now();
  const flags = profile && PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...NODE_OPTIONS, ...flags, BIN, ...args], { env: { ...process.env, ...env }, maxBuffer: 256 * 1024 * 1024 }, (error, _stdout, stderr) =>
      error ? reject(new Error(stderr.slice(0, 2000))) : resolve((performance.now() - started) / 1000),
    );
  });
}

it('shows requests in flight through a full apply', { timeout: 3_600_000 }, async () => {
  const source = await startSimulator({ seed: `synthetic:${PROJECTS}`, latencyMs: 20, tenantVariableScoping: false });
  const destination = await startSimulator({ seed: 'empty', latencyMs: 20, tenantVariableScoping: false });
  const dir = await mkdtemp(path.join(tmpdir(), 'octosync-timeline-'));
  const env = { SOURCE_KEY: source.apiKey, DEST_KEY: destination.apiKey };
  try {
    await run(['snapshot', '--source', source.url, '--api-key-env', 'SOURCE_KEY', '--repo', dir], env, false);
    await mkdir(path.join(dir, 'destinations'), { recursive: true });
    await writeFile(path.join(dir, 'destinations', 'copy.yaml'), formatYaml({ server: destination.url, apiKey: { env: 'DEST_KEY' }, branch: 'source', missingSecrets: 'placeholder' }));
    await commitPaths(dir, ['destinations/copy.yaml'], 'destination');
    destination.knobs.resetCounts();
    const cpu = process.cpuUsage();
    // The simulators' own profile (this process), beside the CLI's.
    const session = new Session();
    if (PROFILE_DIR) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    const seconds = await run(['apply', '--repo', dir, '--destination', 'copy', '--auto-approve'], env, true);
    if (PROFILE_DIR) {
      const { profile } = await session.post('Profiler.stop');
      await writeFile(path.join(PROFILE_DIR, 'simulators.cpuprofile.json'), JSON.stringify(profile));
      session.disconnect();
    }
    const spans = destination.knobs.requestSpans().filter((span) => Number.isFinite(span.end));
    const used = process.cpuUsage(cpu);
    const writes = spans.filter((span) => span.method !== 'GET');
    const from = Math.min(...writes.map((span) => span.start));
    const to = Math.max(...writes.map((span) => span.end));
    const busy = spans.reduce((sum, span) => sum + Math.max(0, Math.min(span.end, to) - Math.max(span.start, from)), 0);
    console.log(`apply: ${seconds.toFixed(1)} s, ${spans.length} requests, ${(busy / (to - from)).toFixed(1)} in flight while writing (${((to - from) / 1000).toFixed(1)} s), simulators ${((used.user + used.system) / 1e6).toFixed(1)} CPU s`);
    printTimeline(spans);
    // Every request's span, for a closer look (gaps between requests, per route).
    if (process.env.BENCH_SPANS_OUT) await writeFile(process.env.BENCH_SPANS_OUT, JSON.stringify(spans));
  } finally {
    await source.close();
    await destination.close();
    await rm(dir, { recursive: true, force: true });
  }
});

function printTimeline(spans: readonly RequestSpan[]): void {
  const from = Math.min(...spans.map((span) => span.start));
  const to = Math.max(...spans.map((span) => span.end));
  for (let at = from; at < to; at += SLICE_MS) {
    const end = at + SLICE_MS;
    let busy = 0;
    const routes = new Map<string, number>();
    for (const span of spans) {
      const overlap = Math.min(span.end, end) - Math.max(span.start, at);
      if (overlap <= 0) continue;
      busy += overlap;
      if (span.start >= at) routes.set(`${span.method} ${span.route}`, (routes.get(`${span.method} ${span.route}`) ?? 0) + 1);
    }
    const top = [...routes].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([route, n]) => `${n} ${route}`).join(', ');
    console.log(`${((at - from) / 1000).toFixed(2).padStart(6)} s ${(busy / SLICE_MS).toFixed(1).padStart(5)} in flight  ${top}`);
  }
}
