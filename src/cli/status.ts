// Flags of `octosync status`.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { CliIo } from './io.js';

type Output = 'text' | 'json';

interface StatusFlags {
  repo: string;
  destination?: string;
  stateDir?: string;
  output: Output;
}

export function registerStatusCommand(program: Command, io: CliIo): void {
  program
    .command('status')
    .description('show each destination: the branch it follows, what was last applied and attempted, what is pending, drift, sync policy')
    .requiredOption('--repo <path>', 'the state repository')
    .option('--destination <name>', 'only this destination (destinations/<name>.yaml)')
    .option('--state-dir <path>', 'where status is kept (default <repo>/.octosync)')
    .option('--output <format>', 'text or json', parseOutput, 'text')
    .action(async (flags: StatusFlags) => {
      const { renderStatusText, runStatus } = await import('../commands/status.js');
      const report = await runStatus({ repo: flags.repo, destination: flags.destination, stateDir: flags.stateDir, env: io.env });
      io.out(flags.output === 'json' ? JSON.stringify(report, null, 2) : renderStatusText(report));
    });
}

function parseOutput(value: string): Output {
  if (value === 'text' || value === 'json') return value;
  throw new InvalidArgumentError('expected text or json.');
}
