// The HTTP face of the simulator: authentication, knobs (latency, faults, counting), JSON in and
// out, and the Octopus error envelope.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpError } from './http-error.js';
import type { Instance } from './instance.js';
import type { Knobs } from './knobs.js';
import type { Routes } from './routes.js';
import { resolveSpace } from './routes.js';

export interface ServerParts {
  instance: Instance;
  routes: Routes;
  knobs: Knobs;
  apiKey: string;
}

/** Largest request body accepted (a big deployment process is well below this). */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

export function createSimulatorServer(parts: ServerParts): Server {
  const server = createServer((req, res) => {
    handle(parts, req, res).catch((error: unknown) => {
      // Only a bug in the simulator gets here: answer as a server would, with a 500.
      send(res, 500, serialize({ ErrorMessage: 'An unexpected error occurred in the simulator.', Errors: [String(error)] }));
    });
  });
  server.keepAliveTimeout = 5_000;
  return server;
}

export async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${shownHost}:${address.port}`;
}

async function handle(parts: ServerParts, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { knobs } = parts;
  const arrived = performance.now();
  const method = (req.method ?? 'GET').toUpperCase();
  const url = new URL(req.url ?? '/', 'http://simulator');
  // An encoded slash stays inside its segment (a git ref `refs%2Fheads%2Fmain`), as ASP.NET
  // routing keeps it; the router decodes it in the parameter.
  const path = url.pathname.split(/%2F/i).map(decodeURIComponent).join('%2F');
  const match = parts.routes.find(method, path);
  const route = match?.target.pattern ?? 'unmatched';
  knobs.count(method, route);
  res.once('close', knobs.began(method, route, arrived));

  // The request is handled as it arrives and its answer leaves once the latency has passed since
  // then, as a server with a thread per request answers after the network's delay. Handled after
  // the wait instead, requests that came together were handled one after another on this one
  // thread when their waits ended, and their answers left milliseconds apart: the clients saw
  // the simulator's queue, not the latency asked for.
  const answer = await answerOf(parts, req, method, url, path, match);
  // Timers may end a little early against performance.now(): the latency is a minimum.
  for (let wait = arrived + knobs.latencyMs - performance.now(); wait > 0; wait = arrived + knobs.latencyMs - performance.now()) {
    await sleep(Math.ceil(wait));
  }
  if (answer === 'drop') req.socket.destroy();
  else send(res, answer.status, answer.payload, answer.headers);
}

/** What to answer (a serialized body) or `drop` to destroy the socket: faults first, then the route. */
async function answerOf(
  parts: ServerParts,
  req: IncomingMessage,
  method: string,
  url: URL,
  path: string,
  match: ReturnType<Routes['find']>,
): Promise<Answer> {
  const { instance, routes, knobs } = parts;
  const decided = knobs.decideFault(method, path);
  if (decided?.holdUntil) await decided.holdUntil.catch(() => undefined);
  const fault = decided?.holdUntil ? undefined : decided;
  if (fault?.drop) return 'drop';
  const afterHandling = fault?.dropAfterHandling === true || fault?.statusAfterHandling !== undefined;
  if (fault && !afterHandling) return faultAnswer(fault.status ?? 503, fault.retryAfterSeconds);

  try {
    const body = await readJson(req);
    if (!isPublic(method, path) && !authenticated(req, url, parts.apiKey)) {
      throw new HttpError(401, 'You must be logged in to perform this action. Please provide a valid API key or log in again.');
    }
    if (!match) {
      if (routes.hasPath(path)) throw new HttpError(405, `The method ${method} is not allowed on ${path}.`);
      throw new HttpError(404, `The resource '${path}' was not found.`);
    }
    const spaceId = resolveSpace(instance, match.target.form, match.params);
    const reply = match.target.handler({ method, path, params: match.params, query: url.searchParams, body, spaceId, instance });
    if (fault?.dropAfterHandling) return 'drop';
    if (fault?.statusAfterHandling !== undefined) return faultAnswer(fault.statusAfterHandling, fault.retryAfterSeconds);
    return { status: reply.status, payload: serialize(reply.body), headers: {} };
  } catch (error) {
    if (error instanceof HttpError) return { status: error.status, payload: serialize(error.toBody()), headers: error.headers };
    throw error;
  }
}

/** An answer ready to go out: the body already serialized, so sending it is only a write. */
type Answer = 'drop' | { status: number; payload: string; headers: Record<string, string> };

/** The answer of an injected fault (a rate limiter, a gateway, a server in maintenance). */
function faultAnswer(status: number, retryAfterSeconds: number | undefined): Answer {
  const headers: Record<string, string> = {};
  if (retryAfterSeconds !== undefined) headers['Retry-After'] = String(retryAfterSeconds);
  const message = status === 429 ? 'Too many requests. Please retry later.' : 'The server is temporarily unavailable.';
  return { status, payload: serialize({ ErrorMessage: message, Errors: [] }), headers };
}

// The root document is served without a key so clients can discover the server (inferred:
// real servers serve `/api` to anonymous callers, as the portal needs it before sign-in).
function isPublic(method: string, path: string): boolean {
  return method === 'GET' && /^\/api\/?$/i.test(path);
}

function authenticated(req: IncomingMessage, url: URL, apiKey: string): boolean {
  const header = req.headers['x-octopus-apikey'];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  const fromQuery = url.searchParams.get('ApiKey') ?? url.searchParams.get('apikey') ?? url.searchParams.get('apiKey');
  const auth = req.headers.authorization;
  const bearer = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
  return [fromHeader, fromQuery, bearer].some((key) => key === apiKey);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'The request body is too large.');
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'The request body could not be parsed as JSON.');
  }
}

function serialize(body: unknown): string {
  return body === undefined ? '' : JSON.stringify(body);
}

function send(res: ServerResponse, status: number, payload: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}
