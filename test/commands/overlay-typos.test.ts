// A typo in a destination's overlay never leaves the source's value in production silently: an
// overlay path, a patch field, a phase edit or a tenant variable that hits nothing is a plan
// problem naming the destination file and line (with what it probably meant), and apply writes
// nothing. Source and destination simulators over real HTTP, a real Git repository.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runApply } from '../../src/commands/apply.js';
import { preparePlan } from '../../src/commands/plan.js';
import { SAMPLE_CERTIFICATE_PEM } from '../../src/simulator/seeds/sample-certificate.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { createAccounts, writes } from '../support/destinations.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';

let source: Simulator;
let destination: Simulator;
let repo: StateRepo;

beforeAll(async () => {
  source = await startSimulator({ seed: 'sample' });
  destination = await startSimulator({ seed: 'empty' });
  await createAccounts(source, destination);
  repo = await stateRepo();
  await repo.snapshot(source);
});

afterAll(async () => {
  await source.close();
  await destination.close();
  await repo.cleanup();
});

const env = () => ({ DEST_KEY: destination.apiKey, TLS_DATA: Buffer.from(SAMPLE_CERTIFICATE_PEM).toString('base64'), GIT_TOKEN: 'test-git-token' });
/** What every destination here needs besides the overlay under test: a certificate's data. */
const CERTIFICATE = { 'certificates/Web Shop TLS': { CertificateData: { valueFrom: { env: 'TLS_DATA' } } }, 'git-credentials/GitHub deploy bot': { 'Details.Password': { valueFrom: { env: 'GIT_TOKEN' } } } };

describe('an overlay that hits nothing', () => {
  it.each([
    ['a patch field', { patches: { 'environments/Production': { UseGuidedFaliure: false } } }, 'UseGuidedFaliure', "the patch field 'UseGuidedFaliure' hits nothing in 'environments/Production' (did you mean UseGuidedFailure?)"],
    ['a nested patch field', { patches: { 'projects/Customer Portal': { ProjectConnectivityPolicy: { SkipMachineBehaviour: 'SkipUnavailableMachines' } } } }, 'SkipMachineBehaviour', "the patch field 'ProjectConnectivityPolicy.SkipMachineBehaviour' hits nothing in 'projects/Customer Portal' (did you mean SkipMachineBehavior?)"],
    ['a phase edit', { lifecycles: { 'Dev to Production': { editPhases: { Production: { MinimumEnvironmentsBeforPromotion: 1 } } } } }, 'MinimumEnvironmentsBeforPromotion', "a phase has no field 'MinimumEnvironmentsBeforPromotion' (did you mean MinimumEnvironmentsBeforePromotion?)"],
    ['a tenant variable', { tenants: { variables: { 'Acme Corp': { Projects: { 'Customer Portal': { 'Portal.Subdomian': [{ Value: 'acme', Environments: ['Production'] }] } } } } } }, 'Portal.Subdomian', "'Customer Portal' has no template 'Portal.Subdomian' (did you mean Portal.Subdomain?)"],
    ['a tenant variable of a project the tenant is not connected to', { tenants: { variables: { 'Acme Corp': { Projects: { 'Web Shop': { 'Portal.Subdomain': 'acme' } } } } } }, 'Web Shop', "'Acme Corp' is not connected to a project 'Web Shop' in the repository"],
    ['an overlay path', { variables: { projects: { 'Web Shopp': [{ name: 'Cdn.DistributionId', value: 'x' }] } } }, 'Web Shopp', "names 'Web Shopp', which is not in the repository"],
  ])('%s: a plan problem naming file and line; apply writes nothing', async (_what, overlays, key, message) => {
    await repo.writeDestination('production', { server: destination.url, apiKey: { env: 'DEST_KEY' }, branch: 'source', missingSecrets: 'placeholder', overlays: { ...overlays, secrets: CERTIFICATE } });
    const text = await readFile(path.join(repo.dir, 'destinations', 'production.yaml'), 'utf8');
    const line = text.split('\n').findIndex((l) => l.trimStart().startsWith(`${key}:`) || l.includes(`${key}:`)) + 1;
    expect(line).toBeGreaterThan(0);

    const prepared = await preparePlan({ repo: repo.dir, destination: 'production', env: env() });
    await prepared.client.close();
    const problems = prepared.plan.problems.map((p) => `${p.where}: ${p.message}`);
    // The line of the key, or of its value when that is a list or a map (the line below).
    expect(problems).toEqual([expect.stringMatching(new RegExp(`^destinations/production\\.yaml:(${line}|${line + 1}): overlay `))]);
    expect(problems[0]).toContain(message);

    destination.knobs.resetCounts();
    await expect(runApply({ repo: repo.dir, destination: 'production', env: env() })).rejects.toThrow(message.replace(/[()?]/g, (c) => c));
    expect(writes(destination)).toEqual({ POST: 0, PUT: 0, DELETE: 0 });
  });

  it('a patch that adds a field the kind knows, or changes one the document holds, is no problem', async () => {
    await repo.writeDestination('production', {
      server: destination.url,
      apiKey: { env: 'DEST_KEY' },
      branch: 'source',
      missingSecrets: 'placeholder',
      overlays: { secrets: CERTIFICATE, patches: { 'environments/Production': { UseGuidedFailure: false, EnvironmentTags: [] } }, lifecycles: { 'Dev to Production': { editPhases: { Production: { IsPriorityPhase: true } } } } },
    });
    const prepared = await preparePlan({ repo: repo.dir, destination: 'production', env: env() });
    await prepared.client.close();
    expect(prepared.plan.problems).toEqual([]);
  });
});
