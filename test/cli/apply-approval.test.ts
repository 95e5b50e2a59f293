// `apply` on a terminal shows the plan and asks before writing; only "yes" applies. The command
// runs in-process with a terminal's answers; the destination is a simulator over real HTTP.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import type { CliIo } from '../../src/cli/io.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { writes } from '../support/destinations.js';
import { stateRepo } from '../support/gitops.js';
import type { StateRepo } from '../support/gitops.js';
import { postCreated, simHttp } from '../support/sim-http.js';

let source: Simulator;
let destination: Simulator;
let repo: StateRepo;

beforeEach(async () => {
  source = await startSimulator({ seed: 'empty' });
  destination = await startSimulator({ seed: 'empty' });
  await postCreated(simHttp(source), '/api/Spaces-1/environments', { Name: 'Production', Description: 'Live.' });
  repo = await stateRepo();
  await repo.snapshot(source);
  await repo.writeDestination('production', { server: destination.url, apiKey: { env: 'DEST_KEY' }, branch: 'source' });
  destination.knobs.resetCounts();
});

afterEach(async () => {
  await source.close();
  await destination.close();
  await repo.cleanup();
});

/** Runs `octosync apply` as on a terminal that answers `answer`; returns what it printed and asked. */
async function applyOnTerminal(answer: string, ...flags: string[]): Promise<{ out: string[]; asked: string[] }> {
  const out: string[] = [];
  const asked: string[] = [];
  const io: CliIo = {
    out: (line) => out.push(line),
    err: (line) => out.push(line),
    status: () => undefined,
    isTerminal: true,
    color: true,
    ask: async (question) => {
      asked.push(question);
      // Nothing is written while the question waits.
      expect(writes(destination)).toEqual({ POST: 0, PUT: 0, DELETE: 0 });
      return answer;
    },
    env: { DEST_KEY: destination.apiKey },
    untilStopped: async () => undefined,
  };
  await buildProgram(io).parseAsync(['node', 'octosync', 'apply', '--repo', repo.dir, '--destination', 'production', ...flags]);
  return { out, asked };
}

describe('apply on a terminal', () => {
  it('prints the plan in colour and asks; anything but "yes" writes nothing', async () => {
    await expect(applyOnTerminal('y')).rejects.toThrow(/nothing was applied to 'production': the plan was not approved/);
    expect(writes(destination)).toEqual({ POST: 0, PUT: 0, DELETE: 0 });
  });

  it('applies after "yes", having shown the plan first', async () => {
    const { out, asked } = await applyOnTerminal('yes\n');
    expect(out[0]).toContain('Plan for destination production');
    expect(out[0]).toContain('\x1b[32m+ environment Production\x1b[0m');
    expect(asked).toEqual(["\nApply these changes to 'production'? Only 'yes' applies: "]);
    expect(writes(destination).POST).toBe(1);
    expect(out.at(-1)).toBe('Applied to production: 1 created, 0 updated, 0 deleted.');
  });

  it('does not ask with --auto-approve', async () => {
    const { asked } = await applyOnTerminal('no', '--auto-approve');
    expect(asked).toEqual([]);
    expect(writes(destination).POST).toBe(1);
  });
});
