// Flags of `octosync watch`.
import type { Command } from 'commander';
import { OctosyncError } from '../commands/errors.js';
import { DEFAULT_PARALLEL_DESTINATIONS } from '../daemon/defaults.js';
import type { CliIo } from './io.js';
import { collect } from './snapshot.js';
import { parseInteger, positiveInteger } from './simulator.js';

interface WatchFlags {
  repo: string;
  destination: string[];
  stateDir?: string;
  port: number;
  host: string;
  pollSeconds: number;
  driftSeconds: number;
  snapshotSeconds: number;
  fullReadMinutes: number;
  applyTimeoutSeconds: number;
  parallelDestinations: number;
  logLevel: string;
  logFormat: 'json' | 'pretty';
  webhookSecretEnv?: string;
  uiTokenEnv?: string;
  secretsDir: string[];
  shard?: string;
  leaseSeconds?: number;
}

export function registerWatchCommand(program: Command, io: CliIo): void {
  program
    .command('watch')
    .description('run the GitOps loop: snapshot the source, apply each new commit of every destination\'s branch, report drift')
    .requiredOption('--repo <path-or-url>', 'the state repository: a local path, or a URL cloned under the state directory')
    .option('--destination <name>', 'a destination to reconcile (repeatable; default: all)', collect, [])
    .option('--state-dir <path>', 'where status, locks and clones live (default <repo>/.octosync)')
    .option('--secrets-dir <dir>', 'a directory secret files may be read from (repeatable; default: <state dir>/secrets and /run/secrets, or OCTOSYNC_SECRETS_DIRS)', collect, [])
    .option('--port <n>', 'port of the status page (/), /healthz, /readyz, /status, /metrics and POST /hooks/git', parseInteger, 8066)
    .option('--host <address>', 'interface to listen on', '127.0.0.1')
    .option('--poll-seconds <n>', 'evaluate (and fetch a remote repository) at least this often', parseInteger, 60)
    .option('--drift-seconds <n>', 'check destinations for drift this often (0: never)', parseInteger, 300)
    .option('--snapshot-seconds <n>', 'snapshot the source this often (0: never)', parseInteger, 0)
    .option('--parallel-destinations <n>', 'destinations planned or applied at once at most (the others wait for a turn)', positiveInteger, DEFAULT_PARALLEL_DESTINATIONS)
    .option('--full-read-minutes <n>', 'drift checks and snapshots read everything at least this often (else only what the events log names)', parseInteger, 60)
    .option('--apply-timeout-seconds <n>', 'report an apply failed after this long', parseInteger, 1800)
    .option('--webhook-secret-env <name>', 'environment variable holding the secret POST /hooks/git must prove (GitHub signature, GitLab token or bearer)')
    .option('--ui-token-env <name>', 'environment variable holding the token that allows the status page\'s actions and `octosync daemon` (without it the page is read-only)')
    .option('--shard <i/n>', 'run as replica i of n: prefer the destinations whose name hashes to shard i, stand in for replicas that stopped (leases in the state repository\'s origin; i/n or <statefulset pod name>/n)')
    .option('--lease-seconds <n>', 'with --shard: a replica that stops renewing its leases for this long loses them to the others (default 3 × --poll-seconds)', parseInteger)
    .option('--log-level <level>', 'debug, info, warn or error', 'info')
    .option('--log-format <format>', 'json, or pretty for a terminal', io.isTerminal ? 'pretty' : 'json')
    .action(async (flags: WatchFlags) => {
      const [{ createLogger }, { startWatch }, { parseShard }] = await Promise.all([import('../daemon/logger.js'), import('../daemon/watch.js'), import('../daemon/replicas.js')]);
      const logger = createLogger({ level: flags.logLevel, pretty: flags.logFormat === 'pretty' });
      const shard = flags.shard === undefined ? undefined : parseShard(flags.shard);
      if (flags.leaseSeconds !== undefined && !shard) throw new OctosyncError('config-invalid', '--lease-seconds needs --shard: only replicas hold leases');
      const watch = await startWatch({
        repo: flags.repo,
        destinations: flags.destination,
        stateDir: flags.stateDir,
        secretDirs: flags.secretsDir,
        env: io.env,
        logger,
        port: flags.port,
        host: flags.host,
        pollIntervalMs: flags.pollSeconds * 1000,
        driftIntervalMs: flags.driftSeconds * 1000,
        snapshotIntervalMs: flags.snapshotSeconds * 1000,
        fullReadEveryMs: flags.fullReadMinutes * 60_000,
        applyTimeoutMs: flags.applyTimeoutSeconds * 1000,
        parallelDestinations: flags.parallelDestinations,
        webhookSecret: flags.webhookSecretEnv ? requiredEnv(io.env, flags.webhookSecretEnv, 'the webhook secret') : undefined,
        uiToken: flags.uiTokenEnv ? requiredEnv(io.env, flags.uiTokenEnv, 'the status page token') : undefined,
        ...(shard ? { shard } : {}),
        ...(flags.leaseSeconds !== undefined ? { leaseTtlMs: flags.leaseSeconds * 1000 } : {}),
      });
      await io.untilStopped();
      logger.info('stopping');
      await watch.stop();
    });
}

function requiredEnv(env: NodeJS.ProcessEnv, name: string, holding: string): string {
  const value = env[name];
  if (!value) throw new OctosyncError('config-invalid', `the environment variable ${name} holding ${holding} is not set`);
  return value;
}
