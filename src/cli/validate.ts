// Flags of `octosync validate`.
import type { Command } from 'commander';
import type { CliIo } from './io.js';

export function registerValidateCommand(program: Command, io: CliIo): void {
  program
    .command('validate')
    .description('check a state repository: YAML, schemas, duplicate names and references (exit 1 on any error)')
    .requiredOption('--repo <path>', 'the state repository')
    .option('--ref <commit>', 'validate a branch, tag or commit instead of the working tree')
    .action(async (flags: { repo: string; ref?: string }) => {
      const { formatIssue, runValidate } = await import('../commands/validate.js');
      const report = await runValidate({ repo: flags.repo, ref: flags.ref });
      for (const issue of report.errors) io.err(formatIssue(issue));
      for (const issue of report.warnings) io.err(`warning: ${formatIssue(issue)}`);
      for (const item of report.external) {
        io.out(`note: ${item.kind.replace(/-/g, ' ').replace(/s$/, '')} '${item.name}' is never synced; it must exist in each destination (used by ${item.files.join(', ')})`);
      }
      if (report.errors.length > 0) {
        io.err(`${report.errors.length} ${report.errors.length === 1 ? 'error' : 'errors'} in ${report.documents} documents`);
        process.exitCode = 1;
      } else {
        io.out(`ok: ${report.documents} documents valid`);
      }
    });
}
