// A plan as people read it: text for terminals (`+ ~ -` per resource, changed fields, a summary
// line) and Markdown for pull-request comments. Secrets never appear: a plan holds none, and a
// secret change shows only where its value comes from.
import type { Json } from './document.js';
import type { FieldChange } from './diff.js';
import type { Plan, PlannedChange } from './plan.js';

const SIGN = { create: '+', update: '~', delete: '-' } as const;
/** Longest value shown inline; longer ones (scripts) are shown as a line count. */
const INLINE_LIMIT = 80;

export function summaryLine(plan: Plan): string {
  const { create, update, delete: remove } = plan.summary;
  return `${create} to create, ${update} to update, ${remove} to delete.`;
}

export function renderPlanText(plan: Plan): string {
  const lines = [...(plan.incomplete ?? []).map((line) => `! INCOMPLETE PLAN: ${line}`), `Plan for destination ${plan.destination} at ${plan.commit.slice(0, 12)}:`, ''];
  if (plan.changes.length === 0) lines.push('  No changes. The destination matches the repository.');
  for (const change of plan.changes) {
    lines.push(`${SIGN[change.action]} ${change.title} ${change.name}${spaceSuffix(change)}`);
    if (change.action === 'update') for (const field of change.fields) lines.push(`    ${field.path}: ${describeField(field)}`);
    for (const secret of change.secrets) lines.push(`    ${secret.path}: ${describeSecret(secret)}`);
  }
  lines.push('', summaryLine(plan));
  lines.push(...problemLines(plan).map((line) => `! ${line}`));
  lines.push(...(plan.notices ?? []).map((line) => `note: ${line}`));
  return `${lines.join('\n')}\n`;
}

export function renderPlanMarkdown(plan: Plan): string {
  const lines = [`### octosync plan for \`${plan.destination}\``, ''];
  if (plan.incomplete?.length) lines.push('> [!CAUTION]', '> **This plan may be incomplete.**', ...plan.incomplete.map((line) => `> ${line}`), '');
  lines.push(`Commit \`${plan.commit.slice(0, 12)}\`: **${summaryLine(plan)}**`, '');
  const problems = problemLines(plan);
  if (problems.length > 0) lines.push('> [!WARNING]', ...problems.map((p) => `> ${p}`), '');
  if ((plan.notices ?? []).length > 0) lines.push('> [!NOTE]', ...plan.notices.map((n) => `> ${n}`), '');
  if (plan.changes.length === 0) lines.push('No changes. The destination matches the repository.');
  else {
    lines.push('| | Kind | Name | Changes |', '| --- | --- | --- | --- |');
    for (const change of plan.changes) {
      lines.push(`| \`${SIGN[change.action]}\` | ${change.title} | ${escapeCell(change.name)}${spaceSuffix(change)} | ${changeCount(change)} |`);
    }
    const detailed = plan.changes.filter((change) => change.action === 'update' && (change.fields.length > 0 || change.secrets.length > 0));
    if (detailed.length > 0) lines.push('', '<details><summary>Field changes</summary>', '');
    for (const change of detailed) {
      lines.push(`**${SIGN[change.action]} ${change.title} ${escapeCell(change.name)}**`, '');
      for (const field of change.fields) lines.push(`- \`${field.path}\`: ${escapeCell(describeField(field))}`);
      for (const secret of change.secrets) lines.push(`- \`${secret.path}\`: ${describeSecret(secret)}`);
      lines.push('');
    }
    if (detailed.length > 0) lines.push('</details>');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

function problemLines(plan: Plan): string[] {
  return [
    ...plan.problems.map((p) => `${p.space ? `space '${p.space}': ` : ''}${p.where}: ${p.message}`),
    ...plan.missingSecrets.map((m) => `${m.kind} ${m.name}: the secret ${m.path} has no value in the overlay or the destination; apply will fail (or set missingSecrets: placeholder)`),
  ];
}

function spaceSuffix(change: PlannedChange): string {
  return change.space === 'Default' ? '' : ` (space ${change.space})`;
}

function changeCount(change: PlannedChange): string {
  if (change.action === 'delete') return 'delete';
  if (change.action === 'create') return 'create';
  const parts = change.fields.length > 0 || change.secrets.length === 0 ? [`${change.fields.length} field${change.fields.length === 1 ? '' : 's'}`] : [];
  if (change.secrets.length > 0) parts.push(`${change.secrets.length} secret${change.secrets.length === 1 ? '' : 's'}`);
  return parts.join(', ');
}

function describeField(field: FieldChange): string {
  if (field.before === undefined) return `added ${show(field.after)}`;
  if (field.after === undefined) return `removed (was ${show(field.before)})`;
  return `${show(field.before)} → ${show(field.after)}`;
}

/** Where the value will come from: it is read only by apply, so a plan needs no secret. */
function describeSecret(secret: PlannedChange['secrets'][number]): string {
  if (secret.action !== 'set') return 'secret created empty (placeholder)';
  const [type, ...rest] = (secret.from ?? '').split(':');
  return `secret set from ${type} ${rest.join(':')} at apply`;
}

function show(value: Json | undefined): string {
  if (typeof value === 'string' && value.includes('\n')) return `(${value.split('\n').length} lines)`;
  const text = JSON.stringify(value);
  return text.length > INLINE_LIMIT ? `${text.slice(0, INLINE_LIMIT - 1)}…` : text;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
