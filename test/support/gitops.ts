// A state repository in a temporary folder with a snapshot of a source simulator and a
// destination file pointing at another simulator: the setting of every plan/apply test.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { runSnapshot } from '../../src/commands/snapshot.js';
import { createOctopusClient } from '../../src/octopus/index.js';
import { gitEnvironment, openRepository } from '../../src/repo/git.js';
import { formatYaml } from '../../src/repo/yaml.js';
import type { Json } from '../../src/core/document.js';
import type { Simulator } from '../../src/simulator/index.js';

export interface StateRepo {
  dir: string;
  /** Snapshots a simulator into the repository (branch `source`), returning the commit. */
  snapshot(sim: Simulator, message?: string): Promise<string | undefined>;
  /** Writes a file and commits it on the current branch. */
  commitFile(file: string, content: string, message?: string): Promise<string>;
  writeDestination(name: string, body: Record<string, unknown>): Promise<string>;
  /** Writes a secret file where octosync reads them by default (`.octosync/secrets/`, ignored by Git). */
  writeSecret(name: string, content: string): Promise<void>;
  git(): ReturnType<typeof simpleGit>;
  cleanup(): Promise<void>;
}

export async function stateRepo(): Promise<StateRepo> {
  const dir = await mkdtemp(path.join(tmpdir(), 'octosync-state-'));
  await openRepository(dir);
  const git = () => simpleGit(dir).env(gitEnvironment(process.env));
  const commitFile = async (file: string, content: string, message = `edit ${file}`) => {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
    await git().add(file);
    await git().commit(message);
    return (await git().revparse(['HEAD'])).trim();
  };
  return {
    dir,
    git,
    snapshot: async (sim, message) => {
      const client = createOctopusClient({ server: sim.url, apiKey: sim.apiKey });
      try {
        return (await runSnapshot({ api: client, server: sim.url, apiKeyEnv: 'SOURCE_API_KEY', repo: dir, message })).commit;
      } finally {
        await client.close();
      }
    },
    commitFile,
    writeDestination: (name, body) => commitFile(`destinations/${name}.yaml`, formatYaml(body as Json, '../schemas/destination.schema.json'), `destination ${name}`),
    writeSecret: async (name, content) => {
      await mkdir(path.join(dir, '.octosync', 'secrets'), { recursive: true });
      await writeFile(path.join(dir, '.octosync', 'secrets', name), content);
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
