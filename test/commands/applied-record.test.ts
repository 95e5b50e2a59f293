// What a destination last applied travels with the state repository: a plan made in a fresh CI
// clone (the README's recipe, with only the variables a CI job has) shows the same creates,
// updates and deletes as one made where the daemon runs. Two clones of one origin, a source and a
// destination simulator over real HTTP.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import type { CliIo } from '../../src/cli/io.js';
import { planExitCode } from '../../src/cli/plan.js';
import { runApply } from '../../src/commands/apply.js';
import { preparePlan } from '../../src/commands/plan.js';
import type { Plan } from '../../src/core/plan.js';
import { documentKey } from '../../src/core/plan.js';
import { renderPlanMarkdown, renderPlanText } from '../../src/core/render-plan.js';
import { parseYaml } from '../../src/repo/yaml.js';
import { appliedRecordRef } from '../../src/state/applied-record.js';
import { SAMPLE_CERTIFICATE_PEM } from '../../src/simulator/seeds/sample-certificate.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { createAccounts, writes } from '../support/destinations.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { simHttp } from '../support/sim-http.js';

let source: Simulator;
let destination: Simulator;
let daemon: StateRepo;
let dirs: string[];
let origin: string;
let daemonEnv: Record<string, string>;

const git = (dir: string, ...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } }).trim();

function destinationFile(secretEnv: string): Record<string, unknown> {
  return {
    server: destination.url,
    apiKey: { env: 'OCTOPUS_PROD_API_KEY' },
    branch: 'production',
    prune: true,
    missingSecrets: 'placeholder',
    overlays: {
      variables: { projects: { 'Web Shop': [{ name: 'ConnectionStrings:Shop', scope: { Environment: ['Production'] }, value: { valueFrom: { env: secretEnv } } }] } },
      secrets: { 'certificates/Web Shop TLS': { CertificateData: { valueFrom: { env: 'PROD_TLS_DATA' } } }, 'git-credentials/GitHub deploy bot': { 'Details.Password': { valueFrom: { env: 'GIT_TOKEN' } } } },
    },
  };
}

/** A clone as `actions/checkout` with `fetch-depth: 0` makes one: origin's branches, the commit under review checked out. */
async function ciClone(commit: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'octosync-ci-'));
  dirs.push(dir);
  git(dir, 'init', '--quiet');
  git(dir, 'remote', 'add', 'origin', origin);
  git(dir, 'fetch', '--quiet', 'origin', '+refs/heads/*:refs/remotes/origin/*');
  git(dir, 'checkout', '--quiet', '--detach', commit);
  return dir;
}

async function planAt(repo: string, ref: string, env: Record<string, string>): Promise<Plan> {
  const prepared = await preparePlan({ repo, destination: 'production', ref, env });
  await prepared.client.close();
  return prepared.plan;
}

beforeEach(async () => {
  dirs = [];
  source = await startSimulator({ seed: 'sample' });
  destination = await startSimulator({ seed: 'empty' });
  await createAccounts(source, destination);
  daemon = await stateRepo();
  origin = await mkdtemp(path.join(tmpdir(), 'octosync-origin-'));
  dirs.push(origin);
  git(origin, 'init', '--quiet', '--bare');
  daemonEnv = {
    OCTOPUS_PROD_API_KEY: destination.apiKey,
    PROD_SHOP_DB: 'Server=prod-sql;Password=first-secret',
    PROD_SHOP_DB_V2: 'Server=prod-sql-2;Password=second-secret',
    PROD_TLS_DATA: Buffer.from(SAMPLE_CERTIFICATE_PEM).toString('base64'),
    GIT_TOKEN: 'test-git-token',
  };
  await daemon.snapshot(source);
  await daemon.writeDestination('production', destinationFile('PROD_SHOP_DB'));
  git(daemon.dir, 'branch', 'production');
  git(daemon.dir, 'remote', 'add', 'origin', origin);
  git(daemon.dir, 'push', '--quiet', 'origin', 'source', 'production');
  // Where the daemon runs: it applies the branch the destination follows, and pushes its record.
  await runApply({ repo: daemon.dir, destination: 'production', env: daemonEnv });

  // At the source: a project deleted, an environment renamed; in the overlay, a secret's source changed.
  const http = simHttp(source);
  const projects = (await http.get('/api/Spaces-1/projects/all')).body as { Id: string; Name: string }[];
  expect((await http.del(`/api/Spaces-1/projects/${projects.find((p) => p.Name === 'Legacy Reports')?.Id}`)).status).toBeLessThan(300);
  const environments = (await http.get('/api/Spaces-1/environments/all')).body as { Id: string; Name: string }[];
  const staging = environments.find((e) => e.Name === 'Staging') as { Id: string };
  const current = (await http.get(`/api/Spaces-1/environments/${staging.Id}`)).body as Record<string, unknown>;
  expect((await http.put(`/api/Spaces-1/environments/${staging.Id}`, { ...current, Name: 'Pre-production' })).status).toBe(200);
  await daemon.snapshot(source);
  await daemon.writeDestination('production', destinationFile('PROD_SHOP_DB_V2'));
  git(daemon.dir, 'push', '--quiet', 'origin', 'source');
}, 60_000);

afterEach(async () => {
  await source.close();
  await destination.close();
  await daemon.cleanup();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('what a destination last applied, in the state repository', () => {
  it('a fresh clone plans the same creates, updates and deletes as the daemon side, with no secret value', async () => {
    const head = git(daemon.dir, 'rev-parse', 'source');
    const daemonSide = await planAt(daemon.dir, 'source', daemonEnv);
    const ci = await ciClone(head);
    const fresh = await planAt(ci, 'HEAD', { OCTOPUS_PROD_API_KEY: destination.apiKey });

    // The commit deletes a project (with what it owns) and renames an environment.
    const deletes = daemonSide.changes.filter((c) => c.action === 'delete').map((c) => `${c.kind} ${c.name}`);
    expect(deletes).toEqual(expect.arrayContaining(['projects Legacy Reports']));
    expect(daemonSide.changes.find((c) => c.action === 'update' && c.renamedFrom === 'Staging' && c.name === 'Pre-production')).toBeDefined();
    // A secret whose source changed is set again, said without its value: a CI job without the variable plans it too.
    const secretChanges = (plan: Plan) => plan.changes.flatMap((c) => c.secrets.map((s) => `${c.name} ${s.path} ${s.action} ${s.from ?? ''}`));
    expect(secretChanges(daemonSide)).toContain('Web Shop Variables[ConnectionStrings:Shop{Environment=Production}] set env:PROD_SHOP_DB_V2');

    expect(fresh.incomplete).toBeUndefined();
    expect(fresh.problems).toEqual([]);
    expect(fresh.changes).toEqual(daemonSide.changes);
    expect(fresh.summary).toEqual(daemonSide.summary);
    expect(renderPlanMarkdown(fresh)).toBe(renderPlanMarkdown(daemonSide));
    expect(renderPlanText(fresh)).toContain('secret set from env PROD_SHOP_DB_V2 at apply');
    for (const value of Object.values(daemonEnv)) expect(JSON.stringify(fresh)).not.toContain(value);
  });

  it('records, before an apply writes, what it may create, so a killed apply leaves nothing a plan elsewhere cannot see', async () => {
    git(daemon.dir, 'push', '--quiet', 'origin', 'source:production');
    git(daemon.dir, 'fetch', '--quiet', 'origin', 'production:production');
    let seenWhileWriting: { inProgress?: boolean; documents: string[] } | undefined;
    await runApply({
      repo: daemon.dir,
      destination: 'production',
      env: daemonEnv,
      progress: () => {
        // Origin's record as a plan made elsewhere would read it, in the middle of the apply.
        seenWhileWriting ??= JSON.parse(git(origin, 'show', `${appliedRecordRef('production')}:applied.json`)) as { inProgress?: boolean; documents: string[] };
      },
    });
    expect(seenWhileWriting?.inProgress).toBe(true);
    expect(seenWhileWriting?.documents).toContain(documentKey('Default', 'environments', 'Pre-production'));
    const after = JSON.parse(git(origin, 'show', `${appliedRecordRef('production')}:applied.json`)) as { inProgress?: boolean; documents: string[]; commit: string };
    expect(after.inProgress).toBeUndefined();
    expect(after.commit).toBe(git(daemon.dir, 'rev-parse', 'production'));
    expect(after.documents).not.toContain(documentKey('Default', 'projects', 'Legacy Reports'));
    expect(JSON.stringify(after)).not.toContain('second-secret');
  });

  it('a plan that cannot read the record says so at the top, exits 1 with --detailed-exitcode, and apply refuses before any write', async () => {
    const ci = await ciClone(git(daemon.dir, 'rev-parse', 'source'));
    git(ci, 'remote', 'set-url', 'origin', path.join(origin, 'gone'));
    const plan = await planAt(ci, 'HEAD', { OCTOPUS_PROD_API_KEY: destination.apiKey });
    expect(plan.incomplete?.[0]).toMatch(/what destination 'production' last applied \(refs\/octosync\/applied\/production\) could not be read/);
    expect(renderPlanText(plan).split('\n')[0]).toMatch(/^! INCOMPLETE PLAN: /);
    expect(renderPlanMarkdown(plan)).toMatch(/^### octosync plan for `production`\n\n> \[!CAUTION\]\n> \*\*This plan may be incomplete.\*\*/);
    expect(planExitCode(plan, true)).toBe(1);
    destination.knobs.resetCounts();
    await expect(runApply({ repo: ci, destination: 'production', ref: 'HEAD', env: daemonEnv })).rejects.toThrow();
    expect(writes(destination)).toEqual({ POST: 0, PUT: 0, DELETE: 0 });
  });
});

describe("the README's CI recipe", () => {
  const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

  /** The `run:` steps of the README's workflow that call octosync, as a CI job runs them. */
  function recipeCommands(): string[][] {
    const section = README.slice(README.indexOf('## In CI, on pull requests'));
    const workflow = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] as string;
    const steps = (parseYaml(workflow, 'README workflow').value as { jobs: { plan: { steps: { run?: string }[] } } }).jobs.plan.steps;
    return steps
      .map((step) => step.run ?? '')
      .filter((run) => run.startsWith('octosync '))
      .map((run) => run.replace(/\s*>\s*\S+$/, '').split(/\s+/).slice(1));
  }

  it('run in a fresh clone with only the variables the job has, posts the plan the daemon side makes', async () => {
    const commands = recipeCommands();
    expect(commands.map((args) => args[0])).toEqual(['validate', 'plan']);
    const ci = await ciClone(git(daemon.dir, 'rev-parse', 'source'));
    const outputs: string[] = [];
    for (const args of commands) {
      const out: string[] = [];
      const io: CliIo = { out: (line) => out.push(line), err: (line) => out.push(line), status: () => undefined, isTerminal: false, env: { OCTOPUS_PROD_API_KEY: destination.apiKey }, untilStopped: async () => undefined };
      process.exitCode = undefined;
      await buildProgram(io).parseAsync(['node', 'octosync', ...args.map((arg) => (arg === '.' ? ci : arg))]);
      expect(process.exitCode ?? 0, out.join('\n')).toBe(0);
      outputs.push(out.join('\n'));
    }
    process.exitCode = undefined;
    const comment = outputs[1] as string;
    expect(comment).toBe(renderPlanMarkdown(await planAt(daemon.dir, 'source', daemonEnv)).trimEnd());
    expect(comment).toMatch(/\*\*\d+ to create, \d+ to update, [1-9]\d* to delete\.\*\*/);
  });
});
