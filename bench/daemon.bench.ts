// What one `octosync watch` costs with many destinations: N destinations of one source of P
// projects, each a space of its own on one simulated server (two destinations on one space are
// refused), all following the same branch. Measured on the daemon's process: the first round (every
// destination applied from empty), then one commit on the followed branch (time until every
// destination has applied it), each with requests and writes at the destination, CPU time and peak
// resident memory (the peak is reset between steps, where the kernel allows it). Then drift checks
// of every destination with nothing changed: the first after the apply, and an idle one (what
// every drift interval costs), with its requests per destination.
//
//   BENCH_DAEMON_DESTINATIONS=10,30 BENCH_DAEMON_PROJECTS=100 npm run bench -- bench/daemon.bench.ts
//   BENCH_DAEMON_PARALLEL=30 …                     # every destination at once (no waiting for a turn)
//   BENCH_DAEMON_COMMITS=3 …                       # commits one after the other (a median of several)
//   BENCH_DAEMON_PROFILE=<dir> …                   # the daemon writes a CPU profile there when it stops
//   BENCH_DAEMON_ROUTES=1 …                        # each step's requests by route
//
// The daemon runs the built CLI in a child process; the simulators run in this one.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { commitPaths, resolveRef } from '../src/repo/git.js';
import type { Json } from '../src/core/document.js';
import { formatYaml } from '../src/repo/yaml.js';
import { loadYaml } from '../src/repo/yaml-load.js';
import { startSimulator } from '../src/simulator/index.js';
import type { Simulator } from '../src/simulator/index.js';
import { readStatus } from '../src/state/status-store.js';
import { BIN, NODE_OPTIONS } from '../test/support/installed-cli.js';

const DESTINATIONS = (process.env.BENCH_DAEMON_DESTINATIONS ?? '10,30').split(',').map(Number);
const PROJECTS = Number(process.env.BENCH_DAEMON_PROJECTS ?? 100);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
/** Destinations planned or applied at once (the daemon's --parallel-destinations; its default when unset). */
const PARALLEL = process.env.BENCH_DAEMON_PARALLEL;
const COMMITS = Number(process.env.BENCH_DAEMON_COMMITS ?? 1);
const PROFILE = process.env.BENCH_DAEMON_PROFILE;
const UI_TOKEN = 'bench-ui-token';
/** Set: the requests of each step by route, per destination. */
const ROUTES = process.env.BENCH_DAEMON_ROUTES !== undefined;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BRANCH = 'source';

interface Row {
  destinations: number;
  step: string;
  seconds: number;
  requests: number;
  writes: number;
  cpuSeconds: number;
  peakRssMb: number;
  /** Requests per destination, for the drift checks. */
  perDestination?: number;
}

beforeAll(async () => {
  // The daemon measured is the compiled one, what `npm ci` installs.
  await new Promise<void>((resolve, reject) => execFile('npm', ['run', 'build'], { cwd: ROOT }, (error) => (error ? reject(error) : resolve())));
}, 300_000);

it('measures one daemon with many destinations', { timeout: 3_600_000 }, async () => {
  const rows: Row[] = [];
  for (const count of DESTINATIONS) {
    const source = await startSimulator({ seed: `synthetic:${PROJECTS}`, latencyMs: LATENCY_MS, tenantVariableScoping: false });
    const target = await startSimulator({ seed: 'empty', latencyMs: LATENCY_MS, tenantVariableScoping: false });
    const dir = await mkdtemp(path.join(tmpdir(), 'octosync-daemon-bench-'));
    const env = { ...process.env, SOURCE_KEY: source.apiKey, DEST_KEY: target.apiKey, BENCH_UI_TOKEN: UI_TOKEN };
    let daemon: ChildProcess | undefined;
    try {
      await run(['snapshot', '--source', source.url, '--api-key-env', 'SOURCE_KEY', '--repo', dir], env);
      const names = Array.from({ length: count }, (_, i) => `d${String(i + 1).padStart(2, '0')}`);
      await mkdir(path.join(dir, 'destinations'), { recursive: true });
      for (const name of names) {
        const body = { server: target.url, apiKey: { env: 'DEST_KEY' }, branch: BRANCH, missingSecrets: 'placeholder', spaces: { Default: `Space ${name}` }, createSpaces: true };
        await writeFile(path.join(dir, 'destinations', `${name}.yaml`), formatYaml(body));
      }
      await commitPaths(dir, names.map((name) => `destinations/${name}.yaml`), 'destinations');
      const stateDir = path.join(dir, '.octosync');
      const allApplied = async (commit: string) => (await Promise.all(names.map(async (name) => (await readStatus(stateDir, name)).lastApplied?.commit === commit))).every(Boolean);

      // The first round: every destination applied from empty.
      target.knobs.resetCounts();
      let started = performance.now();
      const stderr: string[] = [];
      const port = await freePort();
      const profile = PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(PROFILE)}`] : [];
      const watchFlags = ['--repo', dir, '--port', String(port), '--poll-seconds', '600', '--drift-seconds', '0', '--ui-token-env', 'BENCH_UI_TOKEN', '--log-level', 'warn', '--log-format', 'json'];
      daemon = spawn(process.execPath, [...NODE_OPTIONS, ...profile, BIN, 'watch', ...watchFlags, ...(PARALLEL ? ['--parallel-destinations', PARALLEL] : [])], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      daemon.stderr?.on('data', (chunk: Buffer) => stderr.push(String(chunk)));
      const pid = daemon.pid as number;
      const first = await resolveRef(dir, BRANCH);
      await until(`all ${count} destinations applied ${first.slice(0, 8)}`, () => allApplied(first), daemon, stderr);
      rows.push(row(count, 'first round (all from empty)', started, target, await usage(pid)));

      // Commits on the followed branch, one after the other: an environment's description each.
      for (let round = 1; round <= COMMITS; round += 1) {
        await resetPeak(pid);
        const cpuBefore = (await usage(pid)).cpuSeconds;
        target.knobs.resetCounts();
        const file = await changeOneEnvironment(dir);
        started = performance.now();
        await commitPaths(dir, [file], 'one environment described');
        const next = await resolveRef(dir, BRANCH);
        await until(`all ${count} destinations applied ${next.slice(0, 8)}`, () => allApplied(next), daemon, stderr);
        const after = await usage(pid);
        rows.push(row(count, `one commit reaching all${COMMITS > 1 ? ` (${round}/${COMMITS})` : ''}`, started, target, { ...after, cpuSeconds: after.cpuSeconds - cpuBefore }));
        if (ROUTES) printRoutes(`one commit, ${count} destinations`, target, count);
        expect(target.knobs.requestCounts().byMethod.PUT).toBe(count);
      }

      // Drift checks of every destination, nothing changed: the first after the apply reads the
      // destination; the next finds from its events log that nothing happened since.
      for (const step of ['drift check, first after the apply', 'drift check, idle']) {
        await resetPeak(pid);
        const cpuBefore = (await usage(pid)).cpuSeconds;
        target.knobs.resetCounts();
        started = performance.now();
        await Promise.all(names.map((name) => checkDrift(port, name)));
        const after = await usage(pid);
        const measured = row(count, step, started, target, { ...after, cpuSeconds: after.cpuSeconds - cpuBefore });
        rows.push({ ...measured, perDestination: measured.requests / count });
        if (ROUTES) printRoutes(`${step}, ${count} destinations`, target, count);
        expect(measured.writes).toBe(0);
      }
    } finally {
      daemon?.kill('SIGTERM');
      if (daemon && daemon.exitCode === null) await new Promise((resolve) => daemon?.once('exit', resolve));
      await source.close();
      await target.close();
      await rm(dir, { recursive: true, force: true });
    }
  }
  console.log(`\none daemon, ${PROJECTS} projects per destination, ${PARALLEL ?? 'the default number of'} destinations at once, latency ${LATENCY_MS} ms per request, every destination a space of one server\n`);
  console.table(
    rows.map((r) => ({
      destinations: r.destinations,
      step: r.step,
      seconds: r.seconds.toFixed(1),
      requests: r.requests,
      writes: r.writes,
      'CPU seconds': r.cpuSeconds.toFixed(1),
      'peak RSS MB': r.peakRssMb.toFixed(0),
      'requests per destination': r.perDestination?.toFixed(1) ?? '',
    })),
  );
});

function row(destinations: number, step: string, started: number, target: Simulator, use: { cpuSeconds: number; peakRssMb: number }): Row {
  const counts = target.knobs.requestCounts();
  const writes = (counts.byMethod.POST ?? 0) + (counts.byMethod.PUT ?? 0) + (counts.byMethod.DELETE ?? 0);
  return { destinations, step, seconds: (performance.now() - started) / 1000, requests: counts.total, writes, ...use };
}

/** The step's requests by route, per destination, most first. */
function printRoutes(step: string, target: Simulator, destinations: number): void {
  const routes = Object.entries(target.knobs.requestCounts().byRoute).sort(([, a], [, b]) => b - a);
  console.log(`\n${step}: requests per destination by route\n${routes.map(([route, n]) => `  ${(n / destinations).toFixed(1).padStart(6)}  ${route}`).join('\n')}`);
}

/** A port free now, for the daemon's status server (its actions check drift on demand). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Asks the daemon to check `name` for drift now; resolves when the check is done. */
async function checkDrift(port: number, name: string): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${port}/destinations/${name}/check-drift`, { method: 'POST', headers: { Authorization: `Bearer ${UI_TOKEN}` } });
  const outcome = (await response.json()) as { done?: boolean; message?: string; error?: string };
  if (!outcome.done) throw new Error(`drift check of ${name}: ${outcome.message ?? outcome.error ?? response.status}`);
}

/** Runs `octosync <args>` to completion. */
function run(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [...NODE_OPTIONS, BIN, ...args], { env, maxBuffer: 256 * 1024 * 1024 }, (error, _stdout, stderr) => (error ? reject(new Error(`octosync ${args[0]} failed: ${stderr.slice(0, 4000)}`)) : resolve())),
  );
}

/** Waits (checking every 50 ms) until `check` holds; fails with the daemon's last words if it exits first. */
async function until(what: string, check: () => Promise<boolean>, daemon: ChildProcess, stderr: string[]): Promise<void> {
  const deadline = Date.now() + 1_800_000;
  while (!(await check())) {
    if (daemon.exitCode !== null || Date.now() > deadline) throw new Error(`not reached: ${what}\n${stderr.join('').slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The daemon's CPU time so far and its peak resident memory (Linux /proc). */
async function usage(pid: number): Promise<{ cpuSeconds: number; peakRssMb: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const peakKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  // Fields 14 and 15 of /proc/<pid>/stat, after the command name in parentheses: user and system ticks.
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { cpuSeconds: ticks / 100, peakRssMb: peakKb / 1024 };
}

/** Resets the process's peak resident memory to its current one (Linux ≥ 4.0), so the next step's peak is its own. */
async function resetPeak(pid: number): Promise<void> {
  await writeFile(`/proc/${pid}/clear_refs`, '5').catch(() => undefined);
}

/** Changes the description of the first environment in the repository; returns the file. */
async function changeOneEnvironment(dir: string): Promise<string> {
  const folder = path.join('spaces', 'default', 'environments');
  const [first] = (await readdir(path.join(dir, folder))).sort();
  if (!first) throw new Error('the snapshot has no environment');
  const file = path.join(folder, first);
  const body = loadYaml(await readFile(path.join(dir, file), 'utf8'), file) as Record<string, unknown>;
  await writeFile(path.join(dir, file), formatYaml({ ...body, Description: `changed at ${new Date().toISOString()}` } as Json));
  return file;
}
