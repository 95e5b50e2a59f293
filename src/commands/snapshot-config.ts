// octosync.yaml as a snapshot reads it, before it connects to the source. Git, YAML and schema
// code is loaded only when there is a file or a repository to read: a first snapshot into a new
// folder sends its first request without them (src/cli/snapshot.ts loads the rest meanwhile).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RepoConfig } from '../repo/config.js';
import { CONFIG_FILE } from '../repo/layout.js';

/** octosync.yaml as the snapshot reads it (see repoConfigText), parsed; undefined before the first snapshot. */
export async function readRepoConfig(repo: string, branch?: string): Promise<RepoConfig | undefined> {
  const text = await repoConfigText(repo, branch);
  if (text === undefined) return undefined;
  const [{ parseRepoConfig }, { loadSchemas }] = await Promise.all([import('../repo/config.js'), import('../validate/schemas.js')]);
  return parseRepoConfig(text, loadSchemas());
}

/**
 * octosync.yaml as the branch snapshots go to has it (a snapshot run from another checkout must
 * not use that checkout's spaces or exclusions); the working tree's when the branch has none yet.
 */
export async function repoConfigText(repo: string, branch: string | undefined): Promise<string | undefined> {
  const file = path.join(repo, CONFIG_FILE);
  const working = existsSync(file) ? await readFile(file, 'utf8') : undefined;
  const target = branch ?? (await branchOf(working)) ?? 'source';
  if (!existsSync(path.join(repo, '.git'))) return working;
  const { readFilesAt, resolveRef } = await import('../repo/git.js');
  const commit = await resolveRef(repo, target).catch(() => undefined);
  if (!commit) return working;
  return (await readFilesAt(repo, commit, (f) => f === CONFIG_FILE)).get(CONFIG_FILE) ?? working;
}

/** `source.branch` of a config text, if it has one (read leniently: it is validated later). */
async function branchOf(text: string | undefined): Promise<string | undefined> {
  if (!text) return undefined;
  const { parseYaml } = await import('../repo/yaml.js');
  const value = parseYaml(text, CONFIG_FILE).value;
  const source = value !== null && typeof value === 'object' && !Array.isArray(value) ? value.source : undefined;
  const found = source !== null && typeof source === 'object' && !Array.isArray(source) ? source?.branch : undefined;
  return typeof found === 'string' ? found : undefined;
}
