// What one `octosync watch` costs with many destinations: N destinations of one source of P
// projects, each a space of its own on one simulated server (two destinations on one space are
// refused), all following the same branch. Measured on the daemon's process: the first round (every
// destination applied from empty), then one commit on the followed branch (time until every
// destination has applied it), each with requests and writes at the destination, CPU time and peak
// resident memory (the peak is reset between the two, where the kernel allows it).
//
//   BENCH_DAEMON_DESTINATIONS=10,30 BENCH_DAEMON_PROJECTS=100 npm run bench -- bench/daemon.bench.ts
//   BENCH_DAEMON_PARALLEL=30 …                     # every destination at once (no waiting for a turn)
//
// The daemon runs the built CLI in a child process; the simulators run in this one.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
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

const DESTINATIONS = (process.env.BENCH_DAEMON_DESTINATIONS ?? '10,30').split(',').map(Number);
const PROJECTS = Number(process.env.BENCH_DAEMON_PROJECTS ?? 100);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
/** Destinations planned or applied at once (the daemon's --parallel-destinations; its default when unset). */
const PARALLEL = process.env.BENCH_DAEMON_PARALLEL;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'octosync.js');
const BRANCH = 'source';

interface Row {
  destinations: number;
  step: string;
  seconds: number;
  requests: number;
  writes: number;
  cpuSeconds: number;
  peakRssMb: number;
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
    const env = { ...process.env, SOURCE_KEY: source.apiKey, DEST_KEY: target.apiKey };
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
      daemon = spawn(process.execPath, [BIN, 'watch', '--repo', dir, '--port', '0', '--poll-seconds', '600', '--drift-seconds', '0', '--log-level', 'warn', '--log-format', 'json', ...(PARALLEL ? ['--parallel-destinations', PARALLEL] : [])], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      daemon.stderr?.on('data', (chunk: Buffer) => stderr.push(String(chunk)));
      const pid = daemon.pid as number;
      const first = await resolveRef(dir, BRANCH);
      await until(`all ${count} destinations applied ${first.slice(0, 8)}`, () => allApplied(first), daemon, stderr);
      rows.push(row(count, 'first round (all from empty)', started, target, await usage(pid)));

      // One commit on the followed branch: an environment's description.
      await resetPeak(pid);
      const cpuBefore = (await usage(pid)).cpuSeconds;
      target.knobs.resetCounts();
      const file = await changeOneEnvironment(dir);
      started = performance.now();
      await commitPaths(dir, [file], 'one environment described');
      const second = await resolveRef(dir, BRANCH);
      await until(`all ${count} destinations applied ${second.slice(0, 8)}`, () => allApplied(second), daemon, stderr);
      const after = await usage(pid);
      rows.push(row(count, 'one commit reaching all', started, target, { ...after, cpuSeconds: after.cpuSeconds - cpuBefore }));
      expect(target.knobs.requestCounts().byMethod.PUT).toBe(count);
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
    })),
  );
});

function row(destinations: number, step: string, started: number, target: Simulator, use: { cpuSeconds: number; peakRssMb: number }): Row {
  const counts = target.knobs.requestCounts();
  const writes = (counts.byMethod.POST ?? 0) + (counts.byMethod.PUT ?? 0) + (counts.byMethod.DELETE ?? 0);
  return { destinations, step, seconds: (performance.now() - started) / 1000, requests: counts.total, writes, ...use };
}

/** Runs `octosync <args>` to completion. */
function run(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [BIN, ...args], { env, maxBuffer: 256 * 1024 * 1024 }, (error, _stdout, stderr) => (error ? reject(new Error(`octosync ${args[0]} failed: ${stderr.slice(0, 4000)}`)) : resolve())),
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
