// Flags of `octosync history`.
import type { Command } from 'commander';
import type { CliIo } from './io.js';

interface HistoryFlags {
  repo: string;
  destination: string;
  stateDir?: string;
  output: 'text' | 'json';
}

export function registerHistoryCommand(program: Command, io: CliIo): void {
  program
    .command('history')
    .description('what was applied to a destination, newest first: commit, result, when, how long, how many writes')
    .requiredOption('--destination <name>', 'the destination')
    .option('--repo <path>', 'the state repository', '.')
    .option('--state-dir <path>', 'where status lives (default <repo>/.octosync)')
    .option('--output <format>', 'text or json', 'text')
    .action(async (flags: HistoryFlags) => {
      const { renderHistoryText, runHistory } = await import('../commands/history.js');
      const entries = await runHistory({ repo: flags.repo, destination: flags.destination, ...(flags.stateDir ? { stateDir: flags.stateDir } : {}), env: io.env });
      io.out(flags.output === 'json' ? JSON.stringify(entries, null, 2) : renderHistoryText(flags.destination, entries));
    });
}
