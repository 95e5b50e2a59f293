// Flags of `octosync snapshot`.
import type { Command } from 'commander';
import { connect } from '../commands/connect.js';
import { runSnapshot } from '../commands/snapshot.js';
import type { SnapshotProgress } from '../commands/snapshot.js';
import type { CliIo } from './io.js';

interface SnapshotFlags {
  source: string;
  apiKeyEnv: string;
  repo: string;
  space: string[];
  branch?: string;
  message?: string;
  allowLargeRemoval?: boolean;
}

export function registerSnapshotCommand(program: Command, io: CliIo): void {
  program
    .command('snapshot')
    .description("commit a source instance's syncable configuration to a Git repository as normalized YAML")
    .requiredOption('--source <url>', 'the source Octopus Server')
    .option('--api-key-env <name>', 'environment variable holding its API key', 'OCTOPUS_API_KEY')
    .requiredOption('--repo <path>', 'the state repository (created if missing)')
    .option('--space <name>', 'a source space to snapshot (repeatable; default: octosync.yaml, else the default space)', collect, [])
    .option('--branch <name>', 'branch to commit to (default: octosync.yaml, else "source")')
    .option('--message <text>', 'commit message (default: a summary of the change)')
    .option('--allow-large-removal', 'commit even when a kind loses all, or more than usual, of its documents since the last snapshot')
    .action(async (flags: SnapshotFlags) => {
      const { client } = await connect(flags.source, flags.apiKeyEnv, io.env);
      try {
        const result = await runSnapshot({
          api: client,
          server: flags.source,
          apiKeyEnv: flags.apiKeyEnv,
          repo: flags.repo,
          spaces: flags.space,
          branch: flags.branch,
          message: flags.message,
          allowLargeRemoval: flags.allowLargeRemoval === true,
          progress: io.isTerminal ? (event) => io.status(describeProgress(event)) : undefined,
        });
        io.status('');
        if (result.commit) io.out(`Committed ${result.commit.slice(0, 12)} to ${result.branch}: ${result.message?.split('\n')[0]}`);
        else io.out(`No changes: ${result.documents} documents already match ${flags.source}.`);
      } finally {
        await client.close();
      }
    });
}

function describeProgress(event: SnapshotProgress): string {
  return event.step === 'read' ? `Reading space ${event.space}: ${event.done}/${event.total} collections` : `Writing ${event.files} files`;
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
