// Flags of `octosync demo`.
import type { Command } from 'commander';
import type { CliIo } from './io.js';

export function registerDemoCommand(program: Command, io: CliIo): void {
  program
    .command('demo')
    .description('show the whole loop on two embedded simulators and a temporary Git repository (under a minute)')
    .option('--keep', 'keep the demo repository instead of deleting it')
    .action(async (flags: { keep?: boolean }) => {
      const { runDemo } = await import('../commands/demo.js');
      await runDemo({ say: io.out, show: (text) => io.out(indent(text.trimEnd())), progress: io.status }, { keep: flags.keep === true });
    });
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
