// A destination's notification webhook receives JSON Slack and Teams accept ({"text": ...}) when
// an apply fails, when it succeeds after the failure, and when drift is found (once, not at every
// check); `octosync history` then tells the same story, as text and as JSON.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { buildProgram } from '../../src/cli/program.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { createAccounts } from '../support/destinations.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { WatchHarness, changeByHand, destinationBody } from '../support/watch-harness.js';

let source: Simulator;
let staging: Simulator;
let repo: StateRepo;
let h: WatchHarness;
let hook: Server;
let received: { contentType?: string; body: { text: string } }[];

beforeEach(async () => {
  received = [];
  hook = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ contentType: req.headers['content-type'], body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text: string } });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', () => resolve()));
  source = await startSimulator({ seed: 'sample' });
  staging = await startSimulator({ seed: 'empty' });
  await createAccounts(source, staging);
  repo = await stateRepo();
  h = new WatchHarness(repo);
  await repo.snapshot(source);
  await repo.writeDestination('staging', destinationBody(staging, 'staging', { notify: { webhook: { env: 'STAGING_HOOK' } } }));
  await repo.git().branch(['staging']);
});

afterEach(async () => {
  await h.stop();
  await Promise.all([source.close(), staging.close(), new Promise((resolve) => hook.close(resolve))]);
  await repo.cleanup();
});

describe('notifications and history', () => {
  it('posts on a failed apply, on the apply after it, and on drift found; history shows them', { timeout: 60_000 }, async () => {
    const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/services/T000/B000/secret`;
    await h.start({ env: { STAGING_KEY: staging.apiKey, GIT_TOKEN: 'test-git-token', TLS_DATA: 'eA==', STAGING_HOOK: hookUrl }, pollIntervalMs: 300, driftIntervalMs: 500, retry: { baseMs: 100, maxMs: 200 } });
    await h.untilApplied('staging', 'staging');
    await h.commitOn('staging', 'spaces/default/projects/web-shop/variables.yaml', (text) => text.replace('Variables:\n', 'Variables:\n  - Name: Aws.Extra\n    Type: AmazonWebServicesAccount\n    Value: AWS Nowhere\n'), 'use an account staging does not have');
    const bad = await h.head('staging');
    await h.eventually('the failure is posted', async () => received.some((r) => r.body.text.includes('failed')));
    await h.revertOn('staging');
    await h.untilApplied('staging', 'staging');
    await h.eventually('the recovery is posted', async () => received.some((r) => r.body.text.includes('after a failed apply')));
    await changeByHand(staging);
    await h.eventually('the drift is posted', async () => received.some((r) => r.body.text.includes('made outside the repository')));
    // Checks go on finding the same drift; it is posted once.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const texts = received.map((r) => r.body.text);
    expect(texts.filter((t) => t.includes('made outside the repository'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('failed:'))).toHaveLength(1);
    expect(texts.find((t) => t.includes('failed:'))).toContain(`octosync · staging: the apply of ${bad.slice(0, 12)} failed:`);
    expect(texts.find((t) => t.includes('made outside'))).toContain('~ environment Dev');
    for (const r of received) expect(r.contentType).toBe('application/json');
    expect(h.logs.join('')).not.toContain('/services/T000/B000/secret');

    const out: string[] = [];
    const io: CliIo = { out: (line) => out.push(line), err: (line) => out.push(line), status: () => undefined, isTerminal: false, env: process.env, untilStopped: async () => undefined };
    await buildProgram(io).parseAsync(['node', 'octosync', 'history', '--destination', 'staging', '--repo', repo.dir]);
    const text = out.join('\n');
    expect(text).toMatch(new RegExp(`failed {4}  ${bad.slice(0, 12)} use an account staging does not have`));
    expect(text).toMatch(/no-changes {2}[0-9a-f]{12} Revert "use an account staging does not have" {2}\(\d+\.\d s, 0 writes\)/);
    expect(text).toMatch(/success {3} {2}[0-9a-f]{12} destination staging {2}\(\d+\.\d s, \d+ writes\)/);
    out.length = 0;
    await buildProgram(io).parseAsync(['node', 'octosync', 'history', '--destination', 'staging', '--repo', repo.dir, '--output', 'json']);
    const entries = JSON.parse(out.join('\n')) as { commit: string; result: string; subject?: string; durationMs?: number }[];
    expect(entries.map((e) => e.result)).toEqual(['no-changes', 'failed', 'success']);
    expect(entries[1]).toMatchObject({ commit: bad, subject: 'use an account staging does not have', durationMs: expect.any(Number) });
  });
});
