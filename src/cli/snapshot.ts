// Flags of `octosync snapshot`.
import type { Command } from 'commander';
import type { SnapshotProgress } from '../commands/snapshot.js';
import { defaultStateDir } from '../state/state-dir.js';
import type { CliIo } from './io.js';

interface SnapshotFlags {
  source?: string;
  apiKeyEnv?: string;
  switchSource?: boolean;
  repo: string;
  stateDir?: string;
  secretsDir: string[];
  space: string[];
  branch?: string;
  message?: string;
  allowLargeRemoval?: boolean;
}

export function registerSnapshotCommand(program: Command, io: CliIo): void {
  program
    .command('snapshot')
    .description("commit a source instance's syncable configuration to a Git repository as normalized YAML")
    .option('--source <url>', 'the source Octopus Server (default: octosync.yaml\'s; required for the first snapshot)')
    .option('--api-key-env <name>', 'environment variable holding its API key (default: octosync.yaml\'s apiKey, else OCTOPUS_API_KEY)')
    .option('--switch-source', 'snapshot a --source other than the configured one, and make it the source in octosync.yaml')
    .option('--repo <path>', 'the state repository (created if missing)', '.')
    .option('--state-dir <path>', 'where the snapshot\'s worktree lives (default <repo>/.octosync)')
    .option('--secrets-dir <dir>', 'a directory a key file named in octosync.yaml may be read from (repeatable)', collect, [])
    .option('--space <name>', 'a source space to snapshot (repeatable; default: octosync.yaml, else the default space)', collect, [])
    .option('--branch <name>', 'branch to commit to (default: octosync.yaml, else "source")')
    .option('--message <text>', 'commit message (default: a summary of the change)')
    .option('--allow-large-removal', 'commit even when a kind loses all, or more than usual, of its documents since the last snapshot')
    .action(async (flags: SnapshotFlags) => {
      const [{ connectWithKey }, { readRepoConfig }, { snapshotSource }, { collectSooner }] = await Promise.all([
        import('../commands/connect.js'),
        import('../commands/snapshot-config.js'),
        import('../commands/snapshot-source.js'),
        import('../commands/plan-memory.js'),
      ]);
      // A one-shot snapshot's peak memory, as a one-shot plan's (plan-memory.ts).
      collectSooner();
      const config = await readRepoConfig(flags.repo, flags.branch);
      const stateDir = flags.stateDir ?? defaultStateDir(flags.repo);
      const source = await snapshotSource(config, { server: flags.source, apiKeyEnv: flags.apiKeyEnv, switchSource: flags.switchSource }, { env: io.env, stateDir, secretDirs: flags.secretsDir });
      const branch = flags.branch ?? config?.source.branch ?? 'source';
      const connecting = connectWithKey(source.server, source.apiKey);
      // The snapshot's own code (kinds, YAML, Git, schemas) loads while the source answers.
      const loading = Promise.all([import('../commands/snapshot.js'), import('../commands/snapshot-worktree.js')]);
      // Awaited below; when the connection fails first, nobody awaits it.
      loading.catch(() => undefined);
      const { client, server } = await connecting;
      try {
        const [{ runSnapshot }, { inSnapshotWorktree }] = await loading;
        // Never in the user's checkout of another branch: see snapshot-worktree.ts.
        const result = await inSnapshotWorktree({ repo: flags.repo, stateDir, branch }, (dir, detached) =>
          runSnapshot({
            api: client,
            checked: server,
            server: source.server,
            apiKeyEnv: source.apiKeyEnv,
            repo: dir,
            detached,
            switchSource: source.switching,
            spaces: flags.space,
            branch,
            message: flags.message,
            allowLargeRemoval: flags.allowLargeRemoval === true,
            collectGarbage: true,
            progress: io.isTerminal ? (event) => io.status(describeProgress(event)) : undefined,
          }),
        );
        io.status('');
        if (source.switching) io.err(`The source is now ${source.server} (was ${config?.source.server}).`);
        if (result.commit) io.out(`Committed ${result.commit.slice(0, 12)} to ${result.branch}: ${result.message?.split('\n')[0]}`);
        else io.out(`No changes: ${result.documents} documents already match ${source.server}.`);
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
