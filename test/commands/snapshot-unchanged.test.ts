// What a snapshot does with what did not change: a document whose body is the same as at the
// previous snapshot (of the same long-running process) is not serialized again, and a file the
// branch and the working tree already hold as desired is neither read nor written; but a file
// edited or deleted in the working tree is still put back.
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSnapshot } from '../../src/commands/snapshot.js';
import { createOctopusClient } from '../../src/octopus/index.js';
import type { OctopusClient } from '../../src/octopus/index.js';
import { DocumentTexts } from '../../src/repo/document-texts.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { simHttp } from '../support/sim-http.js';

let source: Simulator;
let client: OctopusClient;
let repo: StateRepo;
const DEV = 'spaces/default/environments/dev.yaml';

beforeEach(async () => {
  source = await startSimulator({ seed: 'sample' });
  client = createOctopusClient({ server: source.url, apiKey: source.apiKey });
  repo = await stateRepo();
});

afterEach(async () => {
  await client.close();
  await source.close();
  await repo.cleanup();
});

const snapshot = (texts?: DocumentTexts) => runSnapshot({ api: client, server: source.url, apiKeyEnv: 'OCTOPUS_API_KEY', repo: repo.dir, ...(texts ? { texts } : {}) });

async function describeDev(text: string): Promise<void> {
  const http = simHttp(source);
  const environment = ((await http.get('/api/Spaces-1/environments/all')).body as { Id: string; Name: string }[]).find((e) => e.Name === 'Dev');
  await http.put(`/api/Spaces-1/environments/${environment?.Id}`, { ...environment, Description: text });
}

describe('a snapshot of what did not change', () => {
  it('serializes only the documents whose body changed since the previous snapshot of the process', async () => {
    const texts = new DocumentTexts();
    const first = await snapshot(texts);
    expect(first.documents).toBeGreaterThan(20);
    expect(first.serialized).toBe(first.documents);

    const second = await snapshot(texts);
    expect(second.commit).toBeUndefined();
    expect(second.serialized).toBe(0);

    await describeDev('only this one changed');
    const third = await snapshot(texts);
    expect(third.serialized).toBe(1);
    expect(third.changes).toEqual({ added: [], changed: [DEV], removed: [] });
    expect(await repo.git().show([`source:${DEV}`])).toContain('only this one changed');

    // Without the texts of a previous snapshot, every document is serialized (the same bytes).
    const fresh = await snapshot();
    expect(fresh.serialized).toBe(fresh.documents);
    expect(fresh.commit).toBeUndefined();
  });

  it('puts back a file edited or deleted in the working tree, though the branch already has it', async () => {
    await snapshot();
    const committed = await readFile(path.join(repo.dir, DEV), 'utf8');
    const production = path.join(repo.dir, 'spaces/default/environments/production.yaml');
    const productionText = await readFile(production, 'utf8');
    await writeFile(path.join(repo.dir, DEV), 'Name: edited by hand\n');
    await rm(production);

    const again = await snapshot();
    expect(again.commit).toBeUndefined();
    expect(await readFile(path.join(repo.dir, DEV), 'utf8')).toBe(committed);
    expect(await readFile(production, 'utf8')).toBe(productionText);
    expect(await repo.git().raw(['status', '--porcelain'])).toBe('');
  });
});
