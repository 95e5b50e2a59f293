// What a drift check asks before it plans: has anything happened at the destination? The newest
// document event of each of its spaces, read with the connection its followed branch gives (a few
// requests, however large the destination). Unchanged since the last full check, and the commit
// unchanged too, the last check's answer still holds.
import { newestEvents } from '../octopus/index.js';
import { parseRepoConfig } from '../repo/config.js';
import { readFileAt } from '../repo/git.js';
import { CONFIG_FILE } from '../repo/layout.js';
import { defaultStateDir } from '../state/state-dir.js';
import { loadSchemas } from '../validate/schemas.js';
import { OctosyncError } from './errors.js';
import { followedDestination } from './followed-destination.js';
import type { PlanOptions } from './plan.js';
import { connectToDestination } from './plan.js';
import { secretFilePolicy, secretReader } from './secret-values.js';

/** A token that changes whenever a document changes in one of the destination's spaces. */
export async function destinationActivity(options: PlanOptions & { ref: string }): Promise<string> {
  const schemas = loadSchemas();
  const followed = await followedDestination(options.repo, options.destination, schemas);
  if (!followed) throw new OctosyncError('config-invalid', `no branch follows destination '${options.destination}'`);
  // Without the configuration there are no spaces to ask, and an empty answer would never change.
  const configText = await readFileAt(options.repo, options.ref, CONFIG_FILE);
  if (configText === undefined) throw new OctosyncError('config-invalid', `${CONFIG_FILE} is missing at ${options.ref}`);
  const config = parseRepoConfig(configText, schemas);
  const destination = followed.destination;
  const spaces = (config.spaces ?? []).map((space) => destination.spaces?.[space] ?? space);
  const secrets = secretReader(options.env, secretFilePolicy({ stateDir: options.stateDir ?? defaultStateDir(options.repo), env: options.env, secretDirs: options.secretDirs }));
  const { client, server } = await connectToDestination(destination.name, destination, secrets);
  try {
    const events = await newestEvents(client, spaces, server.spaces);
    return JSON.stringify([destination.server, ...events]);
  } finally {
    await client.close();
  }
}
