// Connecting to an Octopus Server: the API key from the environment, a client, and a check that
// the server is one octosync supports and that the key works, before anything else happens.
import { checkServer, createOctopusClient } from '../octopus/index.js';
import type { OctopusClient, ServerInfo } from '../octopus/index.js';
import { OctosyncError } from './errors.js';

export interface Connection {
  client: OctopusClient;
  server: ServerInfo;
}

export async function connect(server: string, apiKeyEnv: string, env: NodeJS.ProcessEnv): Promise<Connection> {
  const apiKey = env[apiKeyEnv];
  if (!apiKey) {
    throw new OctosyncError('missing-api-key', `the environment variable ${apiKeyEnv} holding the API key for ${server} is not set`, { server, apiKeyEnv });
  }
  return connectWithKey(server, apiKey);
}

/**
 * Connects with a key already read (from wherever a destination file says), with at most
 * `maxConcurrency` requests in flight (default: the client's).
 */
export async function connectWithKey(server: string, apiKey: string, maxConcurrency?: number): Promise<Connection> {
  const client = createOctopusClient({ server, apiKey, ...(maxConcurrency === undefined ? {} : { maxConcurrency }) });
  try {
    return { client, server: await checkServer(client) };
  } catch (error) {
    await client.close();
    throw error;
  }
}
