// `octosync daemon <action> <destination>`: the status page's actions (apply the pending commit,
// check drift now, suspend, resume) against a running `octosync watch`, with its --ui-token-env token.
import { Argument } from 'commander';
import type { Command } from 'commander';
import { OctosyncError } from '../commands/errors.js';
import { ACTIONS } from '../daemon/server.js';
import type { ActionName } from '../daemon/server.js';
import type { CliIo } from './io.js';

interface DaemonFlags {
  url: string;
  tokenEnv: string;
}

const DESCRIPTIONS: Record<ActionName, string> = {
  apply: 'apply the pending commit of the branch the destination follows (also with sync: manual or suspended)',
  'check-drift': 'compare the destination with its applied commit now',
  suspend: 'stop applying by itself (kept across restarts)',
  resume: 'apply by itself again',
};

export function registerDaemonCommand(program: Command, io: CliIo): void {
  program
    .command('daemon')
    .description('act on a destination through a running `octosync watch` (its status page\'s actions)')
    .addArgument(new Argument('<action>', ACTIONS.map((a) => `${a}: ${DESCRIPTIONS[a]}`).join('; ')).choices(ACTIONS))
    .argument('<destination>', 'the destination to act on')
    .option('--url <url>', 'where the daemon listens', 'http://127.0.0.1:8066')
    .option('--token-env <name>', 'environment variable holding the token the daemon was started with (--ui-token-env)', 'OCTOSYNC_UI_TOKEN')
    .action(async (action: ActionName, destination: string, flags: DaemonFlags) => {
      const token = io.env[flags.tokenEnv];
      if (!token) throw new OctosyncError('config-invalid', `the environment variable ${flags.tokenEnv} holding the daemon's token is not set`);
      const url = new URL(`destinations/${encodeURIComponent(destination)}/${action}`, flags.url.endsWith('/') ? flags.url : `${flags.url}/`);
      let response: Response;
      try {
        response = await fetch(url, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
      } catch (error) {
        throw new OctosyncError('daemon-refused', `no daemon answers at ${flags.url}: ${(error as Error).message}`);
      }
      const body = (await response.json().catch(() => ({}))) as { done?: boolean; message?: string; error?: string };
      if (!response.ok) throw new OctosyncError('daemon-refused', `the daemon at ${flags.url} refused: ${body.error ?? response.statusText}`);
      io.out(body.message ?? '');
      if (body.done === false) process.exitCode = 1;
    });
}
