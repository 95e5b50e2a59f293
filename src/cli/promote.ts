// `octosync promote <from> <to>`: merge one branch into another (or print what a pull request
// would contain), bringing back changes an earlier revert of a promotion keeps out.
import type { Command } from 'commander';
import type { Promotion } from '../repo/promotion.js';
import type { CliIo } from './io.js';

interface PromoteFlags {
  repo: string;
  dryRun?: boolean;
  output: 'text' | 'json';
}

export function registerPromoteCommand(program: Command, io: CliIo): void {
  program
    .command('promote')
    .description('merge <from> into <to> without switching your checkout; changes a revert of an earlier promotion keeps out are brought back (the revert is reverted), and it says so')
    .argument('<from>', 'the branch to promote (e.g. staging)')
    .argument('<to>', 'the branch it goes to (e.g. production)')
    .option('--repo <path>', 'the state repository', '.')
    .option('--dry-run', 'change nothing: print what a pull request would contain, and what would be brought back')
    .option('--output <format>', 'text or json', 'text')
    .action(async (from: string, to: string, flags: PromoteFlags) => {
      const { promote } = await import('../repo/promotion.js');
      const result = await promote({ dir: flags.repo, from, to, env: io.env, dryRun: flags.dryRun === true });
      if (flags.output === 'json') io.out(JSON.stringify(result, null, 2));
      else io.out(describePromotion(result, flags.dryRun === true));
    });
}

export function describePromotion(p: Promotion, dryRun: boolean): string {
  const lines: string[] = [];
  if (dryRun) {
    lines.push(`A pull request from ${p.from} to ${p.to} would contain ${p.commits.length} ${p.commits.length === 1 ? 'commit' : 'commits'}:`);
    for (const c of p.commits) lines.push(`  ${c.commit.slice(0, 12)} ${c.subject}`);
    for (const k of p.keptOut) lines.push(`and would bring back "${k.subject}" (${k.merge.slice(0, 12)}), kept out of ${p.to} by the revert ${k.revert.slice(0, 12)}: merging alone would not`);
    return lines.join('\n');
  }
  for (const r of p.reapplied) lines.push(`Brought back "${r.keptOut.subject}" (${r.keptOut.merge.slice(0, 12)}), which the revert ${r.keptOut.revert.slice(0, 12)} kept out of ${p.to}: reverted that revert in ${r.commit.slice(0, 12)}.`);
  lines.push(p.merge ? `Merged ${p.from} into ${p.to}: ${p.merge.slice(0, 12)} (${p.commits.length} ${p.commits.length === 1 ? 'commit' : 'commits'}).` : `Nothing to merge: ${p.to} has every commit of ${p.from}.`);
  return lines.join('\n');
}
