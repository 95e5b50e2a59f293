// URLs and paths. Callers address the API by the paths Octopus itself uses in `Links`
// (`/api/Spaces-1/environments`); the server's base URL, which may carry a path prefix when
// Octopus is hosted under a virtual directory (`https://host/octopus`), is added here.

export interface ServerUrl {
  /** `https://host:port` */
  origin: string;
  /** `''` or a prefix like `/octopus` (no trailing slash). */
  prefix: string;
  /** origin + prefix, for messages. */
  base: string;
}

export type QueryValue = string | number | boolean | readonly (string | number)[] | null | undefined;
export type Query = Readonly<Record<string, QueryValue>>;

/**
 * Parses the configured server URL. A trailing `/api` is dropped (people paste the API root,
 * and the official api-client accepts it too), as are trailing slashes, query and fragment.
 */
export function parseServerUrl(server: string): ServerUrl {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new TypeError(`The Octopus server URL '${server}' is not a valid URL (expected e.g. https://octopus.example.com).`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`The Octopus server URL must use http or https, got '${url.protocol}'.`);
  }
  if (url.username !== '' || url.password !== '') {
    // Octopus authenticates with the API key header; credentials in the URL would only leak.
    throw new TypeError('The Octopus server URL must not contain a user name or password.');
  }
  const prefix = url.pathname.replace(/\/+$/, '').replace(/\/api$/i, '');
  return { origin: url.origin, prefix, base: `${url.origin}${prefix}` };
}

/**
 * The request path for an API path: prefix + path + query. `path` must start with `/api`; a path
 * that already carries the prefix (a link copied from a response of a prefixed server) is accepted.
 */
export function requestPath(server: ServerUrl, path: string, query?: Query): string {
  const [pathPart = '', inlineQuery] = splitQuery(path);
  let apiPath = pathPart;
  if (server.prefix !== '' && apiPath.toLowerCase().startsWith(`${server.prefix.toLowerCase()}/api`)) {
    apiPath = apiPath.slice(server.prefix.length);
  }
  if (!/^\/api(\/|$)/i.test(apiPath)) {
    throw new TypeError(`An Octopus API path must start with /api, got '${routeOf(path)}'.`);
  }
  const search = new URLSearchParams(inlineQuery);
  for (const [name, value] of Object.entries(query ?? {})) {
    const text = formatQueryValue(value);
    if (text !== undefined) search.set(name, text);
  }
  const queryText = search.toString();
  return `${server.prefix}${apiPath}${queryText === '' ? '' : `?${queryText}`}`;
}

/** The path without its query string: what errors and logs show (a query may carry an `apikey`). */
export function routeOf(path: string): string {
  return splitQuery(path)[0] ?? '';
}

/**
 * `/api/{spaceId}/{segments...}`. Each segment is URL-encoded; a segment with slashes
 * (`'environments/all'`) is split first, so both `spacePath(id, 'environments', 'all')` and
 * `spacePath(id, 'environments/all')` work.
 */
export function spacePath(spaceId: string, ...segments: (string | number)[]): string {
  if (spaceId.trim() === '') throw new TypeError('spacePath needs a space id, e.g. Spaces-1.');
  const parts = [spaceId, ...segments.flatMap((segment) => String(segment).split('/'))].filter((part) => part !== '');
  return `/api/${parts.map(encodeURIComponent).join('/')}`;
}

function splitQuery(path: string): [string, string | undefined] {
  const index = path.indexOf('?');
  return index === -1 ? [path, undefined] : [path.slice(0, index), path.slice(index + 1)];
}

/** Octopus list parameters such as `ids` take comma-separated values. */
function formatQueryValue(value: QueryValue): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}
