// The octosync executable: run a command and map its outcome to an exit code.
// Exit codes: 0 success (no changes), 1 error, 2 changes present (plan --detailed-exitcode).
import { CommanderError } from 'commander';
import { processIo } from './cli/io.js';
import { buildProgram } from './cli/program.js';

async function main(argv: string[]): Promise<number> {
  const io = processIo();
  try {
    await buildProgram(io).parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 1;
    io.err(`octosync: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

process.exit(await main(process.argv));
