// What a snapshot and a no-op plan ask the server, by route: the server check, then each
// collection once. Nothing is asked twice: what the check read (the version, the spaces) is
// what the command uses. The commands run in-process as the CLI runs them, against a simulator
// over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import type { CliIo } from '../../src/cli/io.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';

let source: Simulator;
let repo: StateRepo;

beforeAll(async () => {
  source = await startSimulator({ seed: 'synthetic:10', tenantVariableScoping: false });
  repo = await stateRepo();
});

afterAll(async () => {
  await source.close();
  await repo.cleanup();
});

/** Runs `octosync <args>` in-process; returns the requests the source received, by route. */
async function requestsOf(args: string[]): Promise<Record<string, number>> {
  const io: CliIo = { out: () => undefined, err: () => undefined, status: () => undefined, isTerminal: false, env: { SOURCE_KEY: source.apiKey }, untilStopped: async () => undefined };
  source.knobs.resetCounts();
  await buildProgram(io).parseAsync(['node', 'octosync', ...args]);
  return Object.fromEntries(Object.entries(source.knobs.requestCounts().byRoute).filter(([, count]) => count > 0));
}

const repeated = (byRoute: Record<string, number>) => Object.entries(byRoute).filter(([, count]) => count > 1);

describe('requests of a read-only command', () => {
  let snapshot: Record<string, number>;
  beforeAll(async () => {
    snapshot = await requestsOf(['snapshot', '--source', source.url, '--api-key-env', 'SOURCE_KEY', '--repo', repo.dir]);
    await repo.writeDestination('self', { server: source.url, apiKey: { env: 'SOURCE_KEY' }, branch: 'source', missingSecrets: 'placeholder' });
  });

  it('a snapshot asks for each route once: the version and the spaces only in the server check', () => {
    expect(repeated(snapshot)).toEqual([]);
    expect(snapshot['GET /api']).toBe(1);
    expect(snapshot['GET /api/spaces/all']).toBe(1);
    // The space list needs the key: it is the key check, so nothing asks who the key belongs to.
    expect(snapshot['GET /api/users/me']).toBeUndefined();
    expect(Object.keys(snapshot).length).toBeGreaterThan(20);
  });

  it('a no-op plan asks for each route once, and for the same routes as the snapshot', async () => {
    const plan = await requestsOf(['plan', '--repo', repo.dir, '--destination', 'self', '--detailed-exitcode']);
    expect(process.exitCode ?? 0).toBe(0);
    expect(repeated(plan)).toEqual([]);
    expect(Object.keys(plan).sort()).toEqual(Object.keys(snapshot).sort());
  });
});
