// Flags of `octosync revert`.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { CliIo } from './io.js';

interface RevertFlags {
  branch: string;
  repo: string;
  message?: string;
  mainline?: number;
}

export function registerRevertCommand(program: Command, io: CliIo): void {
  program
    .command('revert')
    .description('commit the revert of <commit> on a branch (roll back the destinations that follow it) without touching your working tree')
    .argument('<commit>', 'the commit to revert (a sha, or anything git rev-parse takes)')
    .requiredOption('--branch <name>', 'the branch to revert it on (the one the destination follows)')
    .requiredOption('--repo <path>', 'the state repository')
    .option('--message <text>', 'the commit message (default: Revert "<subject>")')
    .option('--mainline <n>', 'for a merge commit: the parent whose side is kept (1: the branch merged into)', parseMainline)
    .action(async (commit: string, flags: RevertFlags) => {
      const { runRevert } = await import('../commands/revert.js');
      const result = await runRevert({ repo: flags.repo, commit, branch: flags.branch, message: flags.message, mainline: flags.mainline, env: io.env });
      io.out(`Reverted ${result.reverted.slice(0, 12)} on ${result.branch}: ${result.commit}`);
      for (const line of result.message.split('\n')) io.out(line === '' ? '' : `    ${line}`);
      for (const follower of result.followers) {
        io.out(
          follower.sync === 'auto'
            ? `Destination ${follower.name} follows ${result.branch}: the watch daemon applies it.`
            : `Destination ${follower.name} follows ${result.branch} with sync manual: run \`octosync apply --repo ${flags.repo} --destination ${follower.name}\`.`,
        );
      }
      if (result.upstream) io.out(`${result.branch} tracks ${result.upstream}; the revert is local until you push it.`);
    });
}

function parseMainline(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a parent number: 1, 2, ...');
  return n;
}
