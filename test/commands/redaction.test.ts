// Every secret value octosync knows (what overlays supply, the API key) is redacted from what it
// prints, logs, stores and serves, including a server's error that quotes the request body back.
import { Writable } from 'node:stream';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runApply } from '../../src/commands/apply.js';
import { renderStatusText, runStatus } from '../../src/commands/status.js';
import { createLogger } from '../../src/daemon/logger.js';
import { statusFile } from '../../src/state/status-store.js';
import { startWatch } from '../../src/daemon/watch.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { createAccounts } from '../support/destinations.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { lyingProxy } from '../support/lying-proxy.js';
import type { LyingProxy } from '../support/lying-proxy.js';

const DB_SECRET = 'Server=prod-sql;Password=Pr0d-only-s3cret!';
const TLS_PASSWORD = 'tls-password-from-the-overlay';
const MULTILINE = 'first line of a long secret\nsecond line of that secret';

let source: Simulator;
let destination: Simulator;
let proxy: LyingProxy;
let repo: StateRepo;
let env: Record<string, string>;

beforeEach(async () => {
  source = await startSimulator({ seed: 'sample' });
  destination = await startSimulator({ seed: 'empty' });
  await createAccounts(source, destination);
  proxy = await lyingProxy(destination.url);
  repo = await stateRepo();
  await repo.snapshot(source);
  await repo.writeSecret('multi-line', MULTILINE);
  await repo.writeDestination('production', {
    server: proxy.url,
    apiKey: { env: 'DEST_KEY' },
    branch: 'source',
    missingSecrets: 'placeholder',
    overlays: {
      variables: { projects: { 'Web Shop': [{ name: 'ConnectionStrings:Shop', scope: { Environment: ['Production'] }, value: { valueFrom: { env: 'PROD_SHOP_DB' } } }] } },
      secrets: {
        'certificates/Web Shop TLS': { CertificateData: { valueFrom: { env: 'TLS_DATA' } }, Password: { valueFrom: { env: 'TLS_PASSWORD' } } },
        'git-credentials/GitHub deploy bot': { 'Details.Password': { valueFrom: { env: 'GIT_TOKEN' } } },
        'feeds/Internal NuGet': { Password: { valueFrom: { file: 'multi-line' } } },
      },
    },
  });
  env = { DEST_KEY: destination.apiKey, PROD_SHOP_DB: DB_SECRET, GIT_TOKEN: 'test-git-token', TLS_PASSWORD, TLS_DATA: Buffer.from('not really a certificate').toString('base64') };
});

afterEach(async () => {
  await proxy.close();
  await source.close();
  await destination.close();
  await repo.cleanup();
});

function expectNoSecret(text: string, where: string): void {
  for (const secret of [DB_SECRET, TLS_PASSWORD, destination.apiKey, 'first line of a long secret', 'second line of that secret', JSON.stringify(DB_SECRET).slice(1, -1)]) {
    expect(text.includes(secret), `${where} holds a secret: ${text.slice(Math.max(0, text.indexOf(secret) - 80), text.indexOf(secret) + 80)}`).toBe(false);
  }
}

/** A server whose validation error quotes the whole request body back, secrets included. */
function echoing(method: string, path: RegExp, holding: string): void {
  proxy.refusals.push({
    method,
    path,
    answer: (body) => (body.includes(holding) ? { status: 400, body: { ErrorMessage: `The resource is invalid: ${body}`, Errors: [`Could not save ${body}`] } } : undefined),
  });
}

describe('a server error that quotes the request', () => {
  it.each([
    ['a variable set with a sensitive value', 'PUT', /\/variables\//, DB_SECRET],
    ['a feed with a multi-line password', 'POST', /\/feeds$/, 'second line'],
  ])('quoting %s: no secret in the apply error, the status file or octosync status', async (_, method, route, holding) => {
    echoing(method, route, holding);
    const error = (await runApply({ repo: repo.dir, destination: 'production', env }).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error;
    expect(error).toBeInstanceOf(Error);
    // The echo happened: the error quotes the request, with the secrets taken out.
    expect(error.message).toMatch(/The resource is invalid/);
    expectNoSecret(`${error.message}\n${error.stack ?? ''}\n${JSON.stringify(error)}`, 'the apply error');
    expectNoSecret(await readFile(statusFile(path.join(repo.dir, '.octosync'), 'production'), 'utf8'), 'status.json');
    const report = await runStatus({ repo: repo.dir, env });
    expectNoSecret(renderStatusText(report), 'octosync status');
    expectNoSecret(JSON.stringify(report), 'octosync status --output json');
  });

  it('puts no secret in the daemon’s logs or /status', async () => {
    echoing('PUT', /\/variables\//, DB_SECRET);
    const logs: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, callback) {
        logs.push(String(chunk));
        callback();
      },
    });
    const watch = await startWatch({ repo: repo.dir, env, logger: createLogger({ level: 'debug', destination: sink }), port: 0, pollIntervalMs: 60_000, driftIntervalMs: 0 });
    try {
      const deadline = Date.now() + 30_000;
      while (!logs.join('').includes('apply failed') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(logs.join('')).toContain('The resource is invalid');
      expectNoSecret(logs.join(''), 'the logs');
      expectNoSecret(await (await fetch(`${watch.url}/status`)).text(), '/status');
    } finally {
      await watch.stop();
    }
  });
});
