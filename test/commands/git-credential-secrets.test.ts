// A Git credential's password and a project's own username/password Git connection password are
// secrets: set from the destination overlay, and never in the CLI's output, plans, status files,
// the state repository and its history, the daemon's debug logs, /status, or an error, even when
// the server's error quotes the request body back.
import { execFileSync } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import type { CliIo } from '../../src/cli/io.js';
import { runApply } from '../../src/commands/apply.js';
import { renderStatusText, runStatus } from '../../src/commands/status.js';
import { GitHost, startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { lyingProxy } from '../support/lying-proxy.js';
import type { LyingProxy } from '../support/lying-proxy.js';
import { defaultProjectFields, postCreated, simHttp } from '../support/sim-http.js';
import { WatchHarness } from '../support/watch-harness.js';

const GIT_TOKEN = 'git-token-Zq81-from-the-overlay';
const CONNECTION_PASSWORD = 'connection-pw-Kx73-from-the-overlay';
const SOURCE_PASSWORDS = ['source-git-token-Pq55', 'source-connection-pw-Lm09'];
const SECRETS = [GIT_TOKEN, CONNECTION_PASSWORD, ...SOURCE_PASSWORDS];

let source: Simulator;
let destination: Simulator;
let proxy: LyingProxy;
let repo: StateRepo;
let env: Record<string, string>;

/** A project put under version control with the given Git connection credentials. */
async function versionControlled(name: string, credentials: Record<string, unknown>): Promise<void> {
  const http = simHttp(source);
  const project = (await postCreated(http, '/api/Spaces-1/projects', { Name: name, ...(await defaultProjectFields(http)) })) as Record<string, unknown>;
  const answer = await http.post(`/api/Spaces-1/projects/${String(project.Id)}/git/convert`, {
    ChangeDescription: 'Keep the configuration in Git',
    VersionControlSettings: { Type: 'VersionControlled', Url: `https://git.example.com/${name.toLowerCase().replace(/ /g, '-')}.git`, BasePath: '.octopus', DefaultBranch: 'main', Credentials: credentials },
  });
  expect(answer.status, answer.text).toBe(200);
}

beforeEach(async () => {
  const gitHost = new GitHost();
  source = await startSimulator({ seed: 'empty', gitHost });
  destination = await startSimulator({ seed: 'empty', gitHost });
  const credential = (await postCreated(simHttp(source), '/api/Spaces-1/git-credentials', {
    Name: 'GitHub deploy bot',
    Details: { Type: 'UsernamePassword', Username: 'deploy-bot', Password: { HasValue: true, NewValue: SOURCE_PASSWORDS[0] } },
  })) as Record<string, unknown>;
  await versionControlled('Pet Clinic', { Type: 'Reference', Id: credential.Id });
  await versionControlled('Clinic Billing', { Type: 'UsernamePassword', Username: 'billing-bot', Password: { HasValue: true, NewValue: SOURCE_PASSWORDS[1] } });
  proxy = await lyingProxy(destination.url);
  repo = await stateRepo();
  await repo.snapshot(source);
  await repo.writeDestination('production', {
    server: proxy.url,
    apiKey: { env: 'DEST_KEY' },
    branch: 'source',
    overlays: {
      secrets: {
        'git-credentials/GitHub deploy bot': { 'Details.Password': { valueFrom: { env: 'GIT_TOKEN' } } },
        'projects/Clinic Billing': { 'PersistenceSettings.Credentials.Password': { valueFrom: { env: 'CONNECTION_PASSWORD' } } },
      },
    },
  });
  env = { DEST_KEY: destination.apiKey, GIT_TOKEN, CONNECTION_PASSWORD };
});

afterEach(async () => {
  await proxy.close();
  await source.close();
  await destination.close();
  await repo.cleanup();
});

function expectNoPassword(text: string, where: string): void {
  for (const secret of SECRETS) {
    expect(text.includes(secret), `${where} holds a password: ${text.slice(Math.max(0, text.indexOf(secret) - 80), text.indexOf(secret) + 80)}`).toBe(false);
  }
}

/** Every file of the state repository but Git's own objects: documents, destination files, `.octosync/` (status, journal, record). */
async function everyFile(): Promise<string> {
  const entries = await readdir(repo.dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
  const own = files.filter((file) => !path.relative(repo.dir, file).split(path.sep).includes('.git'));
  expect(own.some((file) => file.includes(`${path.sep}.octosync${path.sep}`))).toBe(true);
  return (await Promise.all(own.map((file) => readFile(file, 'utf8')))).join('\n');
}

/** Runs the CLI in this process, its output captured. */
async function cli(...args: string[]): Promise<string> {
  const lines: string[] = [];
  const io: CliIo = { out: (line) => lines.push(line), err: (line) => lines.push(line), status: () => undefined, isTerminal: false, env, untilStopped: () => new Promise(() => undefined) };
  await buildProgram(io).parseAsync(['node', 'octosync', ...args]);
  return lines.join('\n');
}

/** A server whose validation error quotes the whole request body back. */
function echoing(route: RegExp, holding: string): void {
  proxy.refusals.push({
    method: 'POST',
    path: route,
    answer: (body) => (body.includes(holding) ? { status: 400, body: { ErrorMessage: `The resource is invalid: ${body}`, Errors: [`Could not save ${body}`] } } : undefined),
  });
}

describe("Git connection passwords", () => {
  it('are set from the overlay, and are in no CLI output, plan, status file, state repository file or commit', async () => {
    const output = [
      await cli('plan', '--repo', repo.dir, '--destination', 'production'),
      await cli('plan', '--repo', repo.dir, '--destination', 'production', '--output', 'json'),
      await cli('plan', '--repo', repo.dir, '--destination', 'production', '--output', 'markdown'),
      await cli('apply', '--repo', repo.dir, '--destination', 'production', '--auto-approve'),
      await cli('status', '--repo', repo.dir),
      await cli('status', '--repo', repo.dir, '--output', 'json'),
    ].join('\n');
    // Both went where they belong, and the plan says where they come from.
    expect(destination.instance.store.secretValues().sort()).toEqual([CONNECTION_PASSWORD, GIT_TOKEN].sort());
    expect(output).toContain('env GIT_TOKEN');
    expect(output).toContain('env CONNECTION_PASSWORD');
    expectNoPassword(output, 'the CLI output');
    expectNoPassword(await everyFile(), 'the state repository');
    expectNoPassword(execFileSync('git', ['log', '-p', '--all'], { cwd: repo.dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }), 'the Git history');
  }, 120_000);

  it.each([
    ["a Git credential's", /\/git-credentials$/, GIT_TOKEN],
    ["a project connection's", /\/git\/convert$/, CONNECTION_PASSWORD],
  ])("quoted back by the server in an error about %s: not in the apply error, the status file or octosync status", async (_, route, holding) => {
    echoing(route, holding);
    const error = (await runApply({ repo: repo.dir, destination: 'production', env }).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/The resource is invalid/);
    expectNoPassword(`${error.message}\n${error.stack ?? ''}\n${JSON.stringify(error)}`, 'the apply error');
    const report = await runStatus({ repo: repo.dir, env });
    expectNoPassword(`${renderStatusText(report)}\n${JSON.stringify(report)}`, 'octosync status');
    expectNoPassword(await everyFile(), 'the state repository');
  });

  it("are in none of the daemon's debug logs or /status, with the server quoting them back", async () => {
    echoing(/\/git\/convert$/, CONNECTION_PASSWORD);
    const daemon = new WatchHarness(repo);
    const watch = await daemon.start({ env, port: 0, pollIntervalMs: 60_000, driftIntervalMs: 0 });
    try {
      await daemon.eventually('the apply has failed', async () => daemon.logs.join('').includes('apply failed'), 30_000);
      const text = daemon.logs.join('');
      expect(text).toContain('The resource is invalid');
      // The credential was created on the way, its password set.
      expect(destination.instance.store.secretValues()).toContain(GIT_TOKEN);
      expectNoPassword(text, 'the logs');
      expectNoPassword(await (await fetch(`${watch.url}/status`)).text(), '/status');
      expectNoPassword(await (await fetch(`${watch.url}/`)).text(), 'the status page');
    } finally {
      await daemon.stop();
    }
  }, 60_000);
});
