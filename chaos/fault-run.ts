// The fault run: octosync against a destination that fails (5xx, dropped connections, writes
// applied and then dropped, a gateway's 503 after the work was done) and processes killed with
// SIGKILL midway (apply, watch, snapshot). At the end every destination must have converged, with
// no duplicate and nothing lost. `npm run chaos` runs it whole and prints the counts; a short,
// seeded slice of it runs with the tests (test/chaos/fault-slice.test.ts).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runApply } from '../src/commands/apply.js';
import { preparePlan } from '../src/commands/plan.js';
import { runSnapshot } from '../src/commands/snapshot.js';
import { SAMPLE_CERTIFICATE_PEM } from '../src/simulator/seeds/sample-certificate.js';
import { createOctopusClient } from '../src/octopus/index.js';
import { startSimulator } from '../src/simulator/index.js';
import type { FaultRule, Simulator } from '../src/simulator/index.js';
import { createAccounts } from '../test/support/destinations.js';
import { stateRepo } from '../test/support/gitops.js';
import type { StateRepo } from '../test/support/gitops.js';
import { simHttp } from '../test/support/sim-http.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'octosync.js');

export interface PhaseResult {
  phase: string;
  /** Applies (or processes) run, killed or failed ones included. */
  runs: number;
  /** The destination matches the repository at the end (a plan shows no change). */
  converged: boolean;
  /** Resources the destination holds twice (same name in a collection, same scoped user role). */
  duplicates: number;
  /** What the run should have made true and did not: resources the repository dropped still in
   *  the destination (orphans), source changes no snapshot committed. */
  lost: number;
  notes: string[];
}

/** A seeded random (mulberry32): the same faults in the same order for the same seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A source (the sample instance), an empty destination and a state repository that syncs them with prune. */
export interface World {
  source: Simulator;
  destination: Simulator;
  repo: StateRepo;
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function createWorld(options: { random?: () => number; latencyMs?: number } = {}): Promise<World> {
  const source = await startSimulator({ seed: 'sample' });
  const destination = await startSimulator({ seed: 'empty', latencyMs: options.latencyMs ?? 0, ...(options.random ? { random: options.random } : {}) });
  await createAccounts(source, destination);
  const repo = await stateRepo();
  await repo.snapshot(source);
  await repo.writeSecret('webshop-tls.b64', Buffer.from(SAMPLE_CERTIFICATE_PEM).toString('base64'));
  await repo.writeDestination('production', {
    server: destination.url,
    apiKey: { env: 'DEST_KEY' },
    branch: 'source',
    missingSecrets: 'placeholder',
    prune: true,
    overlays: {
      variables: { projects: { 'Web Shop': [{ name: 'ConnectionStrings:Shop', scope: { Environment: ['Production'] }, value: { valueFrom: { env: 'PROD_SHOP_DB' } } }] } },
      secrets: { 'certificates/Web Shop TLS': { CertificateData: { valueFrom: { file: 'webshop-tls.b64' } } }, 'git-credentials/GitHub deploy bot': { 'Details.Password': { valueFrom: { env: 'GIT_TOKEN' } } } },
    },
  });
  return {
    source,
    destination,
    repo,
    env: { DEST_KEY: destination.apiKey, PROD_SHOP_DB: 'Server=prod-sql;Password=chaos-secret', GIT_TOKEN: 'chaos-git-token' },
    close: async () => {
      await Promise.all([source.close(), destination.close()]);
      await repo.cleanup();
    },
  };
}

/**
 * Faults on the destination's writes at `rate` overall: a 500, a 503, a dropped connection, a
 * write applied and then its connection dropped, a write applied and then a gateway's 503. Reads
 * fail at a tenth of the rate.
 */
export function writeFaults(rate: number): FaultRule[] {
  const kinds: Omit<FaultRule, 'method' | 'rate'>[] = [{ status: 500 }, { status: 503 }, { drop: true }, { dropAfterHandling: true }, { statusAfterHandling: 503 }];
  // Rules are tried in turn, each with its own draw: this share each makes `rate` overall.
  const each = 1 - (1 - rate) ** (1 / kinds.length);
  return [
    ...['POST', 'PUT', 'DELETE'].flatMap((method) => kinds.map((kind) => ({ ...kind, method, rate: each }))),
    { method: 'GET', status: 503, rate: rate / 10 },
  ];
}

/** Repository changes a run makes meanwhile: an update, a new resource and one the repository drops. */
const CHANGES: { file: string; edit: (text: string) => string | undefined; dropped?: { collection: string; name: string } }[] = [
  { file: 'spaces/default/environments/dev.yaml', edit: (text) => text.replace(/^Description: .*$/m, `Description: changed by the fault run ${Date.now()}`) },
  { file: 'spaces/default/environments/chaos.yaml', edit: () => 'Name: Chaos\nAllowDynamicInfrastructure: false\nSortOrder: 9\nUseGuidedFailure: false\n' },
  { file: 'spaces/default/teams/customer-success.yaml', edit: () => undefined, dropped: { collection: 'teams', name: 'Customer Success' } },
];

/** Makes change `index` of CHANGES in the repository (a commit on the followed branch). */
export async function changeRepository(world: World, index: number): Promise<{ collection: string; name: string } | undefined> {
  const change = CHANGES[index % CHANGES.length];
  if (!change) return undefined;
  const full = path.join(world.repo.dir, change.file);
  const before = await readFile(full, 'utf8').catch(() => undefined);
  const after = change.edit(before ?? '');
  if (after !== undefined && after === before) return undefined; // made already
  if (after === undefined) {
    if (before === undefined) return change.dropped;
    await world.repo.git().rm([change.file]);
    await world.repo.git().commit(`fault run: drop ${change.file}`);
    return change.dropped;
  }
  await world.repo.commitFile(change.file, after, `fault run: change ${change.file}`);
  return undefined;
}

/** Applies under faults until an apply succeeds (or `maxRuns`); returns how many ran. */
async function applyUntilSuccess(world: World, maxRuns: number): Promise<{ runs: number; succeeded: boolean; lastError?: string }> {
  let lastError: string | undefined;
  for (let run = 1; run <= maxRuns; run += 1) {
    try {
      await runApply({ repo: world.repo.dir, destination: 'production', env: world.env });
      return { runs: run, succeeded: true };
    } catch (error) {
      lastError = (error as Error).message.split('\n').slice(0, 3).join(' | ');
    }
  }
  return { runs: maxRuns, succeeded: false, lastError };
}

/** One fault phase: apply, change the repository, apply again, all under faults; then measure. */
export async function faultPhase(world: World, rate: number, options: { maxRuns?: number } = {}): Promise<PhaseResult> {
  const notes: string[] = [];
  const dropped: { collection: string; name: string }[] = [];
  for (const rule of writeFaults(rate)) world.destination.knobs.addFault(rule);
  let runs = 0;
  try {
    for (const step of [0, 1, 2, 3]) {
      if (step > 0) {
        const gone = await changeRepository(world, step - 1);
        if (gone) dropped.push(gone);
      }
      const result = await applyUntilSuccess(world, options.maxRuns ?? 40);
      runs += result.runs;
      if (!result.succeeded) notes.push(`no apply succeeded in ${result.runs} runs: ${result.lastError}`);
    }
  } finally {
    world.destination.knobs.clearFaults();
  }
  return { phase: `${Math.round(rate * 100)}% faults on writes`, runs, ...(await measure(world, dropped)), notes };
}

/** Counts against the destination once the run is over (no faults left). */
export async function measure(world: World, dropped: readonly { collection: string; name: string }[]): Promise<Pick<PhaseResult, 'converged' | 'duplicates' | 'lost'>> {
  const prepared = await preparePlan({ repo: world.repo.dir, destination: 'production', env: world.env });
  await prepared.client.close();
  const converged = prepared.plan.changes.length === 0 && prepared.plan.problems.length === 0;
  const orphans = await Promise.all(dropped.map(async ({ collection, name }) => (await list(world.destination, collection)).some((r) => r.Name === name)));
  return { converged, duplicates: await countDuplicates(world.destination), lost: orphans.filter(Boolean).length };
}

type Resource = Record<string, unknown>;

async function list(sim: Simulator, collection: string): Promise<Resource[]> {
  return (await simHttp(sim).get(`/api/Spaces-1/${collection}/all`)).body as Resource[];
}

/** Resources held twice: by name per collection (per project for channels and runbooks), scoped user roles by content, variables by name and scope. */
export async function countDuplicates(sim: Simulator): Promise<number> {
  const repeated = (keys: string[]) => keys.filter((key, index) => keys.indexOf(key) !== index).length;
  let duplicates = 0;
  const named = ['environments', 'workerpools', 'machinepolicies', 'tagsets', 'certificates', 'feeds', 'lifecycles', 'libraryvariablesets', 'actiontemplates', 'projectgroups', 'teams', 'tenants', 'projects'];
  for (const collection of named) duplicates += repeated((await list(sim, collection)).map((r) => String(r.Name).toLowerCase()));
  for (const collection of ['channels', 'runbooks']) duplicates += repeated((await list(sim, collection)).map((r) => `${String(r.ProjectId)}/${String(r.Name).toLowerCase()}`));
  const roles = await list(sim, 'scopeduserroles');
  const ids = (value: unknown) => (Array.isArray(value) ? value.map(String).sort() : []);
  duplicates += repeated(roles.map((r) => JSON.stringify([r.TeamId, r.UserRoleId, ids(r.EnvironmentIds), ids(r.ProjectIds), ids(r.ProjectGroupIds), ids(r.TenantIds)])));
  for (const set of await list(sim, 'variables')) {
    duplicates += repeated(((set.Variables ?? []) as Resource[]).map((v) => `${String(v.Name)} ${JSON.stringify(v.Scope ?? {})}`));
  }
  return duplicates;
}

/** Runs `octosync <args>` (the built CLI) and kills it with SIGKILL after `afterMs`, unless it ended first. */
async function runAndKill(args: string[], env: Record<string, string>, cwd: string, afterMs: number): Promise<'killed' | 'finished'> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env, NO_COLOR: '1' }, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
  await exited;
  clearTimeout(timer);
  return child.signalCode === 'SIGKILL' ? 'killed' : 'finished';
}

/**
 * `kills` processes (apply and watch in turn) killed with SIGKILL at a random moment, the
 * repository changing meanwhile; then one apply without faults, and the counts.
 */
export async function killPhase(world: World, kills: number, random: () => number): Promise<PhaseResult> {
  const work = await mkdtemp(path.join(tmpdir(), 'octosync-chaos-'));
  const dropped: { collection: string; name: string }[] = [];
  const notes: string[] = [];
  world.destination.knobs.latencyMs = 10; // long enough for a kill to land mid-apply
  let killed = 0;
  try {
    for (let run = 0; run < kills; run += 1) {
      if (run % 4 === 3) {
        const gone = await changeRepository(world, Math.floor(run / 4));
        if (gone) dropped.push(gone);
      }
      const args =
        run % 2 === 0
          ? ['apply', '--repo', world.repo.dir, '--destination', 'production', '--auto-approve']
          : ['watch', '--repo', world.repo.dir, '--port', '0', '--poll-seconds', '1', '--drift-seconds', '0', '--log-format', 'json'];
      if ((await runAndKill(args, world.env, work, 200 + Math.floor(random() * 2500))) === 'killed') killed += 1;
    }
  } finally {
    world.destination.knobs.latencyMs = 0;
    await rm(work, { recursive: true, force: true });
  }
  notes.push(`${killed} of ${kills} killed before they finished`);
  await runApply({ repo: world.repo.dir, destination: 'production', env: world.env });
  return { phase: `kill -9 of apply and watch`, runs: kills + 1, ...(await measure(world, dropped)), notes };
}

/**
 * `kills` snapshots killed with SIGKILL at a random moment, each after a change on the source;
 * then one snapshot, which must have committed every change (none lost).
 */
export async function snapshotKillPhase(world: World, kills: number, random: () => number): Promise<PhaseResult> {
  const work = await mkdtemp(path.join(tmpdir(), 'octosync-chaos-'));
  const http = simHttp(world.source);
  const environments = (await list(world.source, 'environments')).filter((e) => typeof e.Id === 'string');
  let killed = 0;
  try {
    for (let run = 0; run < kills; run += 1) {
      const environment = environments[run % environments.length] as Resource;
      await http.put(`/api/Spaces-1/environments/${String(environment.Id)}`, { ...environment, Description: `snapshot kill ${run}` });
      const args = ['snapshot', '--source', world.source.url, '--api-key-env', 'SOURCE_KEY', '--repo', world.repo.dir];
      // A snapshot of the sample takes about two seconds: some die reading, some writing or committing, some finish.
      if ((await runAndKill(args, { SOURCE_KEY: world.source.apiKey }, work, 300 + Math.floor(random() * 2000))) === 'killed') killed += 1;
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const client = createOctopusClient({ server: world.source.url, apiKey: world.source.apiKey });
  try {
    await runSnapshot({ api: client, server: world.source.url, repo: world.repo.dir });
  } finally {
    await client.close();
  }
  // Every environment's last description must be on the branch.
  let lost = 0;
  for (const environment of await list(world.source, 'environments')) {
    const text = await world.repo.git().show([`source:spaces/default/environments/${String(environment.Name).toLowerCase().replace(/[^a-z0-9]+/g, '-')}.yaml`]).catch(() => '');
    if (!text.includes(String(environment.Description))) lost += 1;
  }
  const status = await world.repo.git().raw(['status', '--porcelain', '--', 'spaces']);
  return {
    phase: 'kill -9 of snapshot',
    runs: kills + 1,
    converged: status.trim() === '',
    duplicates: 0,
    lost,
    notes: [`${killed} of ${kills} killed before they finished`],
  };
}

/** The table `npm run chaos` prints. */
export function formatResults(results: readonly PhaseResult[]): string {
  const rows = results.map((r) => `${r.phase.padEnd(32)} ${String(r.runs).padStart(5)}  ${(r.converged ? 'yes' : 'NO').padEnd(9)} ${String(r.duplicates).padStart(10)} ${String(r.lost).padStart(5)}${r.notes.length ? `  (${r.notes.join('; ')})` : ''}`);
  const total = (key: 'duplicates' | 'lost') => results.reduce((sum, r) => sum + r[key], 0);
  return [
    `${'phase'.padEnd(32)} ${'runs'.padStart(5)}  converged ${'duplicates'.padStart(10)} ${'lost'.padStart(5)}`,
    ...rows,
    `converged: ${results.filter((r) => r.converged).length}/${results.length}, duplicates: ${total('duplicates')}, lost: ${total('lost')}`,
  ].join('\n');
}
