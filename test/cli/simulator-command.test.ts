// `octosync simulator` flags: what kind of server it serves.
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import type { CliIo } from '../../src/cli/io.js';

/** Runs `octosync simulator <args>` in this process, asks the root document and the feature toggles, then stops it. */
async function serve(args: string[]): Promise<{ lines: string[]; root: Record<string, unknown>; toggles: unknown; pools: number }> {
  const lines: string[] = [];
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  let listening: (url: string) => void = () => undefined;
  const url = new Promise<string>((resolve) => (listening = resolve));
  const io: CliIo = {
    out: (line) => {
      lines.push(line);
      const match = /listening on (\S+)/.exec(line);
      if (match?.[1]) listening(match[1]);
    },
    err: (line) => lines.push(line),
    status: () => undefined,
    isTerminal: false,
    env: {},
    untilStopped: () => stopped,
  };
  const running = buildProgram(io).parseAsync(['node', 'octosync', 'simulator', '--port', '0', '--api-key', 'API-TEST', ...args]);
  const base = await url;
  const get = async (path: string) => (await fetch(`${base}${path}`, { headers: { 'X-Octopus-ApiKey': 'API-TEST' } })).json() as Promise<Record<string, unknown>>;
  const root = await get('/api');
  const toggles = (await get('/api/configuration/feature-toggles?Name=CommonVariableScopingFeatureToggle')).FeatureToggles;
  const pools = ((await get('/api/Spaces-1/workerpools/all')) as unknown as { WorkerPoolType: string }[]).filter((pool) => pool.WorkerPoolType === 'DynamicWorkerPool').length;
  stop();
  await running;
  return { lines, root, toggles, pools };
}

describe('octosync simulator', () => {
  it('serves a self-hosted 2026 server with the scoped tenant variable API by default', async () => {
    const served = await serve([]);
    expect(served.root.Version).toMatch(/^2026\./);
    expect(served.toggles).toEqual([{ Name: 'CommonVariableScopingFeatureToggle', IsEnabled: true }]);
    expect(served.pools).toBe(0);
    expect(served.lines).toContain(`Octopus Server ${String(served.root.Version)} (self-hosted), scoped tenant variables on.`);
  });

  it('serves Octopus Cloud, an older version, the legacy tenant variable API', async () => {
    const served = await serve(['--flavour', 'cloud', '--server-version', '2025.1.9000', '--legacy-tenant-variables', '--without-deprecated-routes', '--without-community-library']);
    expect(served.root.Version).toBe('2025.1.9000');
    expect(served.toggles).toEqual([{ Name: 'CommonVariableScopingFeatureToggle', IsEnabled: false }]);
    expect(served.pools).toBe(2);
  });
});
