// Raw HTTP against a simulator, for tests that check the wire itself, and a few checked
// shortcuts for the resources tests set a simulator up with.
import { afterAll, beforeAll, expect } from 'vitest';
import type { JsonObject } from '../../src/core/document.js';
import { DEFAULT_API_KEY, startSimulator } from '../../src/simulator/index.js';
import type { Simulator, SimulatorOptions } from '../../src/simulator/index.js';

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
  body: any;
}

export interface SimHttp {
  get(path: string): Promise<RawResponse>;
  post(path: string, body: unknown): Promise<RawResponse>;
  put(path: string, body: unknown): Promise<RawResponse>;
  del(path: string): Promise<RawResponse>;
  send(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<RawResponse>;
}

export function simHttp(sim: Pick<Simulator, 'url' | 'apiKey'>, apiKey: string | null = sim.apiKey): SimHttp {
  const send = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RawResponse> => {
    const response = await fetch(`${sim.url}${path}`, {
      method,
      headers: {
        ...(apiKey === null ? {} : { 'X-Octopus-ApiKey': apiKey }),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, body: text === '' ? undefined : JSON.parse(text) };
  };
  return {
    send,
    get: (path) => send('GET', path),
    post: (path, body) => send('POST', path, body),
    put: (path, body) => send('PUT', path, body),
    del: (path) => send('DELETE', path),
  };
}

/** POSTs a new resource and returns it as the server stored it; anything but 201 fails the test with the server's answer. */
export async function postCreated(http: SimHttp, path: string, body: unknown): Promise<RawResponse['body']> {
  const response = await http.post(path, body);
  expect(response.status, `POST ${path}: ${response.text}`).toBe(201);
  return response.body;
}

/**
 * The ids of the default project group and lifecycle every space comes with, for a project body:
 * ids differ from one simulator to another (see `idOffset`), names do not.
 */
export async function defaultProjectFields(http: SimHttp, space = 'Spaces-1'): Promise<{ ProjectGroupId: string; LifecycleId: string }> {
  const byName = async (collection: string, name: string) => {
    const found = ((await http.get(`/api/${space}/${collection}/all`)).body as JsonObject[]).find((resource) => resource.Name === name);
    if (!found) throw new Error(`no ${collection} named '${name}'`);
    return String(found.Id);
  };
  return { ProjectGroupId: await byName('projectgroups', 'Default Project Group'), LifecycleId: await byName('lifecycles', 'Default Lifecycle') };
}

/** Creates a project over plain HTTP in the space's default project group and lifecycle, for tests whose kind is not projects. */
export async function createProject(http: SimHttp, name: string): Promise<JsonObject> {
  return (await postCreated(http, '/api/Spaces-1/projects', { Name: name, ...(await defaultProjectFields(http)) })) as JsonObject;
}

/** A project's deployment process as the API returns it (with ids), by the project's name. */
export async function deploymentProcessOf(http: SimHttp, projectName: string): Promise<JsonObject> {
  const projects = (await http.get('/api/Spaces-1/projects/all')).body as JsonObject[];
  const project = projects.find((p) => p.Name === projectName);
  if (!project) throw new Error(`no project ${projectName}`);
  return (await http.get(`/api/Spaces-1/deploymentprocesses/${String(project.DeploymentProcessId)}`)).body as JsonObject;
}

/**
 * One unrelated resource of every kind a process refers to, created before the real ones so the
 * same names get other ids than in a space built without them: a copied process must map ids by
 * name, not keep them.
 */
export async function createProcessDecoys(http: SimHttp): Promise<void> {
  const post = (path: string, body: unknown) => postCreated(http, `/api/Spaces-1/${path}`, body);
  await post('environments', { Name: 'Decoy' });
  await post('feeds', { Name: 'Decoy Feed', FeedType: 'NuGet', FeedUri: 'https://decoy.example.com' });
  await post('workerpools', { Name: 'Decoy Pool', WorkerPoolType: 'StaticWorkerPool' });
  await post('teams', { Name: 'Decoy Team' });
  await post('actiontemplates', { Name: 'Decoy Template', ActionType: 'Octopus.Script', Properties: {} });
  await post('projects', { Name: 'Decoy Project', ...(await defaultProjectFields(http)) });
}

export interface FileSimulator {
  /** The running simulator (from before the file's first test until after its last). */
  readonly sim: Simulator;
  /** Raw HTTP to it. */
  http: SimHttp;
  /** POSTs a new resource to it and returns it; anything but 201 fails the test. */
  created(path: string, body: unknown): Promise<RawResponse['body']>;
}

/**
 * One empty simulator shared by every test of a file, for the simulator's own tests: each test
 * makes its own uniquely named resources, so they need no server of their own. Call once at the
 * top of the file.
 */
export function emptySimulatorForFile(options: Omit<SimulatorOptions, 'seed' | 'idOffset'> = {}): FileSimulator {
  let started: Simulator | undefined;
  const current = (): Simulator => {
    if (!started) throw new Error('the simulator runs only while the file\'s tests do');
    return started;
  };
  beforeAll(async () => {
    // These tests check what one fresh server answers, its ids included.
    started = await startSimulator({ ...options, seed: 'empty', idOffset: 0 });
  });
  afterAll(async () => {
    await started?.close();
  });
  // simHttp reads the address on each request: the simulator starts after the file is collected.
  const http = simHttp({ get url() { return current().url; }, apiKey: DEFAULT_API_KEY });
  return {
    get sim() {
      return current();
    },
    http,
    created: (path, body) => postCreated(http, path, body),
  };
}
