// Shared set-up for the client tests: a simulator over real HTTP, a client pointed at it, and a
// sleep that records the delays asked for instead of waiting.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createOctopusClient } from '../../src/octopus/index.js';
import type { OctopusClient, OctopusClientOptions } from '../../src/octopus/index.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator, SimulatorOptions } from '../../src/simulator/index.js';

export interface SleepRecorder {
  delays: number[];
  sleep: (ms: number) => Promise<void>;
}

/** Records each delay and returns at once, so retry tests are fast and can assert the waits. */
export function recordSleeps(): SleepRecorder {
  const delays: number[] = [];
  return {
    delays,
    sleep: (ms) => {
      delays.push(ms);
      return Promise.resolve();
    },
  };
}

export interface Harness {
  sim: Simulator;
  client: OctopusClient;
  sleeps: SleepRecorder;
  close(): Promise<void>;
}

/** A simulator plus a client with fast, recorded retries. */
export async function startHarness(
  simOptions: SimulatorOptions = {},
  clientOptions: Partial<OctopusClientOptions> = {},
): Promise<Harness> {
  const sim = await startSimulator({ seed: 'empty', latencyMs: 0, ...simOptions });
  const sleeps = recordSleeps();
  const client = createOctopusClient({
    server: sim.url,
    apiKey: sim.apiKey,
    ...clientOptions,
    retry: { sleep: sleeps.sleep, random: () => 0.5, baseDelayMs: 100, ...clientOptions.retry },
  });
  return {
    sim,
    client,
    sleeps,
    close: async () => {
      await client.close();
      await sim.close();
    },
  };
}

/** A local port nothing listens on: bound once to get a free number, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  return port;
}

export interface Proxy {
  url: string;
  close(): Promise<void>;
}

/**
 * A reverse proxy in front of the simulator, standing in for how Octopus is deployed in the wild:
 * under a path prefix (`/octopus`, a virtual directory) and, optionally, with a server that caps
 * `take` (as some endpoints and proxies do). Requests under `/moved` are redirected into the
 * prefix (as a server that moved would); anything else outside the prefix gets an HTML 404.
 */
export async function startPrefixProxy(target: string, prefix: string, options: { maxTake?: number } = {}): Promise<Proxy> {
  const { createServer: createHttpServer, request } = await import('node:http');
  const upstream = new URL(target);
  const server = createHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    if (url.pathname.startsWith('/moved/')) {
      res.writeHead(301, { Location: `${prefix}${url.pathname.slice('/moved'.length)}` }).end();
      return;
    }
    if (!url.pathname.startsWith(`${prefix}/`)) {
      res.writeHead(404, { 'Content-Type': 'text/html' }).end('<html><body>Not found</body></html>');
      return;
    }
    url.pathname = url.pathname.slice(prefix.length);
    const take = Number(url.searchParams.get('take'));
    if (options.maxTake !== undefined && take > options.maxTake) url.searchParams.set('take', String(options.maxTake));
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: `${url.pathname}${url.search}`, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
