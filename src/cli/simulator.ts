// Flags of `octosync simulator`.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { CliIo } from './io.js';

interface SimulatorFlags {
  port: number;
  host: string;
  apiKey?: string;
  seed: string;
  latencyMs: number;
  idOffset?: number;
  flavour: 'self-hosted' | 'cloud';
  serverVersion?: string;
  legacyTenantVariables?: boolean;
  withoutDeprecatedRoutes?: boolean;
  withoutCommunityLibrary?: boolean;
}

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
    .option('--flavour <flavour>', 'self-hosted or cloud (Octopus Cloud: dynamic worker pools, no local feed paths)', parseFlavour, 'self-hosted')
    .option('--server-version <version>', 'the Octopus Server version it reports (default: a 2026 release)')
    .option('--legacy-tenant-variables', 'no scoped tenant variable API (CommonVariableScopingFeatureToggle off, as before 2025.2)')
    .option('--without-deprecated-routes', 'answer 404 on the routes the 2026 reference marks deprecated')
    .option('--without-community-library', 'no community step template library (an air-gapped server)')
    .action(async (flags: SimulatorFlags) => {
      const { runSimulator } = await import('../commands/simulator.js');
      await runSimulator({
        port: flags.port,
        host: flags.host,
        apiKey: flags.apiKey,
        seed: flags.seed,
        latencyMs: flags.latencyMs,
        idOffset: flags.idOffset,
        flavour: flags.flavour,
        version: flags.serverVersion,
        tenantVariableScoping: flags.legacyTenantVariables !== true,
        deprecatedRoutes: flags.withoutDeprecatedRoutes !== true,
        communityTemplates: flags.withoutCommunityLibrary !== true,
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

export function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('expected a whole number of 1 or more.');
  return parsed;
}

function parseFlavour(value: string): 'self-hosted' | 'cloud' {
  if (value !== 'self-hosted' && value !== 'cloud') throw new InvalidArgumentError('expected self-hosted or cloud.');
  return value;
}
