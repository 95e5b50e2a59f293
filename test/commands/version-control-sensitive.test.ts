// The sensitive variables of a version-controlled project: they stay in the database while the
// project's other variables live in its Git repository. octosync snapshots and applies them
// (names, scopes; the value only from an overlay's valueFrom) through the database route, and
// never writes the Git-held ones. The sample's "Pet Clinic" project, two simulators sharing one
// Git host, a real state repository.
import { execFileSync } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runApply } from '../../src/commands/apply.js';
import { preparePlan } from '../../src/commands/plan.js';
import { renderPlanText } from '../../src/core/render-plan.js';
import { readFiles } from '../../src/repo/state-files.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { SAMPLE_CERTIFICATE_PEM } from '../../src/simulator/seeds/sample-certificate.js';
import { createAccounts, snapshotOf, writesByRoute } from '../support/destinations.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { simHttp } from '../support/sim-http.js';

type Json = Record<string, unknown>;

const VARIABLES_FILE = 'spaces/default/projects/pet-clinic/variables.yaml';
const API_KEY = 'prod-clinic-api-key-31';
const SMTP_PASSWORD = 'prod-clinic-smtp-password-77';

let source: Simulator;
let destination: Simulator;
let repo: StateRepo;
let env: Record<string, string>;

async function writeDestination(): Promise<void> {
  await repo.writeDestination('production', {
    server: destination.url,
    apiKey: { env: 'DEST_KEY' },
    branch: 'source',
    // Secrets of the other projects are not what this test is about.
    missingSecrets: 'placeholder',
    overlays: {
      variables: {
        projects: {
          'Pet Clinic': [
            { name: 'Clinic.ApiKey', value: { valueFrom: { env: 'CLINIC_API_KEY' } } },
            { name: 'Clinic.SmtpPassword', scope: { Environment: ['Production'] }, value: { valueFrom: { env: 'CLINIC_SMTP' } } },
          ],
        },
      },
      secrets: {
        'certificates/Web Shop TLS': { CertificateData: { valueFrom: { file: 'webshop-tls.b64' } } },
        'git-credentials/GitHub deploy bot': { 'Details.Password': { valueFrom: { env: 'GIT_TOKEN' } } },
      },
    },
  });
}

async function clinicOf(sim: Simulator): Promise<Json> {
  const projects = (await simHttp(sim).get('/api/Spaces-1/projects/all')).body as Json[];
  const clinic = projects.find((project) => project.Name === 'Pet Clinic');
  if (!clinic) throw new Error('no Pet Clinic');
  return clinic;
}

/** Names of the variables a route of the project answers with. */
async function variableNames(sim: Simulator, route: string): Promise<string[]> {
  const clinic = await clinicOf(sim);
  const answer = await simHttp(sim).get(`/api/Spaces-1/projects/${String(clinic.Id)}/${route}`);
  expect(answer.status, answer.text).toBe(200);
  return ((answer.body as { Variables: Json[] }).Variables ?? []).map((variable) => String(variable.Name)).sort();
}

/** Every file of a folder but Git's own, the state directory (`.octosync/`, status files) included. */
async function everyFileOf(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
  const own = files.filter((file) => !path.relative(dir, file).split(path.sep).includes('.git'));
  expect(own.some((file) => file.includes(`${path.sep}.octosync${path.sep}`))).toBe(true);
  return (await Promise.all(own.map((file) => readFile(file, 'utf8')))).join('\n');
}

/** Writes through the routes of what lives in Git (`/projects/{id}/{gitRef}/…`). */
function gitRouteWrites(sim: Simulator): Record<string, number> {
  return Object.fromEntries(Object.entries(writesByRoute(sim)).filter(([route]) => route.includes(':gitRef')));
}

beforeEach(async () => {
  source = await startSimulator({ seed: 'sample' });
  destination = await startSimulator({ seed: 'empty' });
  await createAccounts(source, destination);
  repo = await stateRepo();
  await repo.writeSecret('webshop-tls.b64', Buffer.from(SAMPLE_CERTIFICATE_PEM).toString('base64'));
  env = { DEST_KEY: destination.apiKey, CLINIC_API_KEY: API_KEY, CLINIC_SMTP: SMTP_PASSWORD, GIT_TOKEN: 'prod-git-token-5' };
  await repo.snapshot(source);
  await writeDestination();
});

afterEach(async () => {
  await source.close();
  await destination.close();
  await repo.cleanup();
});

describe('sensitive variables of a version-controlled project', () => {
  it('the server keeps them in the database: the database route holds them only, the Git ref the others', async () => {
    expect(await variableNames(source, 'variables')).toEqual(['Clinic.ApiKey', 'Clinic.SmtpPassword']);
    expect(await variableNames(source, 'main/variables')).toEqual(['Clinic.Database', 'Clinic.Url']);
    const clinic = await clinicOf(source);
    expect((clinic.Links as Json).SensitiveVariables).toBe(`/api/Spaces-1/projects/${String(clinic.Id)}/variables`);
  });

  it('are snapshotted with their names and scopes, no value, and none of the Git-held variables', async () => {
    const text = (await readFiles(repo.dir, [VARIABLES_FILE])).get(VARIABLES_FILE) ?? '';
    expect(text).toContain('Project: Pet Clinic');
    expect(text).toMatch(/- Name: Clinic\.ApiKey\n\s+IsSensitive: true\n\s+Type: Sensitive/);
    expect(text).toMatch(/- Name: Clinic\.SmtpPassword\n\s+Description: Production mail relay\.\n\s+IsSensitive: true\n\s+Scope:\n\s+Environment:\n\s+- Production/);
    expect(text).not.toMatch(/Clinic\.Url|Clinic\.Database|sample-secret/);
  });

  it('round-trip to an empty destination: the same snapshot, values from the overlay, nothing through a Git route, then zero writes', async () => {
    const prepared = await preparePlan({ repo: repo.dir, destination: 'production', env });
    await prepared.client.close();
    expect(prepared.plan.problems).toEqual([]);
    const planText = renderPlanText(prepared.plan);
    expect(planText).toContain('Clinic.SmtpPassword');

    destination.knobs.resetCounts();
    const result = await runApply({ repo: repo.dir, destination: 'production', env });
    expect(result.result).toBe('success');
    expect(gitRouteWrites(destination)).toEqual({});
    // The destination keeps them in its database, with the overlay's values; its Git-held
    // variables are what the project's repository holds.
    expect(await variableNames(destination, 'variables')).toEqual(['Clinic.ApiKey', 'Clinic.SmtpPassword']);
    expect(await variableNames(destination, 'main/variables')).toEqual(['Clinic.Database', 'Clinic.Url']);
    expect(destination.instance.store.secretValues()).toEqual(expect.arrayContaining([API_KEY, SMTP_PASSWORD]));
    expect(destination.instance.store.secretValues()).not.toContain('sample-secret-clinic-api-key');

    const [want, got] = [await snapshotOf(source), await snapshotOf(destination)];
    expect(got.get(VARIABLES_FILE)).toBe(want.get(VARIABLES_FILE));
    expect(got.get('spaces/default/projects/pet-clinic/project.yaml')).toBe(want.get('spaces/default/projects/pet-clinic/project.yaml'));

    destination.knobs.resetCounts();
    expect((await runApply({ repo: repo.dir, destination: 'production', env })).result).toBe('no-changes');
    expect(writesByRoute(destination)).toEqual({});

    // The values are in no plan, no file of the state repository (status included) and no commit.
    const texts = await everyFileOf(repo.dir);
    const history = execFileSync('git', ['log', '-p', '--all'], { cwd: repo.dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    for (const secret of [API_KEY, SMTP_PASSWORD]) {
      expect(planText).not.toContain(secret);
      expect(texts).not.toContain(secret);
      expect(history).not.toContain(secret);
    }
  });

  it('a non-sensitive variable in the file of a version-controlled project is a plan problem naming it, and apply writes nothing', async () => {
    const text = (await readFiles(repo.dir, [VARIABLES_FILE])).get(VARIABLES_FILE) ?? '';
    await repo.commitFile(VARIABLES_FILE, `${text}  - Name: Clinic.Theme\n    Type: String\n    Value: dark\n`, 'a plain variable in the database file');
    const prepared = await preparePlan({ repo: repo.dir, destination: 'production', env });
    await prepared.client.close();
    expect(prepared.plan.problems).toEqual([
      expect.objectContaining({ where: `project variables 'Pet Clinic' (projects/pet-clinic/variables.yaml) variable 'Clinic.Theme'`, message: expect.stringContaining('live in its Git repository') }),
    ]);
    destination.knobs.resetCounts();
    await expect(runApply({ repo: repo.dir, destination: 'production', env })).rejects.toThrow(/Clinic\.Theme/);
    expect(writesByRoute(destination)).toEqual({});
  });
});
