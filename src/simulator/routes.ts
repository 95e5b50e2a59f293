// Route registration. A space-scoped route is served in the three forms real servers accept:
// `/api/{spaceId}/x`, `/api/spaces/{spaceId}/x` and the default-space `/api/x`.
import FindMyWay from 'find-my-way';
import { HttpError, notFound } from './http-error.js';
import type { Instance } from './instance.js';
import type { Doc } from './store.js';

export interface Call {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** The space the route addresses; null on system routes. */
  spaceId: string | null;
  instance: Instance;
}

export interface Reply {
  status: number;
  body?: unknown;
}

export type Handler = (call: Call) => Reply;

type SpaceForm = 'system' | 'space-id' | 'spaces-prefix' | 'default-space';

export interface RouteTarget {
  /** The pattern as registered, for request counting. */
  pattern: string;
  form: SpaceForm;
  handler: Handler;
}

export interface Match {
  target: RouteTarget;
  params: Record<string, string>;
}

export class Routes {
  // Octopus routes are case-insensitive (`runbookProcesses` and `runbookprocesses` both work).
  private readonly router = FindMyWay({ caseSensitive: false, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true });

  /** A route outside any space, under `/api`. */
  system(method: string, path: string, handler: Handler): void {
    this.add(method, `/api${path}`, 'system', handler);
  }

  /** A space-scoped route in all three forms; `defaultForm: false` leaves `/api/x` to a system route. */
  space(method: string, path: string, handler: Handler, options: { defaultForm?: boolean } = {}): void {
    this.add(method, `/api/:spaceId${path}`, 'space-id', handler);
    this.add(method, `/api/spaces/:spaceId${path}`, 'spaces-prefix', handler);
    if (options.defaultForm !== false) this.add(method, `/api${path}`, 'default-space', handler);
  }

  find(method: string, path: string): Match | undefined {
    const found = this.router.find(method as FindMyWay.HTTPMethod, path);
    if (!found) return undefined;
    return { target: found.store as RouteTarget, params: found.params as Record<string, string> };
  }

  /** Whether any method serves this path (to tell 405 from 404). */
  hasPath(path: string): boolean {
    return ['GET', 'POST', 'PUT', 'DELETE'].some((method) => this.router.find(method as FindMyWay.HTTPMethod, path));
  }

  private add(method: string, pattern: string, form: SpaceForm, handler: Handler): void {
    const target: RouteTarget = { pattern, form, handler };
    this.router.on(method as FindMyWay.HTTPMethod, pattern, () => undefined, target);
  }
}

/** Resolves the space a matched route addresses, or fails as the server does. */
export function resolveSpace(instance: Instance, form: SpaceForm, params: Record<string, string>): string | null {
  if (form === 'system') return null;
  const spaces = instance.store.list('spaces');
  if (form === 'default-space') {
    const space = spaces.find((s) => s.IsDefault === true);
    if (!space) throw new HttpError(404, 'There is no default space. Use a space-scoped route.');
    return space.Id;
  }
  const wanted = (params.spaceId ?? '').toLowerCase();
  // `/api/{spaceId}` takes an id; `/api/spaces/{spaceIdentifier}` also takes a slug (inferred).
  const space = spaces.find(
    (s: Doc) => s.Id.toLowerCase() === wanted || (form === 'spaces-prefix' && String(s.Slug ?? '').toLowerCase() === wanted),
  );
  if (!space) throw notFound(params.spaceId ?? '');
  return space.Id;
}
