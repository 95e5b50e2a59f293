// Creates that are safe to repeat: before a POST that may have been applied is sent again, look
// for what it created and use that. A gateway can answer 503 or 429 after the server created the
// resource, and a connection can drop after; repeating the POST then makes a duplicate (a scoped
// user role twice on a team) or fails with "name already in use". Octopus has no idempotency key,
// so what was created is recognised by what makes it unique: its name (within its project for
// channels and runbooks), or, for a scoped user role, which has no name, its whole content.
import type { OctopusApi } from './client.js';
import { routeOf } from './paths.js';

/** The API with `post` looking for what an earlier attempt created before repeating it. */
export function withCreateLookup(api: OctopusApi): OctopusApi {
  return {
    server: api.server,
    get: (path, options) => api.get(path, options),
    put: (path, body, options) => api.put(path, body, options),
    delete: (path, options) => api.delete(path, options),
    getAll: (path, options) => api.getAll(path, options),
    list: (path, query, options) => api.list(path, query, options),
    post: (path, body, options = {}) => {
      const findApplied = options.findApplied ?? createdBy(api, path, body, options.signal);
      return api.post(path, body, { ...options, ...(findApplied ? { findApplied } : {}) });
    },
  };
}

type Resource = Record<string, unknown>;

/** A lookup of what `POST path body` creates, when it can be recognised; undefined otherwise. */
export function createdBy(api: OctopusApi, path: string, body: unknown, signal?: AbortSignal): (() => Promise<Resource | undefined>) | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const payload = body as Resource;
  // A create is a POST to a collection: `/api/{spaceId}/{collection}` (or `/api/{collection}`).
  const match = /^\/api\/(?:[^/]+\/)?([A-Za-z]+)$/.exec(routeOf(path));
  const collection = match?.[1];
  if (!collection) return undefined;
  const list = (query: Record<string, string>) => api.list<Resource>(routeOf(path), query, { signal });
  if (collection.toLowerCase() === 'scopeduserroles') {
    return async () => (await list({})).find((role) => sameRole(role, payload));
  }
  if (typeof payload.Name !== 'string' || payload.Name === '') return undefined;
  const name = payload.Name.toLowerCase();
  return async () =>
    // partialName narrows the answer where the server supports it; the exact match decides.
    (await list({ partialName: payload.Name as string })).find(
      (resource) => String(resource.Name).toLowerCase() === name && (payload.ProjectId === undefined || sameId(resource.ProjectId, payload.ProjectId)),
    );
}

const ROLE_SCOPES = ['EnvironmentIds', 'ProjectIds', 'ProjectGroupIds', 'TenantIds'];

function sameRole(role: Resource, payload: Resource): boolean {
  if (!sameId(role.TeamId, payload.TeamId) || !sameId(role.UserRoleId, payload.UserRoleId)) return false;
  return ROLE_SCOPES.every((field) => idSet(role[field]) === idSet(payload[field]));
}

function sameId(a: unknown, b: unknown): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
}

function idSet(value: unknown): string {
  return JSON.stringify((Array.isArray(value) ? value : []).map((id) => String(id).toLowerCase()).sort());
}
