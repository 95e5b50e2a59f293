// Every link the simulator advertises on a document is served: a client following Links never hits a 404.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { simHttp } from '../support/sim-http.js';

const COLLECTIONS = [
  'environments', 'workerpools', 'machinepolicies', 'tagsets', 'certificates', 'feeds', 'lifecycles', 'libraryvariablesets',
  'actiontemplates', 'projectgroups', 'teams', 'scopeduserroles', 'tenants', 'projects', 'channels', 'runbooks', 'accounts', 'machines', 'workers',
];

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 'sample' });
});
afterAll(async () => {
  await sim.close();
});

describe('links', () => {
  it('serves every link of every document in the sample', async () => {
    const http = simHttp(sim);
    const broken: string[] = [];
    for (const collection of COLLECTIONS) {
      const docs = (await http.get(`/api/Spaces-1/${collection}/all`)).body as { Links: Record<string, string> }[];
      const links = new Set(docs.flatMap((doc) => Object.entries(doc.Links).filter(([name]) => name !== 'Web').map(([, link]) => link.replace(/\{[^}]*\}/g, ''))));
      for (const link of links) {
        const status = (await http.get(link)).status;
        if (status !== 200) broken.push(`${collection}: ${link} → ${status}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
