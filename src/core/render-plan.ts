// A plan as people read it: text for terminals (`+ ~ -` per resource, changed fields, a summary
// line; coloured when asked) and Markdown for pull-request comments; a script's change as a line
// diff, a list's item by item (describe-field.ts). Secrets never appear: a plan holds none, and a
// secret change shows only where its value comes from.
import { describeField } from './describe-field.js';
import type { Plan, PlannedChange } from './plan.js';

const SIGN = { create: '+', update: '~', delete: '-' } as const;

export function summaryLine(plan: Plan): string {
  const { create, update, delete: remove } = plan.summary;
  return `${create} to create, ${update} to update, ${remove} to delete.`;
}

export interface TextOptions {
  /** ANSI colours (a terminal that wants them: not piped, no NO_COLOR). */
  color?: boolean;
}

/** ANSI colours of the text plan: signs, diff lines, problems. */
const COLOURS = { create: '32', update: '33', delete: '31', added: '32', removed: '31', hunk: '36', problem: '31', dim: '2' } as const;

export function renderPlanText(plan: Plan, options: TextOptions = {}): string {
  const paint = (colour: keyof typeof COLOURS, text: string) => (options.color ? `\x1b[${COLOURS[colour]}m${text}\x1b[0m` : text);
  const lines = [...(plan.incomplete ?? []).map((line) => paint('problem', `! INCOMPLETE PLAN: ${line}`)), `Plan for destination ${plan.destination} at ${plan.commit.slice(0, 12)}:`, ''];
  if (plan.changes.length === 0) lines.push('  No changes. The destination matches the repository.');
  for (const change of plan.changes) {
    lines.push(paint(change.action, `${SIGN[change.action]} ${change.title} ${nameOf(change)}${spaceSuffix(change)}`));
    if (change.action === 'update') {
      for (const field of change.fields) {
        const { summary, diff } = describeField(field);
        lines.push(`    ${field.path}: ${summary}`);
        for (const line of diff ?? []) lines.push(`      ${paintDiffLine(line, paint)}`);
      }
    }
    for (const secret of change.secrets) lines.push(`    ${secret.path}: ${describeSecret(secret)}`);
    for (const consequence of change.consequences ?? []) lines.push(paint('problem', `    ! ${consequence}`));
  }
  const held = plan.gitHeld ?? [];
  if (held.length > 0) lines.push('', GIT_HELD_HEADING);
  for (const difference of held) {
    lines.push(paint('update', `  ≠ ${difference.title}${difference.space === 'Default' ? '' : ` (space ${difference.space})`}: ${gitHeldSummary(difference)}`));
    for (const field of difference.fields) {
      const { summary, diff } = describeField(field);
      lines.push(`    ${field.path}: ${summary}`);
      for (const line of diff ?? []) lines.push(`      ${paintDiffLine(line, paint)}`);
    }
  }
  lines.push('', summaryLine(plan));
  lines.push(...problemLines(plan).map((line) => paint('problem', `! ${line}`)));
  lines.push(...(plan.notices ?? []).map((line) => `note: ${line}`));
  return `${lines.join('\n')}\n`;
}

/** Above the Git-held parts that differ: what they are and that octosync leaves them alone. */
const GIT_HELD_HEADING = "Drift in what version-controlled projects keep in Git (the destination's default branch against the repository's review copy; octosync never writes it: change it in the project's repository):";

function gitHeldSummary(difference: { only?: 'repository' | 'destination'; fields: readonly unknown[] }): string {
  if (difference.only === 'repository') return "only in the repository's review copy: the destination's branch does not have it";
  if (difference.only === 'destination') return "only in the destination's branch: the repository has no review copy of it";
  return `${difference.fields.length} ${difference.fields.length === 1 ? 'field differs' : 'fields differ'}`;
}

function paintDiffLine(line: string, paint: (colour: keyof typeof COLOURS, text: string) => string): string {
  if (line.startsWith('@@')) return paint('hunk', line);
  if (line.startsWith('+')) return paint('added', line);
  if (line.startsWith('-')) return paint('removed', line);
  return line;
}

export function renderPlanMarkdown(plan: Plan): string {
  const lines = [`### octosync plan for \`${plan.destination}\``, ''];
  if (plan.incomplete?.length) lines.push('> [!CAUTION]', '> **This plan may be incomplete.**', ...plan.incomplete.map((line) => `> ${line}`), '');
  lines.push(`Commit \`${plan.commit.slice(0, 12)}\`: **${summaryLine(plan)}**`, '');
  const problems = problemLines(plan);
  if (problems.length > 0) lines.push('> [!WARNING]', ...problems.map((p) => `> ${p}`), '');
  if ((plan.notices ?? []).length > 0) lines.push('> [!NOTE]', ...plan.notices.map((n) => `> ${n}`), '');
  if ((plan.gitHeld ?? []).length > 0) {
    lines.push(`**${GIT_HELD_HEADING}**`, '');
    for (const difference of plan.gitHeld ?? []) {
      lines.push(`- ${escapeCell(difference.title)} (\`${difference.file}\`): ${gitHeldSummary(difference)}`);
      for (const field of difference.fields) lines.push(`  - \`${field.path}\`: ${escapeCell(describeField(field).summary)}`);
    }
    lines.push('');
  }
  if (plan.changes.length === 0) lines.push('No changes. The destination matches the repository.');
  else {
    lines.push('| | Kind | Name | Changes |', '| --- | --- | --- | --- |');
    for (const change of plan.changes) {
      lines.push(`| \`${SIGN[change.action]}\` | ${change.title} | ${escapeCell(nameOf(change))}${spaceSuffix(change)} | ${changeCount(change)} |`);
    }
    const detailed = plan.changes.filter((change) => change.action === 'update' && (change.fields.length > 0 || change.secrets.length > 0));
    if (detailed.length > 0) lines.push('', '<details><summary>Field changes</summary>', '');
    for (const change of detailed) {
      lines.push(`**${SIGN[change.action]} ${change.title} ${escapeCell(change.name)}**`, '');
      for (const field of change.fields) {
        const { summary, diff } = describeField(field);
        lines.push(`- \`${field.path}\`: ${escapeCell(summary)}`);
        if (diff) lines.push('', fence(diff, '  '), '');
      }
      for (const secret of change.secrets) lines.push(`- \`${secret.path}\`: ${describeSecret(secret)}`);
      lines.push('');
    }
    if (detailed.length > 0) lines.push('</details>');
  }
  // A diff block ends its item with a blank line of its own.
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

function problemLines(plan: Plan): string[] {
  return [
    ...plan.problems.map((p) => `${p.space ? `space '${p.space}': ` : ''}${p.where}: ${p.message}`),
    ...plan.missingSecrets.map((m) => `${m.kind} ${m.name}: the secret ${m.path} has no value in the overlay or the destination; apply will fail (or set missingSecrets: placeholder)`),
  ];
}

/** A renamed resource shows both names: `Customer Portal → Customer Portal NG`. */
function nameOf(change: PlannedChange): string {
  return change.renamedFrom ? `${change.renamedFrom} → ${change.name}` : change.name;
}

function spaceSuffix(change: PlannedChange): string {
  return change.space === 'Default' ? '' : ` (space ${change.space})`;
}

function changeCount(change: PlannedChange): string {
  if (change.action === 'delete') return ['delete', ...(change.consequences ?? []).map(escapeCell)].join(': ');
  if (change.action === 'create') return 'create';
  const parts = change.fields.length > 0 || change.secrets.length === 0 ? [`${change.fields.length} field${change.fields.length === 1 ? '' : 's'}`] : [];
  if (change.secrets.length > 0) parts.push(`${change.secrets.length} secret${change.secrets.length === 1 ? '' : 's'}`);
  return parts.join(', ');
}

/** Where the value will come from: it is read only by apply, so a plan needs no secret. */
function describeSecret(secret: PlannedChange['secrets'][number]): string {
  if (secret.action !== 'set') return 'secret created empty (placeholder)';
  const [type, ...rest] = (secret.from ?? '').split(':');
  return `secret set from ${type} ${rest.join(':')} at apply`;
}

/** A fenced diff block (in a list item: indented) whose fence no line of it can close. */
function fence(lines: readonly string[], indent: string): string {
  const longest = Math.max(0, ...lines.flatMap((line) => [...line.matchAll(/`+/g)].map((match) => match[0].length)));
  const marks = '`'.repeat(Math.max(3, longest + 1));
  return [`${marks}diff`, ...lines, marks].map((line) => `${indent}${line}`).join('\n');
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
