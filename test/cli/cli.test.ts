// The built CLI as people and CI run it: `node bin/octosync.js` in a child process, with real exit
// codes, stdout and stderr, against simulators served by this test process and real Git
// repositories in temporary folders. The commands' logic is tested in-process elsewhere; this file
// checks what only the executable shows: flags, environment, output, exit codes, and a process
// that dies midway.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleGit } from 'simple-git';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { readStatus } from '../../src/state/status-store.js';
import { SAMPLE_CERTIFICATE_PEM } from '../../src/simulator/seeds/sample-certificate.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { createAccounts, writes } from '../support/destinations.js';
import { lyingProxy } from '../support/lying-proxy.js';
import { simHttp } from '../support/sim-http.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { eventually, logEntries, looksUntil, replicaSetup, taken } from '../support/replica-harness.js';

// Each test runs the CLI several times in child processes; on a busy machine (CI has 2 shared
// cores, other suites beside) starting one can take seconds, so the default 30 s is too tight.
vi.setConfig({ testTimeout: 240_000 });

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'octosync.js');

interface CliRun {
  /** The exit code, or null when killed by a signal. */
  code: number | null;
  stdout: string;
  stderr: string;
}

type Env = Record<string, string | undefined>;

/** The child's environment: ours, without any Octopus key, plus `extra` (undefined removes). */
function childEnv(extra: Env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.OCTOPUS_API_KEY;
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** Runs `octosync <args>` to completion. Asynchronous: the simulators live in this process. */
function octosync(args: string[], options: { env?: Env; cwd?: string } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: childEnv(options.env ?? {}), maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

/** An empty destination with accounts of its own, as an operator prepares one. */
async function emptyDestination(options: { latencyMs?: number } = {}): Promise<Simulator> {
  const sim = await startSimulator({ seed: 'empty' });
  await createAccounts(source, sim);
  sim.knobs.latencyMs = options.latencyMs ?? 0;
  sim.knobs.resetCounts();
  return sim;
}

let source: Simulator;

beforeAll(async () => {
  // The CLI under test is the compiled one, exactly what `npm ci` installs.
  await new Promise<void>((resolve, reject) => {
    execFile('npm', ['run', 'build'], { cwd: ROOT, timeout: 170_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`npm run build failed:\n${stdout}\n${stderr}`));
      else resolve();
    });
  });
  source = await startSimulator({ seed: 'sample' });
}, 180_000);

afterAll(async () => {
  await source?.close();
});

describe('octosync snapshot', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'octosync-cli-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('commits a snapshot, then says there is nothing new', async () => {
    const repo = path.join(dir, 'state');
    const args = ['snapshot', '--source', source.url, '--repo', repo];
    const first = await octosync(args, { env: { OCTOPUS_API_KEY: source.apiKey } });
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(/^Committed [0-9a-f]{12} to source: snapshot: \d+ added, 0 changed, 0 removed\n$/);
    expect(existsSync(path.join(repo, 'spaces', 'default', 'environments', 'production.yaml'))).toBe(true);

    const second = await octosync(args, { env: { OCTOPUS_API_KEY: source.apiKey } });
    expect(second).toMatchObject({ code: 0, stderr: '' });
    expect(second.stdout).toMatch(/^No changes: \d+ documents already match /);
  });

  it('commits the first snapshot of a 1,000-project instance: thousands of files, one commit, a readable message', { timeout: 180_000 }, async () => {
    const large = await startSimulator({ seed: 'synthetic:1000' });
    try {
      const repo = path.join(dir, 'state');
      // Thousands of new objects would start a background `git gc` racing the folder's removal.
      await mkdir(repo, { recursive: true });
      await simpleGit(repo).init().addConfig('gc.auto', '0');
      const run = await octosync(['snapshot', '--source', large.url, '--repo', repo], { env: { OCTOPUS_API_KEY: large.apiKey } });
      expect(run).toMatchObject({ code: 0, stderr: '' });
      const added = Number(/^Committed [0-9a-f]{12} to source: snapshot: (\d+) added, 0 changed, 0 removed\n$/.exec(run.stdout)?.[1]);
      expect(added).toBeGreaterThan(5_000);
      const git = simpleGit(repo);
      expect(await git.raw(['rev-list', '--count', 'source'])).toBe('1\n');
      expect((await git.raw(['ls-tree', '-r', '--name-only', 'source'])).split('\n').filter((file) => file.startsWith('spaces/'))).toHaveLength(added);
      // Counted by kind, the first resources listed, the rest said: not thousands of lines.
      const message = await git.raw(['log', '-1', '--format=%B', 'source']);
      expect(message).toContain('\nprojects: 1000 added\n');
      expect(message).toMatch(new RegExp(`\\n… and ${added - 100} more `));
      expect(message.split('\n').length).toBeLessThan(150);
      expect(await git.raw(['status', '--porcelain'])).toBe('');
    } finally {
      await large.close();
    }
  });

  it('exits 1 on a rejected API key, naming the server and the 401 but never the key', async () => {
    const key = 'API-WRONGWRONGWRONGWRONGWRONG1';
    const run = await octosync(['snapshot', '--source', source.url, '--repo', path.join(dir, 'state')], { env: { OCTOPUS_API_KEY: key } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(source.url);
    expect(run.stderr).toContain('401');
    expect(run.stdout + run.stderr).not.toContain(key);
  });

  it('exits 1 naming the environment variable that holds no key', async () => {
    const run = await octosync(['snapshot', '--source', source.url, '--repo', path.join(dir, 'state'), '--api-key-env', 'SOURCE_OCTOPUS_KEY'], { env: { OCTOPUS_API_KEY: source.apiKey } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('SOURCE_OCTOPUS_KEY');
    expect(run.stderr).toContain('is not set');
    const missingDefault = await octosync(['snapshot', '--source', source.url, '--repo', path.join(dir, 'state')]);
    expect(missingDefault.code).toBe(1);
    expect(missingDefault.stderr).toContain('OCTOPUS_API_KEY');
  });
});

describe('octosync snapshot in a state repository', () => {
  let dir: string;
  let repo: string;
  const git = (...args: string[]) =>
    new Promise<string>((resolve, reject) => execFile('git', ['-C', repo, ...args], { env: childEnv({}) }, (error, stdout) => (error ? reject(error) : resolve(stdout.trim()))));
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'octosync-cli-'));
    repo = path.join(dir, 'state');
    // The first snapshot names the source and where its key is; octosync.yaml keeps both.
    const first = await octosync(['snapshot', '--source', source.url, '--repo', repo, '--api-key-env', 'SOURCE_KEY'], { env: { SOURCE_KEY: source.apiKey } });
    expect(first).toMatchObject({ code: 0, stderr: '' });
    await git('checkout', '-q', '-b', 'work');
  });
  afterEach(async () => {
    await simHttp(source).put(`/api/Spaces-1/environments/${devId}`, dev);
    await rm(dir, { recursive: true, force: true });
  });
  let dev: Record<string, unknown>;
  let devId: string;
  const changeSource = async (description: string) => {
    dev = (await simHttp(source).get('/api/Spaces-1/environments/all')).body.find((e: { Name: string }) => e.Name === 'Dev');
    devId = dev.Id as string;
    await simHttp(source).put(`/api/Spaces-1/environments/${devId}`, { ...dev, Description: description });
  };

  it('with no flags snapshots the configured source with the configured key, beside another worktree holding the branch, leaving the checkout alone', async () => {
    // A worktree that has the source branch checked out (a daemon's, or anyone's).
    await git('worktree', 'add', '-q', path.join(dir, 'daemon-worktree'), 'source');
    await changeSource('changed at the source');
    const before = await git('rev-parse', 'source');
    const run = await octosync(['snapshot'], { cwd: repo, env: { SOURCE_KEY: source.apiKey } });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^Committed [0-9a-f]{12} to source: snapshot: 0 added, 1 changed, 0 removed\n$/);
    expect(await git('rev-parse', 'source~1')).toBe(before);
    expect(await git('show', 'source:spaces/default/environments/dev.yaml')).toContain('changed at the source');
    // The user's checkout: same branch, nothing changed in it, nothing staged.
    expect(await git('symbolic-ref', '--short', 'HEAD')).toBe('work');
    expect(await git('status', '--porcelain')).toBe('');
    expect(await git('worktree', 'list', '--porcelain')).not.toContain('.octosync');
  });

  it('refuses a --source other than the configured one, and switches only when asked', async () => {
    const other = await startSimulator({ seed: 'empty' });
    try {
      const before = await git('rev-parse', 'source');
      const refused = await octosync(['snapshot', '--source', other.url], { cwd: repo, env: { SOURCE_KEY: other.apiKey } });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`--source ${other.url} is not the configured source (octosync.yaml: ${source.url})`);
      expect(refused.stderr).toContain('--switch-source');
      expect(await git('rev-parse', 'source')).toBe(before);
      expect(writes(other)).toEqual({ POST: 0, PUT: 0, DELETE: 0 });
      expect(other.knobs.requestCounts().total).toBe(0);
      // The same server spelled with a trailing slash is the configured one.
      expect((await octosync(['snapshot', '--source', `${source.url}/`], { cwd: repo, env: { SOURCE_KEY: source.apiKey } })).code).toBe(0);

      const switched = await octosync(['snapshot', '--source', other.url, '--api-key-env', 'OTHER_KEY', '--switch-source', '--allow-large-removal'], { cwd: repo, env: { OTHER_KEY: other.apiKey } });
      expect(switched.code).toBe(0);
      expect(switched.stderr).toContain(`The source is now ${other.url}`);
      const config = await git('show', 'source:octosync.yaml');
      expect(config).toContain(`server: ${other.url}`);
      expect(config).toContain('env: OTHER_KEY');
    } finally {
      await other.close();
    }
  });
});

describe('octosync validate', () => {
  let repo: StateRepo;
  beforeEach(async () => {
    repo = await stateRepo();
    await repo.snapshot(source);
  });
  afterEach(async () => {
    await repo.cleanup();
  });

  it('exits 0 on a valid repository and 1 with file:line: on a malformed file', async () => {
    const good = await octosync(['validate', '--repo', repo.dir]);
    expect(good).toMatchObject({ code: 0, stderr: '' });
    expect(good.stdout).toMatch(/^ok: \d+ documents valid$/m);

    const broken = 'spaces/default/environments/broken.yaml';
    await writeFile(path.join(repo.dir, broken), 'Name: Broken\nDescription: [not closed\nSortOrder: 9\n');
    const bad = await octosync(['validate', '--repo', repo.dir]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(new RegExp(`^${broken.replace(/\./g, '\\.')}:\\d+: `, 'm'));
    expect(bad.stdout).not.toContain('ok:');
  });
});

describe('octosync plan and apply', () => {
  let destination: Simulator;
  let repo: StateRepo;
  let work: string;
  let env: Env;

  /** destinations/production.yaml, committed on the branch it follows. */
  async function writeDestination(extra: Record<string, unknown> = {}): Promise<void> {
    const body: Record<string, unknown> = {
      server: destination.url,
      apiKey: { env: 'DEST_KEY' },
      branch: 'source',
      missingSecrets: 'placeholder',
      overlays: { secrets: { 'certificates/Web Shop TLS': { CertificateData: { valueFrom: { file: 'webshop-tls.b64' } }, Password: { valueFrom: { env: 'TLS_PASSWORD' } } }, 'git-credentials/GitHub deploy bot': { 'Details.Password': { valueFrom: { env: 'GIT_TOKEN' } } } } },
      ...extra,
    };
    await repo.writeDestination('production', Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined)));
  }

  const plan = (...args: string[]) => octosync(['plan', '--repo', repo.dir, '--destination', 'production', ...args], { env, cwd: work });
  const apply = (...args: string[]) => octosync(['apply', '--repo', repo.dir, ...args], { env, cwd: work });

  beforeEach(async () => {
    destination = await emptyDestination();
    repo = await stateRepo();
    work = await mkdtemp(path.join(tmpdir(), 'octosync-cli-work-'));
    await repo.writeSecret('webshop-tls.b64', Buffer.from(SAMPLE_CERTIFICATE_PEM).toString('base64'));
    await repo.snapshot(source);
    await writeDestination();
    env = { DEST_KEY: destination.apiKey, GIT_TOKEN: 'test-git-token', TLS_PASSWORD: 'prod-tls-password' };
  });

  afterEach(async () => {
    await destination.close();
    await repo.cleanup();
    await rm(work, { recursive: true, force: true });
  });

  it('plans with exit codes 2 / 0, prints JSON and Markdown, saves a plan that apply applies, then plans nothing', async () => {
    const detailed = await plan('--detailed-exitcode');
    expect(detailed.code).toBe(2);
    expect(detailed.stdout).toMatch(/^Plan for destination production at [0-9a-f]{12}:/);
    expect(detailed.stdout).toContain('+ environment Production');
    expect(detailed.stdout).toMatch(/^\d+ to create, 0 to update, 0 to delete\.$/m);
    expect(detailed.stdout).not.toContain('prod-tls-password');

    const plain = await plan();
    expect(plain.code).toBe(0);
    expect(plain.stdout).toBe(detailed.stdout);

    const json = await plan('--output', 'json');
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { format: string; destination: string; changes: unknown[]; summary: { create: number } };
    expect(parsed).toMatchObject({ format: 'octosync-plan/1', destination: 'production' });
    expect(parsed.summary.create).toBeGreaterThan(20);
    expect(parsed.changes).toHaveLength(parsed.summary.create);

    const markdown = await plan('--output', 'markdown');
    expect(markdown.code).toBe(0);
    expect(markdown.stdout.startsWith('### octosync plan')).toBe(true);
    expect(markdown.stdout).toContain('| `+` | environment | Production |');

    const saved = await plan('--out', 'plan.json');
    expect(saved.code).toBe(0);
    const file = JSON.parse(await readFile(path.join(work, 'plan.json'), 'utf8')) as typeof parsed;
    expect(file).toEqual(parsed);

    destination.knobs.resetCounts();
    const applied = await apply('--plan', 'plan.json');
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('✓ created environments Production');
    expect(applied.stdout).toMatch(new RegExp(`^Applied to production: ${parsed.summary.create} created, 0 updated, 0 deleted\\.$`, 'm'));
    // Every create is at least one write (a project's process and variables are PUTs).
    const { POST, PUT } = writes(destination);
    expect(POST + PUT).toBeGreaterThanOrEqual(parsed.summary.create);

    const after = await plan('--detailed-exitcode');
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('No changes');
    expect((await plan()).code).toBe(0);
  });

  it('plans the same from files the parsing thread does not take plainly, and names the line of a file that does not parse', async () => {
    // A plan parses the repository's files on another thread (dist/yaml-worker.js); a file it does
    // not take plainly (a directive) is parsed by the validating thread, as one that does not parse.
    expect(existsSync(path.join(ROOT, 'dist', 'yaml-worker.js'))).toBe(true);
    const before = JSON.parse((await plan('--output', 'json')).stdout) as { changes: unknown[] };
    const production = 'spaces/default/environments/production.yaml';
    const text = await readFile(path.join(repo.dir, production), 'utf8');
    await repo.commitFile(production, `%YAML 1.2\n---\n${text}`);
    await repo.commitFile('spaces/default/environments/tagged.yaml', 'Name: Tagged\nDescription: !!str 12\nSortOrder: 9\n');
    const after = JSON.parse((await plan('--output', 'json')).stdout) as { changes: { name?: string; fields?: unknown }[] };
    expect(after.changes.filter((change) => change.name !== 'Tagged')).toEqual(before.changes);
    // The tag makes a string of what would be a number.
    expect(JSON.stringify(after.changes.find((change) => change.name === 'Tagged')?.fields)).toContain('"12"');

    await repo.commitFile('spaces/default/environments/broken.yaml', 'Name: Broken\nSortOrder: [1\n');
    const broken = await plan();
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/spaces\/default\/environments\/broken\.yaml:\d+: invalid YAML/);
  });

  it('exits 1 when the plan has problems, with or without --detailed-exitcode', async () => {
    await writeDestination({ overlays: { variables: { projects: { Ghost: [{ name: 'x', value: 'y' }] } } } });
    for (const args of [[], ['--detailed-exitcode']]) {
      const run = await plan(...args);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^! .*'Ghost'/m);
    }
    destination.knobs.resetCounts();
    const applied = await apply('--destination', 'production', '--auto-approve');
    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain('nothing was applied');
    expect(writes(destination)).toEqual({ POST: 0, PUT: 0, DELETE: 0 });
  });

  it('apply without a terminal and without --auto-approve exits 1 before planning or writing anything', async () => {
    destination.knobs.resetCounts();
    const run = await apply('--destination', 'production');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('apply without a terminal needs --auto-approve');
    expect(destination.knobs.requestCounts().total).toBe(0);
    expect((await plan('--detailed-exitcode')).code).toBe(2);
  });

  it('prints the plan without colour when piped, NO_COLOR or not', async () => {
    const run = await octosync(['plan', '--repo', repo.dir, '--destination', 'production'], { env: { ...env, NO_COLOR: undefined }, cwd: work });
    expect(run.stdout).toContain('+ environment Production');
    expect(run.stdout).not.toContain('\x1b[');
  });

  it('refuses a saved plan made before a new commit on the branch the destination follows', async () => {
    expect((await plan('--out', 'plan.json')).code).toBe(0);
    const file = 'spaces/default/environments/production.yaml';
    const text = await readFile(path.join(repo.dir, file), 'utf8');
    await repo.commitFile(file, text.replace('UseGuidedFailure: true', 'UseGuidedFailure: false'), 'production without guided failure');

    destination.knobs.resetCounts();
    const run = await apply('--plan', 'plan.json');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the saved plan is stale');
    expect(run.stderr).toContain('the commit moved');
    expect(writes(destination)).toEqual({ POST: 0, PUT: 0, DELETE: 0 });
  });

  it('refuses a saved plan made before a change by hand on the destination', async () => {
    expect((await plan('--out', 'plan.json')).code).toBe(0);
    const made = await simHttp(destination).post('/api/Spaces-1/environments', { Name: 'Made By Hand' });
    expect(made.status).toBe(201);

    destination.knobs.resetCounts();
    const run = await apply('--plan', 'plan.json');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the saved plan is stale');
    expect(run.stderr).toContain('the destination changed');
    expect(writes(destination)).toEqual({ POST: 0, PUT: 0, DELETE: 0 });
  });

  it('lists secrets nothing supplies (missingSecrets: error) and refuses to apply anything', async () => {
    await writeDestination({ missingSecrets: undefined });
    const planned = await plan();
    expect(planned.code).toBe(1);
    expect(planned.stdout).toMatch(/^! .*has no value in the overlay or the destination/m);

    destination.knobs.resetCounts();
    const applied = await apply('--destination', 'production', '--auto-approve');
    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain('nothing was applied');
    expect(applied.stderr).toContain('have no value');
    expect(writes(destination)).toEqual({ POST: 0, PUT: 0, DELETE: 0 });
  });

  it('recovers from an apply killed midway: takes over its lock, converges, duplicates nothing', async () => {
    await destination.close();
    destination = await emptyDestination({ latencyMs: 20 });
    env.DEST_KEY = destination.apiKey;
    await writeDestination();

    const child = spawn(process.execPath, [BIN, 'apply', '--repo', repo.dir, '--destination', 'production', '--auto-approve'], { cwd: work, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
    const deadline = Date.now() + 20_000;
    while (writes(destination).POST < 5 && child.exitCode === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(child.exitCode, `apply ended before it was killed:\n${output}`).toBeNull();
    expect(writes(destination).POST).toBeGreaterThanOrEqual(5);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    // The killed process could not release its lock.
    expect(existsSync(path.join(repo.dir, '.octosync', 'destinations', 'production', 'apply.lock'))).toBe(true);
    // The killed run is the last attempt in the status, marked as interrupted.
    expect((await readStatus(path.join(repo.dir, '.octosync'), 'production')).lastAttempt?.error).toBe('interrupted: the apply did not finish');

    destination.knobs.latencyMs = 0;
    const again = await apply('--destination', 'production', '--auto-approve');
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Applied to production: \d+ created/m);
    expect(existsSync(path.join(repo.dir, '.octosync', 'destinations', 'production', 'apply.lock'))).toBe(false);

    const after = await plan('--detailed-exitcode');
    expect(after.stdout).toContain('No changes');
    expect(after.code).toBe(0);
    await expectNoDuplicates(destination);
  });
});

describe('an apply killed right after a create', () => {
  it('has recorded what it created: pruned once the repository drops it', async () => {
    const repo = await stateRepo();
    const destination = await emptyDestination();
    const proxy = await lyingProxy(destination.url);
    const work = await mkdtemp(path.join(tmpdir(), 'octosync-kill-'));
    try {
      await repo.snapshot(source);
      await repo.writeSecret('webshop-tls.b64', Buffer.from(SAMPLE_CERTIFICATE_PEM).toString('base64'));
      await repo.writeDestination('production', {
        server: proxy.url,
        apiKey: { env: 'DEST_KEY' },
        branch: 'source',
        missingSecrets: 'placeholder',
        prune: true,
        overlays: { secrets: { 'certificates/Web Shop TLS': { CertificateData: { valueFrom: { file: 'webshop-tls.b64' } } }, 'git-credentials/GitHub deploy bot': { 'Details.Password': { valueFrom: { env: 'GIT_TOKEN' } } } } },
      });
      const env = { DEST_KEY: destination.apiKey, GIT_TOKEN: 'test-git-token' };
      const teamsBefore = ((await simHttp(destination).get('/api/Spaces-1/teams/all')).body as { Name: string }[]).map((t) => t.Name);
      const child = spawn(process.execPath, [BIN, 'apply', '--repo', repo.dir, '--destination', 'production', '--auto-approve'], { cwd: work, env: childEnv(env), stdio: 'ignore' });
      const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
      // Killed when the destination has created a team, before octosync hears of it.
      proxy.onAnswer = (method, pathname, status) => {
        if (method === 'POST' && /\/teams$/.test(pathname) && status === 201) child.kill('SIGKILL');
      };
      expect(await exited).toBe('SIGKILL');
      proxy.onAnswer = undefined;
      const created = ((await simHttp(destination).get('/api/Spaces-1/teams/all')).body as { Name: string }[])
        .map((t) => t.Name)
        .filter((name) => !teamsBefore.includes(name) && name !== 'Release Managers'); // a process refers to that one
      expect(created.length).toBeGreaterThan(0);

      // The repository drops the teams the killed apply created.
      for (const name of created) await repo.git().rm([`spaces/default/teams/${name.toLowerCase().replace(/ /g, '-')}.yaml`]);
      await repo.git().commit('drop teams');
      const again = await octosync(['apply', '--repo', repo.dir, '--destination', 'production', '--auto-approve'], { env, cwd: work });
      expect(again.stderr).toBe('');
      expect(again.code).toBe(0);
      const teamsAfter = ((await simHttp(destination).get('/api/Spaces-1/teams/all')).body as { Name: string }[]).map((t) => t.Name);
      for (const name of created) expect(teamsAfter).not.toContain(name);
      const after = await octosync(['plan', '--repo', repo.dir, '--destination', 'production', '--detailed-exitcode'], { env, cwd: work });
      expect(after.stdout).toContain('No changes');
    } finally {
      await proxy.close();
      await destination.close();
      await repo.cleanup();
      await rm(work, { recursive: true, force: true });
    }
  });
});

describe('watch', () => {
  it('recovers when the daemon is killed midway through an apply and started again', async () => {
    const repo = await stateRepo();
    const destination = await emptyDestination({ latencyMs: 20 });
    const work = await mkdtemp(path.join(tmpdir(), 'octosync-watch-'));
    try {
      await repo.snapshot(source);
      await repo.writeSecret('webshop-tls.b64', Buffer.from(SAMPLE_CERTIFICATE_PEM).toString('base64'));
      await repo.writeDestination('production', {
        server: destination.url,
        apiKey: { env: 'DEST_KEY' },
        branch: 'source',
        missingSecrets: 'placeholder',
        overlays: { secrets: { 'certificates/Web Shop TLS': { CertificateData: { valueFrom: { file: 'webshop-tls.b64' } } }, 'git-credentials/GitHub deploy bot': { 'Details.Password': { valueFrom: { env: 'GIT_TOKEN' } } } } },
      });
      const env = { DEST_KEY: destination.apiKey, GIT_TOKEN: 'test-git-token' };
      const args = [BIN, 'watch', '--repo', repo.dir, '--port', '0', '--poll-seconds', '1', '--drift-seconds', '0', '--log-format', 'json'];
      const spawnWatch = () => spawn(process.execPath, args, { cwd: work, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });

      const first = spawnWatch();
      const exited = new Promise((resolve) => first.once('exit', (code, signal) => resolve(signal ?? code)));
      const deadline = Date.now() + 20_000;
      while (writes(destination).POST < 5 && first.exitCode === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(writes(destination).POST).toBeGreaterThanOrEqual(5);
      first.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');

      destination.knobs.latencyMs = 0;
      const second = spawnWatch();
      let logs = '';
      second.stdout.on('data', (chunk: Buffer) => (logs += chunk.toString()));
      try {
        const head = (await repo.git().revparse(['source'])).trim();
        const until = Date.now() + 30_000;
        while ((await readStatus(path.join(repo.dir, '.octosync'), 'production')).lastApplied?.commit !== head) {
          if (Date.now() > until) throw new Error(`the restarted daemon did not converge:\n${logs}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      } finally {
        second.kill('SIGTERM');
        await new Promise((resolve) => second.once('exit', resolve));
      }
      expect(logs).not.toContain(destination.apiKey);
      const after = await octosync(['plan', '--repo', repo.dir, '--destination', 'production', '--detailed-exitcode'], { env, cwd: work });
      expect(after.code).toBe(0);
      await expectNoDuplicates(destination);
    } finally {
      await destination.close();
      await repo.cleanup();
      await rm(work, { recursive: true, force: true });
    }
  });
});

describe('watch --shard', () => {
  it('two replicas apply each destination once; one killed, the other takes its destinations within a poll interval', async () => {
    const setup = await replicaSetup(['staging', 'qa']);
    const children: ReturnType<typeof spawn>[] = [];
    const output = new Map<string, string>();
    // A poll interval of 1 s; leases that outlast a busy machine's renewals: a killed replica is
    // told by its process being gone, not by its leases running out.
    const replica = (shard: string) => {
      const args = [BIN, 'watch', '--repo', setup.url, '--state-dir', path.join(setup.work, `replica-${shard[0]}`), '--shard', shard, '--poll-seconds', '1', '--lease-seconds', '30', '--drift-seconds', '0', '--port', '0', '--log-format', 'json', '--log-level', 'debug'];
      const child = spawn(process.execPath, args, { cwd: setup.work, env: childEnv(setup.env), stdio: ['ignore', 'pipe', 'pipe'] });
      const append = (chunk: Buffer) => output.set(shard, (output.get(shard) ?? '') + chunk.toString());
      child.stdout?.on('data', append);
      child.stderr?.on('data', append);
      children.push(child);
      return child;
    };
    const tail = () => [...output].map(([shard, text]) => `--- ${shard}:\n${text.split('\n').filter((line) => !line.includes('reading the leases')).slice(-15).join('\n')}`).join('\n');
    try {
      const one = replica('1/2');
      const two = replica('2/2');
      const preferred = { staging: one.pid, qa: two.pid };
      await eventually('each replica holds the leases of its shard', async () => JSON.stringify(await setup.leaseHolders()) === JSON.stringify(Object.fromEntries(Object.entries(preferred).sort())), 90_000, tail);

      const commit = await setup.addEnvironment('Canary');
      const dirs = ['1', '2'].map((n) => path.join(setup.work, `replica-${n}`));
      for (const [name, dir] of [['staging', dirs[0]], ['qa', dirs[1]]] as const) {
        await eventually(`${name} applies the new commit`, async () => (await setup.appliedIn(dir ?? '', name)) === commit, 60_000, tail);
      }
      await new Promise((resolve) => setTimeout(resolve, 2500)); // a second applier would show itself
      for (const name of setup.destinations.keys()) {
        expect(setup.environmentCreates(name), `${name}: environments created`).toBe(1);
        expect(await setup.attemptsOf(dirs, name, commit), `${name}: attempts of the commit over both replicas`).toBe(1);
      }

      // kill -9: nothing is released. Its leases name a process that is gone (this host), so the
      // survivor takes them at its first look at the leases after that (one look per poll interval).
      const exited = new Promise<number>((resolve) => two.once('exit', () => resolve(Date.now())));
      two.kill('SIGKILL');
      const goneAt = await exited;
      await eventually('replica 1 holds every lease', async () => Object.values(await setup.leaseHolders()).every((pid) => pid === one.pid), 60_000, tail);
      // The lease is in origin a moment before the replica logs that it took it.
      const { looks } = await eventually('replica 1 logs that it took qa', () => {
        const count = looksUntil(logEntries(output.get('1/2') ?? ''), goneAt, taken('qa'));
        return count !== undefined && { looks: count };
      }, 10_000, tail);
      expect(looks, 'looks at the leases before taking qa').toBeLessThanOrEqual(1);
      const next = await setup.addEnvironment('Blue');
      for (const name of setup.destinations.keys()) {
        await eventually(`${name} applies the next commit on replica 1`, async () => (await setup.appliedIn(dirs[0] ?? '', name)) === next, 60_000, tail);
        expect(setup.environmentCreates(name), `${name}: environments created`).toBe(2);
      }
    } finally {
      for (const child of children) {
        if (child.exitCode !== null || child.signalCode !== null) continue;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await setup.close();
    }
  }, 400_000);
});

/** Names are unique per collection (per project for channels and runbooks), variables per name and scope. */
async function expectNoDuplicates(sim: Simulator): Promise<void> {
  const http = simHttp(sim);
  const list = async (collection: string) => (await http.get(`/api/Spaces-1/${collection}/all`)).body as Record<string, unknown>[];
  const duplicates = (keys: string[]) => keys.filter((key, index) => keys.indexOf(key) !== index);
  for (const collection of ['projects', 'environments', 'lifecycles', 'feeds', 'projectgroups', 'libraryvariablesets', 'tenants', 'certificates', 'tagsets']) {
    expect(duplicates((await list(collection)).map((r) => String(r.Name))), collection).toEqual([]);
  }
  for (const collection of ['channels', 'runbooks']) {
    const resources = await list(collection);
    expect(resources.length, collection).toBeGreaterThan(0);
    expect(duplicates(resources.map((r) => `${String(r.ProjectId)}/${String(r.Name)}`)), collection).toEqual([]);
  }
  const sets = await list('variables');
  expect(sets.length).toBeGreaterThan(0);
  for (const set of sets) {
    const variables = set.Variables as { Name: string; Scope?: unknown }[];
    expect(duplicates(variables.map((v) => `${v.Name} ${JSON.stringify(v.Scope ?? {})}`)), String(set.Id)).toEqual([]);
  }
}
