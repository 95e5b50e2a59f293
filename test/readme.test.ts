// The README tells the truth: every command and option it shows exists, its configuration
// examples pass the schemas, and the quick-start demo runs as narrated.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli/program.js';
import type { CliIo } from '../src/cli/io.js';
import { runDemo } from '../src/commands/demo.js';
import { parseYaml } from '../src/repo/yaml.js';
import { loadSchemas } from '../src/validate/schemas.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

function section(heading: string): string {
  const start = README.indexOf(heading);
  if (start === -1) throw new Error(`README has no section ${heading}`);
  const rest = README.slice(start + heading.length);
  const next = rest.search(/\n#{2,3} /);
  return next === -1 ? rest : rest.slice(0, next);
}

function yamlBlocks(text: string): string[] {
  return [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string);
}

const silent: CliIo = { out: () => undefined, err: () => undefined, status: () => undefined, isTerminal: false, env: {}, untilStopped: async () => undefined };

describe('README', () => {
  const program = buildProgram(silent);

  it('shows only commands and options octosync has', () => {
    const rows = section('## Commands').split('\n').filter((line) => line.startsWith('| `octosync '));
    expect(rows.length).toBeGreaterThanOrEqual(10);
    for (const row of rows) {
      const usage = /`octosync ([^`]+)`/.exec(row)?.[1] as string;
      const name = usage.split(' ')[0] as string;
      const command = program.commands.find((c) => c.name() === name);
      expect(command, `command ${name}`).toBeDefined();
      const known = new Set(command?.options.flatMap((o) => [o.long, o.short]).filter(Boolean));
      for (const flag of usage.match(/--[a-z-]+/g) ?? []) expect(known.has(flag), `${name} ${flag}`).toBe(true);
    }
  });

  it('gives an octosync.yaml example that passes its schema', () => {
    const [example] = yamlBlocks(section('### `octosync.yaml`'));
    expect(loadSchemas().validate('octosync', parseYaml(example as string, 'README octosync.yaml').value)).toEqual([]);
  });

  it('gives a destination example that passes its schema', () => {
    const [example] = yamlBlocks(section('### Destination files and overlays'));
    expect(loadSchemas().validate('destination', parseYaml(example as string, 'README destination').value)).toEqual([]);
  });

  it('gives a GitHub Actions example that is valid YAML and runs validate and plan', () => {
    const [workflow] = yamlBlocks(section('## In CI, on pull requests'));
    const parsed = parseYaml(workflow as string, 'README workflow').value as { jobs: { plan: { steps: { run?: string }[] } } };
    const runs = parsed.jobs.plan.steps.map((step) => step.run ?? '').join('\n');
    expect(runs).toContain('octosync validate --repo .');
    expect(runs).toContain('octosync plan --repo . --destination production --ref HEAD --output markdown');
  });

  it('runs the quick-start demo as narrated: snapshot, plan, apply, change, diff, apply, revert', async () => {
    const lines: string[] = [];
    const io = { say: (line: string) => lines.push(line), show: (text: string) => lines.push(text), progress: () => undefined };
    await runDemo(io);
    const text = lines.join('\n');
    for (const step of ['1. Snapshot the source', '2. Plan the destination', '3. Apply', '4. Someone changes the source', '5. Snapshot again', '6. Plan: only what changed', '7. Apply', '8. Roll back']) {
      expect(text).toContain(step);
    }
    expect(text).toContain('+    Value: E2NEWCDN7');
    expect(text).toContain('The destination is back where it was; 0 changes remain.');
  }, 60_000);
});
