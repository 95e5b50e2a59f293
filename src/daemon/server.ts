// The daemon's HTTP side: /healthz (alive and has something to do), /readyz (every destination
// reconciled once), /status (JSON), /metrics (Prometheus) and POST /hooks/git (a Git host's push
// webhook). Routes only read what the watch hands them; the work stays in watch.ts and reconciler.ts.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DaemonMetrics } from './metrics.js';

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
  /** The document /status serves. */
  status: () => Promise<unknown>;
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
    const route = `${req.method} ${new URL(req.url ?? '/', 'http://daemon').pathname}`;
    route_(route, req, res, context).catch((error: unknown) => json(res, 500, { error: (error as Error).message }));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve()));
  const address = server.address() as AddressInfo;
  return { url: `http://${options.host ?? '127.0.0.1'}:${address.port}`, server };
}

async function route_(route: string, req: IncomingMessage, res: ServerResponse, context: ServeContext): Promise<void> {
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
