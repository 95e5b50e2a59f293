// Space-scoped addressing: finding a space's id from the name people write in config files.
import type { OctopusApi } from './client.js';
import { OctopusApiError } from './errors.js';

export interface SpaceSummary {
  Id: string;
  Name: string;
  IsDefault?: boolean;
}

/** The server's spaces, from `GET /api/spaces/all` (one request; it needs a valid API key). */
export async function listSpaces(client: OctopusApi, options: { signal?: AbortSignal } = {}): Promise<SpaceSummary[]> {
  const spaces = await client.get<SpaceSummary[]>('/api/spaces/all', { signal: options.signal });
  if (!Array.isArray(spaces)) {
    throw new OctopusApiError({
      reason: 'invalid-response',
      method: 'GET',
      route: '/api/spaces/all',
      server: client.server,
      retryable: false,
      detail: 'expected a JSON array of spaces',
    });
  }
  return spaces;
}

/**
 * The id of the space called `name` (compared case-insensitively, as Octopus treats names), among
 * `spaces` when the caller has them (the server check reads them: see server-check.ts), else read
 * from `GET /api/spaces/all`. A space id (`Spaces-1`) is accepted too, so a config may use either.
 * Throws `OctopusApiError` (`not-found`) listing the spaces that do exist.
 */
export async function resolveSpaceId(client: OctopusApi, name: string, options: { signal?: AbortSignal; spaces?: readonly SpaceSummary[] } = {}): Promise<string> {
  const spaces = options.spaces ?? (await listSpaces(client, options));
  const wanted = name.trim().toLowerCase();
  const match =
    spaces.find((space) => typeof space.Name === 'string' && space.Name.toLowerCase() === wanted) ??
    spaces.find((space) => typeof space.Id === 'string' && space.Id.toLowerCase() === wanted);
  if (match) return match.Id;
  const known = spaces.map((space) => `'${space.Name}'`).join(', ') || 'none';
  throw new OctopusApiError({
    reason: 'not-found',
    method: 'GET',
    route: '/api/spaces/all',
    server: client.server,
    retryable: false,
    detail: `no space named '${name}' on ${client.server} (spaces: ${known})`,
  });
}
