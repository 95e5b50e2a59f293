// A pull request must not be able to send a destination's API key anywhere: the server and key
// of a plan come from the destination file on the followed branch as the remote has it, never
// from the ref under review. Each variant plans a pull request's head in a CI clone (only
// `origin/<branch>` exists there) against an attacker's HTTP listener that must never be called.
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preparePlan } from '../../src/commands/plan.js';
import { gitEnvironment } from '../../src/repo/git.js';
import { formatYaml } from '../../src/repo/yaml.js';
import type { Json } from '../../src/core/document.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';

interface Listener {
  url: string;
  requests: { url: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** The attacker's server: it records whatever reaches it and answers like an Octopus root. */
async function attackerListener(): Promise<Listener> {
  const requests: Listener['requests'] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ Application: 'Octopus Deploy', Version: '2025.2.1', ApiVersion: '3.0.0', Links: {} }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let source: Simulator;
let destination: Simulator;
let attacker: Listener;
let origin: StateRepo;
let work: string;
let keyFile: string;
const env: Record<string, string> = {};

const legit = () => ({ server: destination.url, apiKey: { env: 'DEST_KEY' }, branch: 'production' });
const yaml = (body: Record<string, unknown>) => formatYaml(body as Json);
const git = (dir: string) => simpleGit(dir).env(gitEnvironment(process.env));

beforeAll(async () => {
  source = await startSimulator({ seed: 'empty' });
  destination = await startSimulator({ seed: 'empty' });
  attacker = await attackerListener();
  work = await mkdtemp(path.join(tmpdir(), 'octosync-trust-'));
  keyFile = path.join(work, 'stolen-key');
  await writeFile(keyFile, 'API-FROMAFILETHEPRSHOULDNOTREAD\n');
  Object.assign(env, { DEST_KEY: destination.apiKey, OTHER_SECRET: 'API-ANOTHERSECRETOFTHECI' });
  origin = await stateRepo();
  await origin.snapshot(source);
  await origin.writeDestination('production', legit());
  await origin.git().branch(['production']);
}, 60_000);

afterAll(async () => {
  await Promise.all([source.close(), destination.close(), attacker.close()]);
  await origin.cleanup();
  await rm(work, { recursive: true, force: true });
});

/**
 * A CI clone of the origin whose HEAD is a pull request's head (detached): the followed branch
 * exists only as `origin/production`. `pushed` puts the change on a branch of the origin too.
 */
async function ciCloneWithChange(name: string, file: Record<string, unknown> | undefined, pushed?: string): Promise<string> {
  const base = (await origin.git().revparse(['production'])).trim();
  if (pushed) {
    await origin.git().raw(['branch', '--force', pushed, base]);
    await origin.git().checkout(pushed);
    await origin.commitFile(`destinations/${name}.yaml`, yaml(file ?? {}), `change ${name}`);
    await origin.git().checkout('source');
  }
  const clone = path.join(work, `ci-${Math.random().toString(36).slice(2)}`);
  await git(work).clone(origin.dir, clone);
  await git(clone).raw(['checkout', '--quiet', '--detach', pushed ? `origin/${pushed}` : 'origin/production']);
  if (!pushed && file) {
    await mkdir(path.join(clone, 'destinations'), { recursive: true });
    await writeFile(path.join(clone, 'destinations', `${name}.yaml`), yaml(file));
    await git(clone).add('.');
    await git(clone).commit(`pull request: change ${name}`);
  }
  return clone;
}

/** Plans `ref` (null: no --ref) of a destination in a clone. */
async function planIn(clone: string, name = 'production', ref: string | null = 'HEAD') {
  const prepared = await preparePlan({ repo: clone, destination: name, ...(ref === null ? {} : { ref }), env });
  await prepared.client.close();
  return prepared.plan;
}

function neverCalled(): void {
  expect(attacker.requests).toEqual([]);
}

describe('a pull request cannot redirect a destination', () => {
  const evil = () => attacker.url;
  const variants: [string, () => Record<string, unknown>][] = [
    ['changes server: alone', () => ({ ...legit(), server: evil() })],
    ['removes branch: and changes server:', () => ({ server: evil(), apiKey: { env: 'DEST_KEY' } })],
    ['points branch: at a missing branch', () => ({ ...legit(), server: evil(), branch: 'no-such-branch' })],
    ['sends another environment variable as the key', () => ({ ...legit(), server: evil(), apiKey: { env: 'OTHER_SECRET' } })],
    ['reads the key from a file', () => ({ ...legit(), server: evil(), apiKey: { file: keyFile } })],
    ['removes branch: and reads the key from a file', () => ({ server: evil(), apiKey: { file: keyFile } })],
  ];

  it.each(variants)('%s: planned with the followed branch’s server and key, saying the change waits for the merge', async (_, change) => {
    attacker.requests.length = 0;
    const clone = await ciCloneWithChange('production', change());
    const plan = await planIn(clone);
    neverCalled();
    expect(plan.notices.join('\n')).toMatch(/destinations\/production\.yaml .*takes effect only once merged into production/);
  });

  it('reading the key from a file while keeping the server: the followed key is used, not the file', async () => {
    attacker.requests.length = 0;
    const clone = await ciCloneWithChange('production', { ...legit(), apiKey: { file: keyFile } });
    // The destination answers 401 to any other key: planning works only with the followed one.
    const plan = await planIn(clone);
    expect(plan.notices.join('\n')).toContain('apiKey');
  });

  it('points branch: at its own branch: refused as ambiguous, no request sent', async () => {
    attacker.requests.length = 0;
    const clone = await ciCloneWithChange('production', { ...legit(), server: evil(), branch: 'proposal' }, 'proposal');
    await expect(planIn(clone, 'production', 'origin/proposal')).rejects.toThrow(/production.*proposal|proposal.*production/);
    neverCalled();
    await origin.git().raw(['branch', '-D', 'proposal']);
  });

  it('without --ref, a CI checkout of the change still plans the followed branch with its connection', async () => {
    attacker.requests.length = 0;
    const clone = await ciCloneWithChange('production', { server: evil(), apiKey: { env: 'DEST_KEY' } });
    const plan = await planIn(clone, 'production', null);
    neverCalled();
    expect(plan.commit).toBe((await git(clone).revparse(["origin/production"])).trim());
  });

  it('a destination no branch follows (added by the change itself) is refused with --ref', async () => {
    attacker.requests.length = 0;
    const clone = await ciCloneWithChange('newcomer', { server: evil(), apiKey: { env: 'DEST_KEY' }, branch: 'newcomer' });
    await expect(planIn(clone, 'newcomer')).rejects.toThrow(/no branch.*newcomer|newcomer.*no branch/i);
    neverCalled();
  });
});
