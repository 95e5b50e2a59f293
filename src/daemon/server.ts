// The daemon's HTTP side: the status page at / (page.ts), /healthz (alive and has something to
// do), /readyz (every destination reconciled once), /status (JSON), /metrics (Prometheus),
// POST /hooks/git (a Git host's push webhook) and POST /destinations/<name>/<action> (the page's
// and the CLI's actions). Routes only read what the watch hands them; the work stays in watch.ts
// and reconciler.ts.
//
// Actions change a destination, so they need the token the daemon was started with, presented in
// the form (typed by a person) or as a bearer token (the CLI), and are refused from other sites:
// POST only, and a browser's Origin (or Sec-Fetch-Site) must say the request comes from the page
// itself. A page on another site can make a browser post a form, but cannot know the token.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DaemonMetrics } from './metrics.js';
import { renderPage } from './page.js';
import type { ActionOutcome } from './reconciler.js';
import type { StatusDocument } from './status-document.js';

export const ACTIONS = ['apply', 'check-drift', 'suspend', 'resume'] as const;
export type ActionName = (typeof ACTIONS)[number];

/** How healthy the daemon is, as /healthz and /readyz answer. */
export interface Health {
  /** Whether every destination found was evaluated once since the start (nothing checked: not ok). */
  checked: boolean;
  destinations: number;
  /** Destinations not yet reconciled once. */
  unreconciled: string[];
  /** Why destination files seen are not reconciled (see repo/discovery.ts). */
  problems: string[];
}

export interface ServeContext {
  health: () => Health;
  /** The document /status serves and the page shows. */
  status: () => Promise<StatusDocument>;
  /** Carries out an action on a destination; undefined when there is no such destination. */
  action: (destination: string, action: ActionName) => Promise<ActionOutcome | undefined>;
  /** The token actions need; without it the page is read-only and actions are refused. */
  uiToken?: string;
  /** Seconds between reloads of the page. */
  refreshSeconds?: number;
  metrics: DaemonMetrics;
  /** A push webhook arrived (already authorized). */
  onPush: () => void;
  webhookSecret?: string;
}

export interface ServeOptions {
  port?: number;
  host?: string;
}

export async function serve(options: ServeOptions, context: ServeContext): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://daemon');
    route_(`${req.method} ${url.pathname}`, url, req, res, context).catch((error: unknown) => json(res, 500, { error: (error as Error).message }));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve()));
  const address = server.address() as AddressInfo;
  return { url: `http://${options.host ?? '127.0.0.1'}:${address.port}`, server };
}

async function route_(route: string, url: URL, req: IncomingMessage, res: ServerResponse, context: ServeContext): Promise<void> {
  if (route === 'GET /') {
    const refresh = url.searchParams.get('refresh') === '0' ? 0 : (context.refreshSeconds ?? 10);
    const message = url.searchParams.get('message') ?? undefined;
    const html = renderPage(await context.status(), { refreshSeconds: refresh, ...(message ? { message } : {}) });
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'X-Frame-Options': 'DENY', 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'" });
    res.end(html);
    return;
  }
  const action = /^POST \/destinations\/([^/]+)\/([a-z-]+)$/.exec(route);
  if (action) return runAction(decodeURIComponent(action[1] as string), action[2] as string, req, res, context);
  if (route === 'GET /healthz') return healthz(res, context.health());
  if (route === 'GET /readyz') return readyz(res, context.health());
  if (route === 'GET /metrics') return reply(res, 200, await context.metrics.registry.metrics(), context.metrics.registry.contentType);
  if (route === 'GET /status') return json(res, 200, await context.status());
  if (route === 'POST /hooks/git') {
    const body = await readBody(req);
    if (context.webhookSecret && !webhookAuthorized(req.headers, body, context.webhookSecret)) return json(res, 401, { error: 'the webhook secret does not match' });
    context.onPush();
    return json(res, 202, { accepted: true });
  }
  return json(res, 404, { error: `no route ${route}` });
}

async function runAction(destination: string, name: string, req: IncomingMessage, res: ServerResponse, context: ServeContext): Promise<void> {
  const body = await readBody(req);
  const form = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
  const refused = refuseAction(req, form ? new URLSearchParams(body.toString('utf8')).get('token') ?? '' : undefined, context.uiToken);
  if (refused) return json(res, refused.status, { error: refused.error });
  if (!(ACTIONS as readonly string[]).includes(name)) return json(res, 404, { error: `no action ${name} (actions: ${ACTIONS.join(', ')})` });
  const outcome = await context.action(destination, name as ActionName);
  if (!outcome) return json(res, 404, { error: `no destination ${destination}` });
  if (!form) return json(res, 200, outcome);
  // Post, redirect, get: reloading the page shows the outcome and repeats nothing.
  res.writeHead(303, { Location: `/?message=${encodeURIComponent(outcome.message)}#destination-${destination.toLowerCase().replace(/[^a-z0-9]+/g, '-')}` });
  res.end();
}

/** Why an action request is refused, if it is. `formToken` is the token a form carried. */
function refuseAction(req: IncomingMessage, formToken: string | undefined, token: string | undefined): { status: number; error: string } | undefined {
  if (!token) return { status: 403, error: 'actions are off: the daemon was started without --ui-token-env' };
  const site = req.headers['sec-fetch-site'];
  const origin = req.headers.origin;
  if ((typeof site === 'string' && site !== 'same-origin' && site !== 'none') || (origin !== undefined && origin !== `http://${req.headers.host}`)) {
    return { status: 403, error: 'actions are accepted only from the status page itself' };
  }
  const bearer = req.headers.authorization;
  const presented = formToken ?? (typeof bearer === 'string' && bearer.startsWith('Bearer ') ? bearer.slice('Bearer '.length) : '');
  if (!sameSecret(presented, token)) return { status: 401, error: 'the token does not match' };
  return undefined;
}

/**
 * Alive and useful: not before the first look at the repository, and not while there is nothing
 * to reconcile (a daemon with no destination does nothing, and says why).
 */
function healthz(res: ServerResponse, health: Health): void {
  if (!health.checked) return json(res, 503, { status: 'starting', reason: 'no destination checked yet' });
  if (health.destinations === 0) {
    const reason = ['no destination to reconcile: no branch has a destinations/<name>.yaml whose branch: names that branch', ...health.problems].join('; ');
    return json(res, 503, { status: 'unhealthy', reason });
  }
  return json(res, 200, { status: 'ok', ...(health.problems.length ? { problems: health.problems } : {}) });
}

/** Ready once every destination was reconciled once (applied, found current, or held for a manual apply). */
function readyz(res: ServerResponse, health: Health): void {
  if (!health.checked || health.destinations === 0) return json(res, 503, { status: 'not ready', reason: health.checked ? 'no destination to reconcile' : 'no destination checked yet' });
  if (health.unreconciled.length > 0) return json(res, 503, { status: 'not ready', reason: `not reconciled yet: ${health.unreconciled.join(', ')}` });
  return json(res, 200, { status: 'ready' });
}

function reply(res: ServerResponse, status: number, body: string, type: string): void {
  res.writeHead(status, { 'Content-Type': type });
  res.end(body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  reply(res, status, JSON.stringify(body, null, 2), 'application/json');
}

/** Request bodies of webhooks are small; a larger one is cut off (and then fails the signature). */
const MAX_BODY_BYTES = 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Whether a webhook knows the shared secret, in the forms Git hosts send it: GitHub's
 * `X-Hub-Signature-256` (an HMAC of the body), GitLab's `X-Gitlab-Token`, or a bearer token.
 * Compared in constant time.
 */
export function webhookAuthorized(headers: IncomingHttpHeaders, body: Buffer, secret: string): boolean {
  const signature = headers['x-hub-signature-256'];
  if (typeof signature === 'string') return sameSecret(signature, `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const gitlab = headers['x-gitlab-token'];
  if (typeof gitlab === 'string') return sameSecret(gitlab, secret);
  const authorization = headers.authorization;
  return typeof authorization === 'string' && sameSecret(authorization, `Bearer ${secret}`);
}

/** Constant-time comparison of a presented secret with the expected one. */
export function sameSecret(presented: string, expected: string): boolean {
  return presented.length === expected.length && timingSafeEqual(Buffer.from(presented), Buffer.from(expected));
}
