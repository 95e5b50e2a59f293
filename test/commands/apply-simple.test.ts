// Plan and apply end to end for the simple kinds: two simulators over real HTTP, a real Git
// repository. The full round trip of every kind is in apply.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runApply } from '../../src/commands/apply.js';
import { preparePlan } from '../../src/commands/plan.js';
import { kindNamed } from '../../src/kinds/registry.js';
import type { Kind } from '../../src/kinds/types.js';
import { renderPlanText } from '../../src/core/render-plan.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { harness } from '../support/write-harness.js';

const SIMPLE = ['environments', 'worker-pools', 'machine-policies', 'tag-sets', 'feeds', 'lifecycles', 'project-groups'];
const CONFIG = `source:\n  server: http://source.example\nspaces:\n  - Default\nkinds:\n${SIMPLE.map((k) => `  - ${k}`).join('\n')}\n`;

let source: Simulator;
let destination: Simulator;
let repo: StateRepo;
const env = { DEST_KEY: 'API-SIMULATOR0000000000000000000', NUGET_PASSWORD: 'prod-nuget-pw', HELM_PASSWORD: 'prod-helm-pw', DOCKER_PASSWORD: 'prod-docker-pw' };

beforeEach(async () => {
  source = await startSimulator({ seed: 'sample' });
  destination = await startSimulator({ seed: 'empty' });
  repo = await stateRepo();
  await repo.commitFile('octosync.yaml', CONFIG, 'config');
  await repo.snapshot(source);
  await repo.writeDestination('production', {
    server: destination.url,
    apiKey: { env: 'DEST_KEY' },
    branch: 'source',
    overlays: {
      lifecycles: { 'Dev to Production': { editPhases: { Production: { MinimumEnvironmentsBeforePromotion: 2 } } } },
      secrets: {
        'feeds/Internal NuGet': { Password: { valueFrom: { env: 'NUGET_PASSWORD' } } },
        'feeds/Company Helm Charts': { Password: { valueFrom: { env: 'HELM_PASSWORD' } } },
        'feeds/Docker Hub': { Password: { valueFrom: { env: 'DOCKER_PASSWORD' } } },
      },
    },
  });
});

afterEach(async () => {
  await source.close();
  await destination.close();
  await repo.cleanup();
});

describe('plan and apply (simple kinds)', () => {
  it('creates everything in an empty destination, with the overlay, then plans nothing and writes nothing', async () => {
    const prepared = await preparePlan({ repo: repo.dir, destination: 'production', env });
    await prepared.client.close();
    expect(prepared.plan.problems).toEqual([]);
    expect(prepared.plan.missingSecrets).toEqual([]);
    expect(prepared.plan.summary.create).toBeGreaterThan(10);
    const text = renderPlanText(prepared.plan);
    expect(text).toContain('+ environment Production');
    expect(text).not.toContain('prod-nuget-pw');

    const result = await runApply({ repo: repo.dir, destination: 'production', env });
    expect(result.result).toBe('success');
    expect(destination.instance.store.secretValues().sort()).toEqual(['prod-docker-pw', 'prod-helm-pw', 'prod-nuget-pw']);

    const kinds = SIMPLE.map((name) => kindNamed(name) as Kind);
    const [want, got] = [harness(source), harness(destination)];
    try {
      const expected = (await want.documents(kinds)).map((doc) =>
        doc.name === 'Dev to Production'
          ? { ...doc, body: { ...doc.body, Phases: (doc.body.Phases as { Name: string }[]).map((p) => (p.Name === 'Production' ? { ...p, MinimumEnvironmentsBeforePromotion: 2 } : p)) } }
          : doc,
      );
      const sort = (docs: { kind: string; file: string }[]) => [...docs].sort((a, b) => `${a.kind}/${a.file}`.localeCompare(`${b.kind}/${b.file}`));
      expect(sort(await got.documents(kinds))).toEqual(sort(expected));
    } finally {
      await want.close();
      await got.close();
    }

    destination.knobs.resetCounts();
    const again = await runApply({ repo: repo.dir, destination: 'production', env });
    expect(again.result).toBe('no-changes');
    expect(again.plan.changes).toEqual([]);
    const counts = destination.knobs.requestCounts();
    expect([counts.byMethod.POST, counts.byMethod.PUT, counts.byMethod.DELETE]).toEqual([undefined, undefined, undefined]);
  });

  it('refuses before writing anything when a secret source is missing or a name does not resolve', async () => {
    destination.knobs.resetCounts();
    await expect(runApply({ repo: repo.dir, destination: 'production', env: { DEST_KEY: env.DEST_KEY } })).rejects.toThrow(/env:NUGET_PASSWORD \(the secret for .*\) is not available/);
    await expect(runApply({ repo: repo.dir, destination: 'nowhere', env })).rejects.toThrow(/unknown destination 'nowhere'.*known: production/);
    const counts = destination.knobs.requestCounts();
    expect([counts.byMethod.POST, counts.byMethod.PUT, counts.byMethod.DELETE]).toEqual([undefined, undefined, undefined]);
  });
});
