// `octosync demo`: the whole idea in under a minute, on two embedded simulators and a temporary
// Git repository: snapshot a source, plan and apply a destination, change the source, review the
// commit's diff, apply it, roll it back by reverting the commit.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { renderPlanText } from '../core/render-plan.js';
import type { Plan } from '../core/plan.js';
import type { Json } from '../core/document.js';
import { createOctopusClient } from '../octopus/index.js';
import type { OctopusClient } from '../octopus/index.js';
import { commitPaths, openRepository } from '../repo/git.js';
import { formatYaml } from '../repo/yaml.js';
import { startSimulator } from '../simulator/index.js';
import type { Simulator } from '../simulator/index.js';
import { runApply } from './apply.js';
import { preparePlan } from './plan.js';
import { runSnapshot } from './snapshot.js';
import { writeFile, mkdir } from 'node:fs/promises';

export interface DemoIo {
  /** A narration line. */
  say(line: string): void;
  /** Output shown as is (plans, diffs). */
  show(text: string): void;
  /** A transient progress line ('' clears it). */
  progress(line: string): void;
}

const PROJECT = 'Web Shop';
const VARIABLE = 'Cdn.DistributionId';

export async function runDemo(io: DemoIo, options: { keep?: boolean } = {}): Promise<void> {
  const started = performance.now();
  const dir = await mkdtemp(path.join(tmpdir(), 'octosync-demo-'));
  const source = await startSimulator({ seed: 'sample' });
  const destination = await startSimulator({ seed: 'empty' });
  const sourceClient = createOctopusClient({ server: source.url, apiKey: source.apiKey });
  const env = { PRODUCTION_API_KEY: destination.apiKey, DEMO_TLS_DATA: Buffer.from('demo certificate').toString('base64'), DEMO_DB_PASSWORD: 'demo-production-db-password', DEMO_GIT_TOKEN: 'demo-github-token' };
  const step = stepper(io);
  try {
    step('Two Octopus instances', [
      `source       ${source.url}  (a realistic sample: 4 environments, 5 projects, tenants, runbooks...)`,
      `destination  ${destination.url}  (a fresh, empty server)`,
      'Accounts are never synced: the destination gets its own, as an operator would create them.',
    ]);
    await copyAccounts(source, destination);

    step('1. Snapshot the source into Git', [`repository   ${dir}`]);
    const first = await runSnapshot({
      api: sourceClient,
      server: source.url,
      apiKeyEnv: 'SOURCE_API_KEY',
      repo: dir,
      progress: (event) => io.progress(event.step === 'read' ? `reading ${event.done}/${event.total} collections` : `writing ${event.files} files`),
    });
    io.progress('');
    io.show(`commit ${first.commit?.slice(0, 12)} on branch ${first.branch}: ${first.message?.split('\n')[0]}\n${first.documents} documents, one YAML file each; no ids, no secrets.`);
    const git = await openRepository(dir);
    await writeDestination(dir, destination.url);

    step('2. Plan the destination', ['desired = the repository + destinations/production.yaml (its overlay); live = the destination']);
    io.show(abridged(await plan(dir, env)));

    step('3. Apply', []);
    await apply(dir, env, io);

    step('4. Someone changes the source', [`${VARIABLE} of ${PROJECT}, and one line of a step script`]);
    await changeSource(source);

    step('5. Snapshot again: the commit is the change, line by line', []);
    const second = await runSnapshot({ api: sourceClient, server: source.url, repo: dir });
    io.show(await git.show([String(second.commit), '--stat', '--format=commit %h %s%n']));
    io.show(await git.show([String(second.commit), '--format=', '--unified=1', '--color=never']));

    step('6. Plan: only what changed', ['(in production the overlay keeps its own CDN id, so only the script changes there)']);
    io.show(renderPlanText(await plan(dir, env)));

    step('7. Apply', []);
    await apply(dir, env, io);

    step('8. Roll back: revert the commit', [`git revert ${second.commit?.slice(0, 12)}`]);
    await git.raw(['revert', '--no-edit', String(second.commit)]);
    io.show(renderPlanText(await plan(dir, env)));
    await apply(dir, env, io);
    io.say(`The destination is back where it was; ${(await plan(dir, env)).changes.length} changes remain.`);

    io.say('');
    io.say(`Done in ${((performance.now() - started) / 1000).toFixed(1)} s. Next: README.md (workflow, configuration, \`octosync watch\`).`);
    if (options.keep) io.say(`The demo repository is kept at ${dir}.`);
  } finally {
    await sourceClient.close();
    await source.close();
    await destination.close();
    if (!options.keep) await rm(dir, { recursive: true, force: true });
  }
}

function stepper(io: DemoIo): (title: string, lines: string[]) => void {
  return (title, lines) => {
    io.say('');
    io.say(`▶ ${title}`);
    for (const line of lines) io.say(`  ${line}`);
  };
}

async function writeDestination(dir: string, server: string): Promise<void> {
  const file = 'destinations/production.yaml';
  const body = {
    server,
    apiKey: { env: 'PRODUCTION_API_KEY' },
    branch: 'source',
    missingSecrets: 'placeholder',
    overlays: {
      variables: {
        projects: {
          [PROJECT]: [
            { name: VARIABLE, value: 'E2PRODUCTIONCDN1' },
            { name: 'ConnectionStrings:Shop', scope: { Environment: ['Production'] }, value: { valueFrom: { env: 'DEMO_DB_PASSWORD' } } },
          ],
        },
      },
      secrets: {
        'certificates/Web Shop TLS': { CertificateData: { valueFrom: { env: 'DEMO_TLS_DATA' } } },
        'git-credentials/GitHub deploy bot': { 'Details.Password': { valueFrom: { env: 'DEMO_GIT_TOKEN' } } },
      },
    },
  };
  await mkdir(path.join(dir, 'destinations'), { recursive: true });
  await writeFile(path.join(dir, file), formatYaml(body as Json, '../schemas/destination.schema.json'));
  await commitPaths(dir, [file], 'destination: production');
}

async function plan(dir: string, env: NodeJS.ProcessEnv): Promise<Plan> {
  const prepared = await preparePlan({ repo: dir, destination: 'production', env });
  await prepared.client.close();
  return prepared.plan;
}

async function apply(dir: string, env: NodeJS.ProcessEnv, io: DemoIo): Promise<void> {
  let done = 0;
  const result = await runApply({ repo: dir, destination: 'production', env, progress: () => io.progress(`applied ${++done} changes`) });
  io.progress('');
  const { create, update, delete: remove } = result.plan.summary;
  io.show(`Applied: ${create} created, ${update} updated, ${remove} deleted.`);
}

/** The plan's first lines and its summary: a first apply to an empty server is long. */
function abridged(plan: Plan): string {
  const lines = renderPlanText(plan).trimEnd().split('\n');
  if (lines.length <= 24) return lines.join('\n');
  return [...lines.slice(0, 18), `  … ${lines.length - 20} more lines`, ...lines.slice(-2)].join('\n');
}

async function copyAccounts(from: Simulator, to: Simulator): Promise<void> {
  const [a, b] = [clientOf(from), clientOf(to)];
  try {
    for (const account of await a.getAll<Record<string, Json>>('/api/Spaces-1/accounts/all')) {
      const { Id: _id, Links: _links, SpaceId: _space, ...body } = account;
      for (const [key, value] of Object.entries(body)) {
        if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'HasValue' in value) body[key] = { HasValue: true, NewValue: 'demo-destination-secret' };
      }
      await b.post('/api/Spaces-1/accounts', { ...body, EnvironmentIds: [], TenantIds: [], TenantTags: [] });
    }
  } finally {
    await a.close();
    await b.close();
  }
}

async function changeSource(source: Simulator): Promise<void> {
  const client = clientOf(source);
  try {
    const project = (await client.getAll<Record<string, string>>('/api/Spaces-1/projects/all')).find((p) => p.Name === PROJECT);
    if (!project) throw new Error(`the sample has no project ${PROJECT}`);
    const set = await client.get<{ Variables: { Name: string; Value: string | null }[] }>(`/api/Spaces-1/variables/${project.VariableSetId}`);
    for (const variable of set.Variables) if (variable.Name === VARIABLE) variable.Value = 'E2NEWCDN7';
    await client.put(`/api/Spaces-1/variables/${project.VariableSetId}`, set);
    const process = await client.get<{ Steps: { Actions: { Properties: Record<string, unknown> }[] }[] }>(`/api/Spaces-1/deploymentprocesses/${project.DeploymentProcessId}`);
    const action = process.Steps.flatMap((s) => s.Actions).find((a) => typeof a.Properties['Octopus.Action.Script.ScriptBody'] === 'string');
    if (action) {
      const lines = String(action.Properties['Octopus.Action.Script.ScriptBody']).split('\n');
      lines.splice(1, 0, 'Write-Host "Deploying with the new CDN"');
      action.Properties['Octopus.Action.Script.ScriptBody'] = lines.join('\n');
    }
    // Through the project: `PUT /deploymentprocesses/{id}` is deprecated on 2026 servers.
    await client.put(`/api/Spaces-1/projects/${project.Id}/deploymentprocesses`, process);
  } finally {
    await client.close();
  }
}

function clientOf(sim: Simulator): OctopusClient {
  return createOctopusClient({ server: sim.url, apiKey: sim.apiKey });
}
