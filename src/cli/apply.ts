// Flags of `octosync apply`.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { OctosyncError } from '../commands/errors.js';
import { positiveInteger } from './simulator.js';
import type { Plan } from '../core/plan.js';
import type { renderPlanText as RenderPlanText } from '../core/render-plan.js';
import { DEFAULT_MAX_CONCURRENCY } from '../octopus/defaults.js';
import type { CliIo } from './io.js';
import { collect } from './snapshot.js';

interface ApplyFlags {
  repo: string;
  destination?: string;
  ref?: string;
  plan?: string;
  stateDir?: string;
  secretsDir: string[];
  concurrency: number;
  autoApprove?: boolean;
  allowLargeDeletes?: boolean;
}

const VERB = { create: 'created', update: 'updated', delete: 'deleted' } as const;

export function registerApplyCommand(program: Command, io: CliIo): void {
  program
    .command('apply')
    .description('make a destination match the repository (plan, then apply), or apply a saved plan if it is still current')
    .requiredOption('--repo <path>', 'the state repository')
    .option('--destination <name>', 'a destination (destinations/<name>.yaml)')
    .option('--ref <commit>', 'branch, tag or commit to apply (default: the branch the destination follows)')
    .option('--plan <file>', 'a plan saved by `plan --out`; refused if the commit (of the ref it was planned at), overlay or destination moved since')
    .option('--allow-large-deletes', 'confirm deleting every document of a kind, or more than largeDeleteShare of what octosync manages in a space')
    .option('--auto-approve', 'apply without showing the plan and asking (needed without a terminal, except with --plan)')
    .option('--state-dir <path>', 'where status is kept (default <repo>/.octosync)')
    .option('--secrets-dir <dir>', 'a directory secret files may be read from (repeatable; default: <state dir>/secrets and /run/secrets, or OCTOSYNC_SECRETS_DIRS)', collect, [])
    .option('--concurrency <n>', 'requests in flight to the destination at most, halved while it answers 429 (lower it to stay within its rate limits)', positiveInteger, DEFAULT_MAX_CONCURRENCY)
    .action(async (flags: ApplyFlags) => {
      const [{ runApply }, { renderPlanText }] = await Promise.all([import('../commands/apply.js'), import('../core/render-plan.js')]);
      const savedPlan = flags.plan ? (JSON.parse(await readFile(flags.plan, 'utf8')) as Plan) : undefined;
      const destination = flags.destination ?? savedPlan?.destination;
      if (!destination) throw new OctosyncError('config-invalid', 'apply needs --destination or --plan');
      // A saved plan was reviewed already; anything else is shown and confirmed, or approved by flag.
      const approve = flags.autoApprove || savedPlan ? undefined : approval(io, destination, renderPlanText);
      const result = await runApply({
        repo: flags.repo,
        destination,
        // Not the saved plan's commit: planning at it would always match, and a saved plan would
        // apply an old commit after its branch moved on. The branch is re-resolved and compared.
        // A saved plan is checked against the same ref now: a branch it followed may have moved.
        ref: flags.ref ?? savedPlan?.ref,
        env: io.env,
        stateDir: flags.stateDir,
        secretDirs: flags.secretsDir,
        concurrency: flags.concurrency,
        savedPlan,
        allowLargeDeletes: flags.allowLargeDeletes === true,
        ...(approve ? { approve } : {}),
        progress: (outcome) => {
          if (outcome.result === 'applied') io.out(`✓ ${VERB[outcome.action]} ${outcome.kind} ${outcome.name}`);
        },
      });
      if (result.result === 'no-changes') io.out(renderPlanText(result.plan, { color: io.color === true }).trimEnd());
      else {
        const { create, update, delete: remove } = result.plan.summary;
        io.out(`Applied to ${destination}: ${create} created, ${update} updated, ${remove} deleted.`);
      }
    });
}

/** Shows the plan on the terminal and asks; without a terminal there is no one to ask, so nothing runs. */
function approval(io: CliIo, destination: string, renderPlanText: typeof RenderPlanText): (plan: Plan) => Promise<boolean> {
  const ask = io.ask;
  if (!ask) {
    throw new OctosyncError('not-approved', `apply without a terminal needs --auto-approve (there is no one to show the plan and ask); nothing was applied to '${destination}'`);
  }
  return async (plan) => {
    io.out(renderPlanText(plan, { color: io.color === true }).trimEnd());
    const answer = await ask(`\nApply these changes to '${destination}'? Only 'yes' applies: `);
    return answer.trim() === 'yes';
  };
}
