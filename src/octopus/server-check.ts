// Is this an Octopus server octosync can work with, and does the API key work?
import type { OctopusApi } from './client.js';
import { OctopusApiError } from './errors.js';
import { listSpaces } from './spaces.js';
import type { SpaceSummary } from './spaces.js';
import { MINIMUM_SERVER_VERSION, isSupportedVersion, parseVersion } from './version.js';

export interface ServerInfo {
  version: string;
  apiVersion: string | undefined;
  installationId: string | undefined;
  /**
   * The spaces the API key can see, as `GET /api/spaces/all` listed them when the server was
   * checked: every command looks its spaces up here rather than asking again.
   */
  spaces: SpaceSummary[];
}

export interface CheckServerOptions {
  /** Default `MINIMUM_SERVER_VERSION`. */
  minimumVersion?: string;
  signal?: AbortSignal;
}

interface RootDocument {
  Application?: unknown;
  Version?: unknown;
  ApiVersion?: unknown;
  InstallationId?: unknown;
}

/**
 * Reads the server's version from `GET /api` and checks it against the minimum, then checks the
 * API key with `GET /api/spaces/all`: the root document is served to anonymous callers, so it
 * cannot tell a wrong key from a right one, while the space list needs a valid key (a rejected
 * one is a 401) and is what every command reads next to find its spaces. Both requests go out
 * together; a version problem is reported first, since no key fixes it. Throws `OctopusApiError`
 * (`unsupported-server`, or the 401 of a rejected key).
 */
export async function checkServer(client: OctopusApi, options: CheckServerOptions = {}): Promise<ServerInfo> {
  const minimum = options.minimumVersion ?? MINIMUM_SERVER_VERSION;
  const [rootResult, spacesResult] = await Promise.allSettled([client.get<RootDocument>('/api', { signal: options.signal }), listSpaces(client, { signal: options.signal })]);
  if (rootResult.status === 'rejected') throw rootResult.reason;
  const root = rootResult.value;
  const version = typeof root === 'object' && root !== null && typeof root.Version === 'string' ? root.Version : undefined;
  if (version === undefined) {
    throw unsupported(client.server, 'GET', '/api', `${client.server} does not look like an Octopus server: GET /api has no Version`);
  }
  if (parseVersion(version) === undefined) {
    throw unsupported(client.server, 'GET', '/api', `cannot read the Octopus server version '${version}'`);
  }
  if (!isSupportedVersion(version, minimum)) {
    throw unsupported(client.server, 'GET', '/api', `Octopus Server ${version} at ${client.server} is older than ${minimum}, the oldest version octosync supports`);
  }

  if (spacesResult.status === 'rejected') throw spacesResult.reason;
  return {
    version,
    apiVersion: typeof root.ApiVersion === 'string' ? root.ApiVersion : undefined,
    installationId: typeof root.InstallationId === 'string' ? root.InstallationId : undefined,
    spaces: spacesResult.value,
  };
}

function unsupported(server: string, method: string, route: string, detail: string): OctopusApiError {
  return new OctopusApiError({ reason: 'unsupported-server', method, route, server, retryable: false, detail });
}
