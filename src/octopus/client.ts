// The Octopus REST client: API-key auth, JSON in and out, bounded concurrency, retries and one
// error type. Everything it depends on (dispatcher, clock, sleep, randomness, logger) is passed in.
import { Agent } from 'undici';
import type { Dispatcher } from 'undici';
import { DEFAULT_MAX_CONCURRENCY } from './defaults.js';
import { classifyNetworkError, classifyStatus, mayRepeat } from './classify.js';
import type { FailureClass } from './classify.js';
import { OctopusApiError } from './errors.js';
import type { OctopusApiErrorData } from './errors.js';
import { IncompleteCollectionError, readAllPages } from './paging.js';
import type { ResourceCollection } from './paging.js';
import { parseServerUrl, requestPath, routeOf } from './paths.js';
import type { Query, ServerUrl } from './paths.js';
import { backoffDelay, parseRetryAfter, resolveRetryOptions } from './retry.js';
import type { RetryOptions } from './retry.js';
import { Semaphore } from './semaphore.js';
import { RequestCounter } from './stats.js';
import type { RequestStats } from './stats.js';

/** The subset of a pino logger the client uses. */
export interface OctopusLogger {
  debug(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface OctopusClientOptions {
  /** Base URL, e.g. `https://octopus.example.com` or `https://host/octopus` (a trailing `/api` is fine). */
  server: string;
  /** Sent as `X-Octopus-ApiKey`; never logged or put in an error. */
  apiKey: string;
  /** HTTP requests in flight at once, retries included. Default 8. */
  maxConcurrency?: number;
  retry?: Partial<RetryOptions>;
  logger?: OctopusLogger;
  /**
   * The undici dispatcher to send through. When absent the client creates its own `Agent` and
   * `close()` closes it; an injected one is left to its owner.
   */
  dispatcher?: Dispatcher;
  /** How long to wait for a response's headers, and between chunks of its body. Default 120 s. */
  requestTimeoutMs?: number;
  /** Connect timeout of the client's own Agent (ignored with an injected dispatcher). Default 10 s. */
  connectTimeoutMs?: number;
  userAgent?: string;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /**
   * Whether sending the request twice is harmless. Default: true for GET, PUT and DELETE, false
   * for POST.
   *
   * A POST whose connection dropped, or that got a 500/502/504, may have been applied (an
   * environment created); repeating it could create a duplicate or fail with "name already in
   * use". So a POST is repeated only after a 429 or 503, which prove the server did not act (see
   * classify.ts). A caller that knows its POST is safe to repeat passes `idempotent: true`;
   * `idempotent: false` on a PUT or DELETE turns their network-error retries off. Nothing more is
   * needed for correctness: the reconciler re-reads live state on its next run and converges.
   */
  idempotent?: boolean;
  /**
   * For a POST that creates something: what an earlier attempt of this call created, if it did
   * (undefined if not). Before repeating the POST after any failure, the client calls it and
   * returns what it finds instead of creating it twice: 429 and 503 usually mean nothing was done,
   * but a gateway answers them too after the server did the work. With it, a POST is also repeated
   * after a dropped connection or a 500, 502 or 504. See created-lookup.ts.
   */
  findApplied?: () => Promise<unknown>;
  /** Attempts for this call, the first included (1: no retry), capped by the client's own. */
  attempts?: number;
  signal?: AbortSignal;
}

export interface ListOptions {
  /** The `take` to ask for; default Octopus's "all" (2147483647), one request unless capped. */
  pageSize?: number;
  signal?: AbortSignal;
}

/** What kinds and commands depend on, so they can be given something else in unit tests. */
export interface OctopusApi {
  /** The server's base URL (origin plus path prefix), for messages. */
  readonly server: string;
  get<T = unknown>(path: string, options?: Omit<RequestOptions, 'body'>): Promise<T>;
  post<T = unknown>(path: string, body: unknown, options?: Omit<RequestOptions, 'body'>): Promise<T>;
  put<T = unknown>(path: string, body: unknown, options?: Omit<RequestOptions, 'body'>): Promise<T>;
  delete<T = unknown>(path: string, options?: Omit<RequestOptions, 'body'>): Promise<T>;
  getAll<T = unknown>(collectionPath: string, options?: Pick<RequestOptions, 'signal'>): Promise<T[]>;
  list<T = unknown>(path: string, query?: Query, options?: ListOptions): Promise<T[]>;
}

export { DEFAULT_MAX_CONCURRENCY };
const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Aborts and unreadable answers: permanent, and never repeated. */
const NOT_RETRIED: FailureClass = { transient: false, notApplied: false, retryInCall: false };

/** Why one attempt failed, before the client decides whether to try again. */
interface AttemptFailure {
  data: Omit<OctopusApiErrorData, 'retryable' | 'attempts' | 'method' | 'route' | 'server'>;
  failure: FailureClass;
  retryAfterMs?: number;
}

/** One HTTP exchange: `target` is the request path (prefix and query included), `route` what logs show. */
interface Exchange {
  method: HttpMethod;
  target: string;
  route: string;
  body: string | undefined;
  attempt: number;
  signal: AbortSignal | undefined;
}

type AttemptResult = { ok: true; value: unknown; status: number } | { ok: false; failed: AttemptFailure };

export function createOctopusClient(options: OctopusClientOptions): OctopusClient {
  return new OctopusClient(options);
}

export class OctopusClient implements OctopusApi {
  /** The server's base URL (origin plus path prefix). */
  readonly server: string;
  private readonly url: ServerUrl;
  private readonly apiKey: string;
  private readonly retry: RetryOptions;
  private readonly slots: Semaphore;
  private readonly counter = new RequestCounter();
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly logger: OctopusLogger | undefined;
  private readonly timeoutMs: number;
  private readonly userAgent: string;
  /** Collections whose `/all` form the server does not serve (learned once per client). */
  private readonly withoutAllEndpoint = new Set<string>();

  private closed = false;
  /** Answers without a 429 since the concurrency was last changed (see adaptConcurrency). */
  private answersSinceChange = 0;

  constructor(options: OctopusClientOptions) {
    this.url = parseServerUrl(options.server);
    this.server = this.url.base;
    this.apiKey = options.apiKey;
    this.retry = resolveRetryOptions(options.retry);
    this.slots = new Semaphore(options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY);
    this.logger = options.logger;
    this.timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.userAgent = options.userAgent ?? 'octosync';
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ??
      new Agent({ connections: this.slots.limit, connect: { timeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS } });
  }

  get<T = unknown>(path: string, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('GET', path, options);
  }

  post<T = unknown>(path: string, body: unknown, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }

  put<T = unknown>(path: string, body: unknown, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('PUT', path, { ...options, body });
  }

  delete<T = unknown>(path: string, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('DELETE', path, options);
  }

  /**
   * Every item of a collection in one request, through its `/all` endpoint (a bare JSON array),
   * e.g. `getAll('/api/Spaces-1/environments')` reads `/api/Spaces-1/environments/all`. A
   * collection without an `/all` form (404 or 405, e.g. `deploymentprocesses`) is paged with
   * `list` instead, and remembered so the next call goes straight to paging.
   */
  async getAll<T = unknown>(collectionPath: string, options: Pick<RequestOptions, 'signal'> = {}): Promise<T[]> {
    const route = routeOf(collectionPath).replace(/\/+$/, '');
    const base = route.replace(/\/all$/i, '');
    if (this.withoutAllEndpoint.has(base.toLowerCase())) return this.list<T>(base, undefined, options);
    const allPath = `${base}/all`;
    try {
      const items = await this.get<unknown>(allPath, options);
      if (!Array.isArray(items)) throw this.invalidResponse('GET', allPath, 'expected a JSON array from an /all endpoint');
      return items as T[];
    } catch (error) {
      const noAll = error instanceof OctopusApiError && (error.status === 404 || error.status === 405);
      if (!noAll || route.toLowerCase().endsWith('/all')) throw error;
      this.logger?.debug({ route: base }, 'no /all endpoint; paging instead');
      this.withoutAllEndpoint.add(base.toLowerCase());
      return this.list<T>(base, undefined, options);
    }
  }

  /**
   * Every item matching `query` of a paged collection (`ResourceCollection`), following `skip` and
   * `take` until `TotalResults` is reached (see paging.ts for how few round trips that takes).
   */
  list<T = unknown>(path: string, query: Query = {}, options: ListOptions = {}): Promise<T[]> {
    const readPage = async (skip: number, take: number): Promise<ResourceCollection<T>> => {
      const page = await this.get<ResourceCollection<T>>(path, { query: { ...query, skip, take }, signal: options.signal });
      if (typeof page !== 'object' || page === null || !Array.isArray(page.Items) || typeof page.TotalResults !== 'number') {
        throw this.invalidResponse('GET', path, 'expected a resource collection ({Items, TotalResults})');
      }
      return page;
    };
    return readAllPages(readPage, { pageSize: options.pageSize }).catch((error: unknown) => {
      throw error instanceof IncompleteCollectionError ? this.invalidResponse('GET', path, error.message) : error;
    });
  }

  /** One call: sends the request, retrying as classify.ts allows, and returns the parsed JSON body. */
  async request<T = unknown>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
    const route = routeOf(path);
    const target = requestPath(this.url, path, options.query);
    const idempotent = options.idempotent ?? (method !== 'POST' || options.findApplied !== undefined);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    this.counter.countRequest(method);

    // Set once an attempt failed in a way that may have been applied (see the DELETE case below).
    let maybeApplied = false;
    for (let attempt = 1; ; attempt += 1) {
      const result = await this.slots.run(() => this.attempt({ method, target, route, body, attempt, signal: options.signal }));
      this.adaptConcurrency(result.ok ? result.status : result.failed.data.status, route);
      if (result.ok) return result.value as T;
      const { failed } = result;

      // A DELETE repeated after an ambiguous failure finds the resource gone: the first one worked.
      if (method === 'DELETE' && maybeApplied && failed.data.status === 404) {
        this.logger?.debug({ method, route, attempt }, 'DELETE retried after an ambiguous failure found nothing to delete; treating it as done');
        return undefined as T;
      }
      if (failed.failure.retryInCall && !failed.failure.notApplied) maybeApplied = true;

      const decision = this.decide(failed, attempt, idempotent, method, options.attempts);
      if (!decision.retry) throw this.error(method, route, attempt, failed, decision.note);
      // Retry-After is the least to wait: `0` (or a date already past) still gets the backoff.
      const delayMs = Math.max(failed.retryAfterMs ?? 0, backoffDelay(attempt, this.retry));
      this.logger?.warn(
        { method, route, attempt, status: failed.data.status, reason: failed.data.reason, delayMs },
        `retrying ${method} ${route} in ${delayMs} ms`,
      );
      try {
        await this.retry.sleep(delayMs, options.signal);
      } catch (cause) {
        throw this.error(method, route, attempt, { data: { reason: 'aborted', detail: 'aborted by the caller', cause }, failure: NOT_RETRIED });
      }
      if (options.findApplied) {
        const found = await this.findApplied(options.findApplied, method, route, attempt, failed);
        if (found !== undefined) return found as T;
      }
    }
  }

  /** The requests the client lets in flight now: maxConcurrency, or fewer while the server answers 429. */
  get concurrency(): number {
    return this.slots.currentLimit;
  }

  /**
   * A 429 is the server's rate limiter refusing a request: the client halves the requests it keeps
   * in flight (at least 1), so the retries it makes after Retry-After are not refused in turn. It
   * adds one back after twice as many answers without a 429 as it then allows, up to
   * maxConcurrency (additive increase, multiplicative decrease, as TCP's congestion control does).
   */
  private adaptConcurrency(status: number | undefined, route: string): void {
    const limit = this.slots.currentLimit;
    if (status === 429) {
      this.answersSinceChange = 0;
      if (limit === 1) return;
      this.slots.setCurrentLimit(Math.floor(limit / 2));
      this.logger?.warn({ route, concurrency: this.slots.currentLimit }, `the server is limiting the request rate: ${this.slots.currentLimit} requests in flight at most`);
      return;
    }
    if (status === undefined || status >= 400 || limit === this.slots.limit) return;
    this.answersSinceChange += 1;
    if (this.answersSinceChange < 2 * limit) return;
    this.answersSinceChange = 0;
    this.slots.setCurrentLimit(limit + 1);
  }

  /** What an earlier attempt created, looked up before repeating a create; a failed lookup ends the call. */
  private async findApplied(find: () => Promise<unknown>, method: HttpMethod, route: string, attempt: number, failed: AttemptFailure): Promise<unknown> {
    let found: unknown;
    try {
      found = await find();
    } catch (cause) {
      const note = `not retried: checking whether the failed ${method} was applied failed too (${cause instanceof Error ? cause.message : String(cause)})`;
      throw this.error(method, route, attempt, failed, note);
    }
    if (found !== undefined) this.logger?.warn({ method, route, attempt, status: failed.data.status }, `${method} ${route} failed, but what it creates exists: using it rather than creating it again`);
    return found;
  }

  /** Counters since creation or the last `resetStats()`. */
  stats(): RequestStats {
    return this.counter.snapshot(this.slots.active, this.slots.maxActive);
  }

  resetStats(): void {
    this.counter.reset();
    this.slots.resetPeak();
  }

  /** Closes the client's own connection pool (an injected dispatcher is left open). */
  async close(): Promise<void> {
    // Closing twice is harmless: callers close in \`finally\` blocks and cleanup hooks alike.
    if (!this.ownsDispatcher || this.closed) return;
    this.closed = true;
    await this.dispatcher.close();
  }

  /** Whether to try again after this failure, and if not, anything the message should add. */
  private decide(failed: AttemptFailure, attempt: number, idempotent: boolean, method: HttpMethod, attempts = this.retry.maxAttempts): { retry: true } | { retry: false; note?: string } {
    if (!failed.failure.retryInCall) return { retry: false };
    if (!mayRepeat(failed.failure, idempotent)) {
      return { retry: false, note: `not retried: a ${method} may already have been applied, so check the server's state before repeating it` };
    }
    if (attempt >= Math.min(attempts, this.retry.maxAttempts)) return { retry: false };
    if (failed.retryAfterMs !== undefined && failed.retryAfterMs > this.retry.maxRetryAfterMs) {
      const asked = Math.ceil(failed.retryAfterMs / 1000);
      return { retry: false, note: `the server asked to retry after ${asked} s, longer than the ${this.retry.maxRetryAfterMs / 1000} s this client waits` };
    }
    return { retry: true };
  }

  /** One HTTP exchange, holding a concurrency slot. Never throws: failures are returned. */
  private async attempt(exchange: Exchange): Promise<AttemptResult> {
    const { method, target, route, body, attempt, signal } = exchange;
    this.counter.countAttempt(method, attempt);
    const started = this.retry.now();
    let status: number;
    let text: string;
    let retryAfter: string | string[] | undefined;
    let location: string | string[] | undefined;
    // undici removes its abort listener a little after a response ends, so a caller's signal shared
    // by many requests in a row would collect listeners: each attempt listens on its own signal,
    // tied to the caller's only while it runs.
    const own = signal ? new AbortController() : undefined;
    const forward = (): void => own?.abort(signal?.reason);
    if (signal?.aborted) forward();
    else signal?.addEventListener('abort', forward, { once: true });
    try {
      const response = await this.dispatcher.request({
        origin: this.url.origin,
        path: target,
        method,
        headers: {
          'X-Octopus-ApiKey': this.apiKey,
          Accept: 'application/json',
          'User-Agent': this.userAgent,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' }),
        },
        body,
        signal: own?.signal,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      status = response.statusCode;
      retryAfter = response.headers['retry-after'];
      location = response.headers.location;
      // Always drain the body: undici keeps the connection busy until it is consumed.
      text = await bodyText(response.body);
    } catch (cause) {
      if (signal?.aborted) {
        return { ok: false, failed: { data: { reason: 'aborted', detail: 'aborted by the caller', cause }, failure: NOT_RETRIED } };
      }
      return { ok: false, failed: this.networkFailure(cause) };
    } finally {
      signal?.removeEventListener('abort', forward);
    }
    this.logger?.debug({ method, route, status, attempt, ms: this.retry.now() - started }, 'octopus request');

    if (status >= 200 && status < 300) {
      const parsed = parseJson(text);
      if (!parsed.ok) {
        return { ok: false, failed: { data: { reason: 'invalid-response', status, detail: `the response is not JSON: ${snippet(text)}` }, failure: NOT_RETRIED } };
      }
      return { ok: true, value: parsed.value, status };
    }
    if (status >= 300 && status < 400) {
      // undici does not follow redirects; an http:// URL for an https-only server ends up here.
      const to = Array.isArray(location) ? location[0] : location;
      const detail = `the server redirects to ${to ?? 'another address'}; configure the address it redirects to as the server URL`;
      return { ok: false, failed: { data: { reason: 'http-status', status, detail }, failure: classifyStatus(status) } };
    }
    const envelope = readErrorEnvelope(text);
    return {
      ok: false,
      failed: {
        data: { reason: 'http-status', status, errorMessage: envelope.errorMessage, errors: envelope.errors },
        failure: classifyStatus(status),
        retryAfterMs: status === 429 || status === 503 ? parseRetryAfter(retryAfter, this.retry.now()) : undefined,
      },
    };
  }

  private networkFailure(cause: unknown): AttemptFailure {
    const failure = classifyNetworkError(cause);
    const where = this.url.base;
    const detail =
      failure.kind === 'timeout'
        ? `${where} did not answer in time: ${failure.description}`
        : failure.notApplied
          ? `could not reach ${where}: ${failure.description}`
          : `lost the connection to ${where}: ${failure.description}`;
    return { data: { reason: failure.kind, detail, cause }, failure };
  }

  private error(method: HttpMethod, route: string, attempts: number, failed: AttemptFailure, note?: string): OctopusApiError {
    return new OctopusApiError(
      { ...failed.data, method, route, server: this.url.base, retryable: failed.failure.transient, attempts, note },
      [this.apiKey],
    );
  }

  private invalidResponse(method: HttpMethod, path: string, detail: string): OctopusApiError {
    return new OctopusApiError({ reason: 'invalid-response', method, route: routeOf(path), server: this.url.base, retryable: false, detail }, [
      this.apiKey,
    ]);
  }
}

/**
 * A response body as text, decoded a chunk at a time as it arrives (as UTF-8, a leading BOM
 * dropped, as undici's `text()`), never gathered into one buffer first: a large collection's
 * buffer (megabytes) taken from and given back to the C allocator raises glibc's threshold for
 * giving memory back to the system, and the process kept tens of megabytes it no longer used.
 */
async function bodyText(body: AsyncIterable<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  const parts: string[] = [];
  for await (const chunk of body) parts.push(decoder.decode(chunk, { stream: true }));
  parts.push(decoder.decode());
  return parts.join('');
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  const clean = text.replace(/^\uFEFF/, '');
  if (clean.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(clean) as unknown };
  } catch {
    return { ok: false };
  }
}

/** `{ErrorMessage, Errors[]}`, or a short quote of whatever else came back (a proxy's HTML page). */
function readErrorEnvelope(text: string): { errorMessage: string | undefined; errors: string[] } {
  const parsed = parseJson(text);
  if (parsed.ok && typeof parsed.value === 'object' && parsed.value !== null) {
    const { ErrorMessage, Errors } = parsed.value as { ErrorMessage?: unknown; Errors?: unknown };
    const errors = Array.isArray(Errors) ? Errors.filter((line): line is string => typeof line === 'string') : [];
    if (typeof ErrorMessage === 'string' || errors.length > 0) {
      return { errorMessage: typeof ErrorMessage === 'string' ? ErrorMessage : undefined, errors };
    }
  }
  return { errorMessage: text.trim() === '' ? undefined : snippet(text), errors: [] };
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}...` : flat;
}
