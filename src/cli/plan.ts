// Flags of `octosync plan`.
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { Plan } from '../core/plan.js';
import type * as PlanRenderers from '../core/render-plan.js';
import type { CliIo } from './io.js';
import { collect } from './snapshot.js';

type Output = 'text' | 'json' | 'markdown';

interface PlanFlags {
  repo: string;
  destination: string;
  ref?: string;
  output: Output;
  out?: string;
  detailedExitcode?: boolean;
  allowLargeDeletes?: boolean;
  stateDir?: string;
  secretsDir: string[];
}

export function registerPlanCommand(program: Command, io: CliIo): void {
  program
    .command('plan')
    .description('show what apply would change in a destination (exit 0 no changes, 1 error, 2 changes with --detailed-exitcode)')
    .requiredOption('--repo <path>', 'the state repository')
    .requiredOption('--destination <name>', 'a destination (destinations/<name>.yaml)')
    .option('--ref <commit>', 'branch, tag or commit to plan (default: the branch the destination follows)')
    .option('--output <format>', 'text, json or markdown', parseOutput, 'text')
    .option('--out <file>', 'also save the plan as JSON, for `apply --plan`')
    .option('--detailed-exitcode', 'exit 2 when there are changes')
    .option('--allow-large-deletes', 'plan as if deleting every document of a kind, or a large share, was confirmed')
    .option('--state-dir <path>', 'where status is kept (default <repo>/.octosync)')
    .option('--secrets-dir <dir>', 'a directory secret files may be read from (repeatable; default: <state dir>/secrets and /run/secrets, or OCTOSYNC_SECRETS_DIRS)', collect, [])
    .action(async (flags: PlanFlags) => {
      const [{ preparePlan, withLiveDigest }, { collectSooner }, renderers] = await Promise.all([import('../commands/plan.js'), import('../commands/plan-memory.js'), import('../core/render-plan.js')]);
      collectSooner();
      const prepared = await preparePlan({
        repo: flags.repo,
        destination: flags.destination,
        ref: flags.ref,
        env: io.env,
        stateDir: flags.stateDir,
        secretDirs: flags.secretsDir,
        allowLargeDeletes: flags.allowLargeDeletes === true,
        collectGarbage: true,
        parseAhead: true,
      });
      await prepared.client.close();
      // What goes out as JSON carries the digest of the destination's state, for `apply --plan`.
      const plan = flags.out || flags.output === 'json' ? withLiveDigest(prepared) : prepared.plan;
      io.out(render(renderers, plan, flags.output, io.color === true).trimEnd());
      if (flags.out) await writeFile(flags.out, `${JSON.stringify(plan, null, 2)}\n`);
      process.exitCode = planExitCode(plan, flags.detailedExitcode === true);
    });
}

function render(renderers: typeof PlanRenderers, plan: Plan, output: Output, color = false): string {
  if (output === 'json') return JSON.stringify(plan, null, 2);
  if (output === 'markdown') return renderers.renderPlanMarkdown(plan);
  return renderers.renderPlanText(plan, { color });
}

/**
 * 1 when the plan cannot be applied as it is (problems, or secrets nothing supplies: apply
 * refuses both), or, when asked, when it may be incomplete; 2 for changes (when asked), else 0.
 */
export function planExitCode(plan: Plan, detailed: boolean): number {
  if (plan.problems.length > 0 || plan.missingSecrets.length > 0) return 1;
  // An incomplete plan (what was applied before could not be read) never passes for "no changes".
  if (detailed && plan.incomplete?.length) return 1;
  return detailed && plan.changes.length > 0 ? 2 : 0;
}

function parseOutput(value: string): Output {
  if (value === 'text' || value === 'json' || value === 'markdown') return value;
  throw new InvalidArgumentError('expected text, json or markdown.');
}
