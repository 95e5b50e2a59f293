// Public entry of the simulator: an in-process HTTP server that behaves like an Octopus Server.
// It is an independent implementation written from the API's documentation; it must never import
// octosync's reconciler code (core/, kinds/, commands/, daemon/).
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { Instance } from './instance.js';
import { Knobs } from './knobs.js';
import { registerApi, resourceDefinitions } from './api.js';
import { Routes } from './routes.js';
import { applySeed, parseSeed } from './seeds/index.js';
import type { SeedName } from './seeds/index.js';
import { createSimulatorServer, listen } from './server.js';
import { serverSettings } from './settings.js';
import type { SettingsOptions } from './settings.js';
import { Store } from './store.js';
import type { GitHost } from './git-host.js';

export { GitHost } from './git-host.js';

export type { Flavour, ServerSettings } from './settings.js';

export interface FaultRule {
  /** HTTP method to match (any when absent). */
  method?: string;
  /** Matched against the request path (without query): a substring or a RegExp. */
  path?: string | RegExp;
  /** Status to answer with (default 503). Ignored when `drop` is set. */
  status?: number;
  /** Seconds for a `Retry-After` header (with 429 or 503). */
  retryAfterSeconds?: number;
  /** Destroy the socket without answering (the request is not handled). */
  drop?: boolean;
  /** Handle the request, then destroy the socket instead of answering: applied, but the client never hears. */
  dropAfterHandling?: boolean;
  /**
   * Handle the request, then answer this status instead (with `retryAfterSeconds` if set): a
   * gateway that gave up (503, 429, 504) while the server did the work.
   */
  statusAfterHandling?: number;
  /** Probability 0..1 that a matching request fails (default 1). */
  rate?: number;
  /** How many times the rule may fire at most (unbounded when absent). */
  times?: number;
  /**
   * Hold the request until this settles, then handle it as usual (`status` and the other fault
   * fields are ignored): a slow answer on one route, released by the test when it chooses.
   */
  holdUntil?: Promise<unknown>;
}

export interface SimulatorOptions extends SettingsOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** The API key clients must send (default `API-SIMULATOR0000000000000000000`). */
  apiKey?: string;
  /** `empty`, `sample` or `synthetic:N` (default `empty`). */
  seed?: SeedName | string;
  /** Delay added to every request, in milliseconds. */
  latencyMs?: number;
  /** Source of randomness for fault rates (tests pass a seeded one). */
  random?: () => number;
  /** Clock for LastModifiedOn and events. */
  now?: () => Date;
  /**
   * Where the id counters start: the first id of each collection is `<Prefix>-<idOffset + 1>`,
   * and the default space's built-ins (lifecycle, project group, machine policy, worker pool)
   * get ordinary ids too. `0` gives a fresh server's ids (`Lifecycles-1`, `Projects-1`, ...).
   * Default: a different multiple of 1000 for every simulator made in this process, so a test
   * can never pass on an id copied from one simulator to another.
   */
  idOffset?: number;
  /**
   * The Git host of version-controlled projects' repositories. Default: one shared by every
   * simulator of the process, as real servers share GitHub, so a repository one simulator
   * commits to is the one another reads.
   */
  gitHost?: GitHost;
}

export interface Simulator {
  url: string;
  apiKey: string;
  instance: Instance;
  knobs: Knobs;
  close(): Promise<void>;
}

export const DEFAULT_API_KEY = 'API-SIMULATOR0000000000000000000';

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const apiKey = options.apiKey ?? DEFAULT_API_KEY;
  const instance = createInstance(options);
  const routes = new Routes();
  registerApi(routes);
  const knobs = new Knobs({ latencyMs: options.latencyMs, random: options.random });
  const server = createSimulatorServer({ instance, routes, knobs, apiKey });
  const url = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  let closing: Promise<void> | undefined;
  // Closing twice is harmless (a test's own close and its cleanup hook).
  const close = () => (closing ??= closeServer(server));
  return { url, apiKey, instance, knobs, close };
}

/** The simulated server's model, seeded, without HTTP (for seeds' own tests and tools). */
export function createInstance(options: Omit<SimulatorOptions, 'port' | 'host' | 'apiKey' | 'latencyMs' | 'random'> = {}): Instance {
  const store = new Store(options.now, options.idOffset ?? nextIdOffset());
  const instance = new Instance(
    store,
    { Id: 'Users-1', Username: 'admin', DisplayName: 'Administrator' },
    resourceDefinitions(),
    randomUUID(),
    serverSettings(options),
  );
  if (options.gitHost) instance.gitHost = options.gitHost;
  applySeed(instance, parseSeed(options.seed ?? 'empty'));
  return instance;
}

let instancesMade = 0;

/** 1000, 2000, ...: the default `idOffset` of each instance made in this process. */
function nextIdOffset(): number {
  instancesMade += 1;
  return instancesMade * 1000;
}

async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
