// Flags of `octosync simulator`.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { runSimulator } from '../commands/simulator.js';
import type { CliIo } from './io.js';

export function registerSimulatorCommand(program: Command, io: CliIo): void {
  program
    .command('simulator')
    .description('serve a simulated Octopus Server (for trying octosync and for tests)')
    .option('--port <n>', 'port to listen on (0 picks a free one)', parseInteger, 8065)
    .option('--host <address>', 'interface to listen on', '127.0.0.1')
    .option('--api-key <key>', 'the API key clients must send')
    .option('--seed <seed>', 'empty, sample or synthetic:N', 'empty')
    .option('--latency-ms <n>', 'delay added to every request', parseInteger, 0)
    .option('--id-offset <n>', 'where id counters start (0: a fresh server\'s ids; default 1000)', parseInteger)
    .action(async (flags: { port: number; host: string; apiKey?: string; seed: string; latencyMs: number; idOffset?: number }) => {
      await runSimulator({
        port: flags.port,
        host: flags.host,
        apiKey: flags.apiKey,
        seed: flags.seed,
        latencyMs: flags.latencyMs,
        idOffset: flags.idOffset,
        print: io.out,
        untilStopped: io.untilStopped(),
      });
    });
}

export function parseInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError('expected a whole number of 0 or more.');
  return parsed;
}
