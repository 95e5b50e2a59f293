// What octosync costs from the command line as instances grow, against simulators with latency:
// the first snapshot, a no-op plan, a full apply to an empty destination, a re-apply, a drift
// check with nothing changed and after a change by hand, and one changed variable carried from
// source to destination. Each step runs the built CLI in a child process, so its time is what a
// user waits (process start included), and its peak memory and CPU time are octosync's alone (the
// simulators run in this process; CPU time is the figure to compare when other work shares the
// cores). Requests and writes are counted by the simulators.
//
//   npm run bench                                  # BENCH_SIZES=100,1000 BENCH_LATENCY_MS=20 BENCH_ROUNDS=3
//   BENCH_SIZES=2000 BENCH_STEPS=snapshot,plan npm run bench
//
// A first snapshot and a no-op plan, whose times are targets, run BENCH_ROUNDS times (each first
// snapshot into a repository of its own): their row is the median round, and `rounds` lists them all.
//
// Lower bounds: a snapshot or plan reads each collection once, the capability reads included,
// plus the server check (`GET /api` for the version, and `GET /api/spaces/all`, which checks the
// key and is the space lookup too); an apply writes each change at least once, and with its concurrency (8) of
// requests in flight takes at least requests × latency / 8 ("in flight" is measured at the
// simulator while the step writes, see inFlight, and from octosync's side, see
// bench/client-in-flight.mjs). The source and destination use the
// space-wide tenant variable read, whose request count is constant.
//
// Never measure right after a mass deletion of files (an `rm -rf` of a few thousand files in the
// minutes before, such as a previous run's repositories): ext4 then skips the inodes freed in the
// last minutes on every create (`recently_deleted`), and a first snapshot's ~7,000 creates (files
// and folders) take seconds of system time more. Delete temporary repositories after measuring, or
// wait five minutes.
import { execFile } from 'node:child_process';
import type { ExecFileException } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, it } from 'vitest';
import { alwaysRead } from '../src/kinds/read-live.js';
import { kindsInOrder } from '../src/kinds/registry.js';
import { commitPaths } from '../src/repo/git.js';
import { formatYaml } from '../src/repo/yaml.js';
import { startSimulator } from '../src/simulator/index.js';
import type { Simulator } from '../src/simulator/index.js';
import type { RequestSpan } from '../src/simulator/knobs.js';
import { DEFAULT_MAX_CONCURRENCY } from '../src/octopus/index.js';
import { changeOneVariable } from './change-by-hand.js';
import { BIN, NODE_OPTIONS } from '../test/support/installed-cli.js';

const SIZES = (process.env.BENCH_SIZES ?? '100,1000').split(',').map(Number);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const STEPS = new Set((process.env.BENCH_STEPS ?? 'snapshot,plan,apply,change,drift').split(','));
/** Rounds of a first snapshot and of a no-op plan, the steps whose time is a target: the row is the median one (the time of a single run varies with what else the machine does). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`BENCH_ROUNDS must be a whole number of rounds, 1 or more (got '${process.env.BENCH_ROUNDS}')`);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PEAK_RSS = path.join(ROOT, 'bench', 'peak-rss.mjs');
const CLIENT_IN_FLIGHT = path.join(ROOT, 'bench', 'client-in-flight.mjs');

interface Row {
  projects: number;
  step: string;
  requests: number;
  lowerBound: number;
  writes: number;
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  /** The average requests in flight at the simulator while the step writes (see inFlight). */
  inFlight: number;
  /** The same seen from octosync, from the first write sent to the last answered (bench/client-in-flight.mjs); NaN without writes. */
  clientInFlight: number;
  /** The time of every round, when the step was run more than once (the row is the median one's). */
  runs: number[];
}

interface Run {
  code: number | null;
  stdout: string;
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  /** Each request as the command saw it, sent to answered (bench/client-in-flight.mjs). */
  clientSpans: RequestSpan[];
}

/** Runs `octosync <args>` to completion with its peak memory, CPU time and requests in flight reported. */
async function octosync(args: string[], env: Record<string, string>): Promise<Run> {
  const spansFile = path.join(await mkdtemp(path.join(tmpdir(), 'octosync-spans-')), 'spans.json');
  const started = performance.now();
  try {
    const { error, stdout, stderr } = await new Promise<{ error: ExecFileException | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [...NODE_OPTIONS, '--import', PEAK_RSS, '--import', CLIENT_IN_FLIGHT, BIN, ...args], { env: { ...process.env, ...env, BENCH_CLIENT_SPANS_FILE: spansFile }, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => resolve({ error, stdout, stderr }));
    });
    const seconds = (performance.now() - started) / 1000;
    const usage = /BENCH_USAGE peakRssKb=(\d+) cpuUs=(\d+)/.exec(stderr);
    const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
    if (code !== 0 && code !== 2) console.error(`octosync ${args[0]} exited with ${code}:\n${stderr.slice(0, 4000)}`);
    // No file when the command ended before its exit handlers ran (a crash).
    const clientSpans = existsSync(spansFile) ? (JSON.parse(await readFile(spansFile, 'utf8')) as RequestSpan[]) : [];
    return { code, stdout, seconds, cpuSeconds: usage ? Number(usage[2]) / 1e6 : NaN, peakRssMb: usage ? Number(usage[1]) / 1024 : NaN, clientSpans };
  } finally {
    await rm(path.dirname(spansFile), { recursive: true, force: true });
  }
}

beforeAll(async () => {
  // The CLI measured is the compiled one, what `npm ci` installs.
  await new Promise<void>((resolve, reject) => execFile('npm', ['run', 'build'], { cwd: ROOT }, (error) => (error ? reject(error) : resolve())));
}, 300_000);

it('measures the CLI at scale', { timeout: 3_600_000 }, async () => {
  // The collections read whatever the data (the capability reads included); the synthetic seed
  // needs none of those read on demand (kinds/on-demand-reads.ts).
  const collections = alwaysRead(kindsInOrder()).length;
  const rows: Row[] = [];
  // Repositories are deleted once every size is measured: thousands of files deleted just before
  // make the next size's snapshot create its files slower (ext4 passes over inodes freed in the
  // last minutes when it allocates one).
  const repositories: string[] = [];
  try {
    for (const projects of SIZES) {
      const source = await startSimulator({ seed: `synthetic:${projects}`, latencyMs: LATENCY_MS, tenantVariableScoping: false });
      const destination = await startSimulator({ seed: 'empty', latencyMs: LATENCY_MS, tenantVariableScoping: false });
      const dir = await mkdtemp(path.join(tmpdir(), 'octosync-scale-'));
      repositories.push(dir);
      const env = { SOURCE_KEY: source.apiKey, DEST_KEY: destination.apiKey, SELF_KEY: source.apiKey };
      /** Runs a step `rounds` times (its arguments made for each round) and keeps the round of median time (the lower middle one for an even count). */
      const measure = async (step: string, sim: Simulator, args: string[] | ((round: number) => Promise<string[]>), lowerBound: (requests: number, writes: number) => number, options: { expectCode?: number; rounds?: number } = {}): Promise<Run> => {
        const runs: { run: Run; row: Row }[] = [];
        for (let round = 0; round < (options.rounds ?? 1); round++) {
          sim.knobs.resetCounts();
          const run = await octosync(typeof args === 'function' ? await args(round) : args, env);
          const expectCode = options.expectCode ?? 0;
          if (run.code !== expectCode) throw new Error(`${step} of ${projects} projects exited with ${run.code}, expected ${expectCode}:\n${run.stdout.slice(0, 2000)}`);
          const counts = sim.knobs.requestCounts();
          const writes = (counts.byMethod.POST ?? 0) + (counts.byMethod.PUT ?? 0) + (counts.byMethod.DELETE ?? 0);
          runs.push({ run, row: { projects, step, requests: counts.total, lowerBound: lowerBound(counts.total, writes), writes, seconds: run.seconds, cpuSeconds: run.cpuSeconds, peakRssMb: run.peakRssMb, inFlight: inFlight(sim.knobs.requestSpans()), clientInFlight: run.clientSpans.some((span) => span.method !== 'GET') ? inFlight(run.clientSpans) : NaN, runs: [] } });
        }
        const median = [...runs].sort((a, b) => a.run.seconds - b.run.seconds)[Math.floor((runs.length - 1) / 2)];
        if (!median) throw new Error(`${step}: no round was run`);
        rows.push({ ...median.row, runs: runs.map(({ run }) => run.seconds) });
        return median.run;
      };
      const readBound = (extra: number) => () => collections + extra;
      try {
        const repoArgs = ['--repo', dir];
        // Each round of a first snapshot in a repository of its own; the first round's is the one the steps after use.
        const firstSnapshotArgs = async (round: number) => {
          const repo = round === 0 ? dir : await mkdtemp(path.join(tmpdir(), 'octosync-scale-'));
          if (round > 0) repositories.push(repo);
          return ['snapshot', '--source', source.url, '--api-key-env', 'SOURCE_KEY', '--repo', repo];
        };
        await measure('first snapshot', source, firstSnapshotArgs, readBound(2), { rounds: ROUNDS });
        await mkdir(path.join(dir, 'destinations'), { recursive: true });
        for (const [name, sim, key] of [['self', source, 'SELF_KEY'], ['copy', destination, 'DEST_KEY']] as const) {
          await writeFile(path.join(dir, 'destinations', `${name}.yaml`), formatYaml({ server: sim.url, apiKey: { env: key }, branch: 'source', missingSecrets: 'placeholder' }));
        }
        await commitPaths(dir, ['destinations/self.yaml', 'destinations/copy.yaml'], 'destinations');
        if (STEPS.has('plan')) await measure('no-op plan', source, ['plan', ...repoArgs, '--destination', 'self', '--detailed-exitcode'], readBound(2), { rounds: ROUNDS });
        if (!STEPS.has('apply')) continue;
        // Lower bound of an apply: its writes, each at least once.
        const applyArgs = ['apply', ...repoArgs, '--destination', 'copy', '--auto-approve'];
        await measure('full apply (empty destination)', destination, applyArgs, (_requests, writes) => writes);
        await measure('re-apply', destination, applyArgs, readBound(2));
        if (STEPS.has('drift')) await measure('drift check, nothing changed', destination, ['plan', ...repoArgs, '--destination', 'copy', '--detailed-exitcode'], readBound(2));
        if (STEPS.has('change')) {
          await changeOneVariable(source, 'App.Port', '9999');
          await measure('snapshot of one change', source, ['snapshot', '--source', source.url, '--api-key-env', 'SOURCE_KEY', ...repoArgs], readBound(2));
          await measure('apply of one change', destination, applyArgs, (_requests, writes) => collections + 2 + writes);
        }
        if (STEPS.has('drift')) {
          await changeOneVariable(destination, 'App.Name', 'changed by hand');
          await measure('drift check after a change by hand', destination, ['plan', ...repoArgs, '--destination', 'copy', '--detailed-exitcode'], readBound(2), { expectCode: 2 });
        }
      } finally {
        await source.close();
        await destination.close();
      }
    }
  } finally {
    for (const dir of repositories) await rm(dir, { recursive: true, force: true });
  }
  console.log(`\nlatency ${LATENCY_MS} ms per request, ${DEFAULT_MAX_CONCURRENCY} requests in flight at most; lower bound of a read: ${collections} collections (those read whatever the data; this data needs none of those read on demand) + the server check (version, and spaces with the key); of an apply: its writes\n`);
  console.table(
    rows.map((row) => ({
      projects: row.projects,
      step: row.step,
      requests: row.requests,
      'lower bound': row.lowerBound,
      ratio: (row.requests / Math.max(1, row.lowerBound)).toFixed(2),
      writes: row.writes,
      seconds: row.seconds.toFixed(1),
      rounds: row.runs.length > 1 ? row.runs.map((seconds) => seconds.toFixed(1)).join(' ') : '',
      'CPU seconds': row.cpuSeconds.toFixed(1),
      'peak RSS MB': row.peakRssMb.toFixed(0),
      'in flight at the server (avg)': row.inFlight.toFixed(1),
      'in flight from octosync': Number.isNaN(row.clientInFlight) ? '' : row.clientInFlight.toFixed(1),
    })),
  );
});

/**
 * The average number of requests in flight at the simulator from the start of the first write to
 * the end of the last (from the first request to the last when there is no write): what the
 * apply keeps in the pipe while it writes, without the process start, the Git reads and the plan
 * before it, when nothing can be in flight.
 */
function inFlight(spans: readonly RequestSpan[]): number {
  const finished = spans.filter((span) => Number.isFinite(span.end));
  const writes = finished.filter((span) => span.method !== 'GET');
  const window = writes.length > 0 ? writes : finished;
  if (window.length === 0) return 0;
  const from = Math.min(...window.map((span) => span.start));
  const to = Math.max(...window.map((span) => span.end));
  if (to <= from) return 0;
  const busy = finished.reduce((sum, span) => sum + Math.max(0, Math.min(span.end, to) - Math.max(span.start, from)), 0);
  return busy / (to - from);
}
