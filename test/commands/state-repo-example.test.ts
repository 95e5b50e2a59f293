// state-repo-example/ is exactly what a snapshot of the sample instance writes, and it validates.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSnapshot } from '../../src/commands/snapshot.js';
import { runValidate } from '../../src/commands/validate.js';
import { createOctopusClient } from '../../src/octopus/index.js';
import { listFiles, readFiles } from '../../src/repo/state-files.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';

const example = path.resolve(import.meta.dirname, '../../state-repo-example');
let sim: Simulator;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ seed: 'sample' });
  dir = await mkdtemp(path.join(tmpdir(), 'octosync-example-'));
});

afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

describe('state-repo-example', () => {
  it('matches a fresh snapshot of the sample instance', async () => {
    const client = createOctopusClient({ server: sim.url, apiKey: sim.apiKey });
    try {
      await runSnapshot({ api: client, server: 'http://localhost:8065', apiKeyEnv: 'OCTOPUS_API_KEY', repo: dir });
    } finally {
      await client.close();
    }
    const generated = (await listFiles(dir)).filter((file) => file.startsWith('spaces/') || file.startsWith('schemas/') || file === 'octosync.yaml');
    const committed = (await listFiles(example)).filter((file) => file.startsWith('spaces/') || file.startsWith('schemas/') || file === 'octosync.yaml');
    expect(committed).toEqual(generated);
    expect(await readFiles(example, committed)).toEqual(await readFiles(dir, generated));
  });

  it('validates, destinations included', async () => {
    const report = await runValidate({ repo: example });
    expect(report.errors).toEqual([]);
    expect(report.documents).toBeGreaterThan(50);
  });
});
