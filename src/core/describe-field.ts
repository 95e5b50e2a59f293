// One changed field as people read it in a plan: a short value inline, a multi-line value (a
// script) as a unified line diff, a list item by item (what was added, removed, moved), anything
// larger as a line diff of its JSON, never cut off.
import { structuredPatch } from 'diff';
import type { Json } from './document.js';
import { isObject } from './document.js';
import type { FieldChange } from './diff.js';
import { scopeText } from './secrets.js';

/** Longest value shown inline. */
const INLINE_LIMIT = 80;
/** Unchanged lines shown around each change of a line diff. */
const CONTEXT_LINES = 3;

export interface FieldDescription {
  /** What follows `path:` on the field's line. */
  summary: string;
  /** Lines of a unified diff (`@@ … @@`, `+…`, `-…`, ` …`), when the change is shown that way. */
  diff?: string[];
}

export function describeField(field: FieldChange): FieldDescription {
  const { before, after } = field;
  if (typeof before === 'string' && typeof after === 'string' && (before.includes('\n') || after.includes('\n'))) {
    return { summary: `${lineCount(before)} → ${lineCount(after)}`, diff: lineDiff(before, after) };
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const items = describeListChange(before, after);
    if (items) return { summary: items };
  }
  if (before === undefined) return described('added', after);
  if (after === undefined) return described('removed', before);
  if (fitsInline(before) && fitsInline(after)) return { summary: `${JSON.stringify(before)} → ${JSON.stringify(after)}` };
  return { summary: 'changed', diff: lineDiff(pretty(before), pretty(after)) };
}

/** An added or removed value: inline when short, else its lines (a script, an item's JSON). */
function described(verb: 'added' | 'removed', value: Json | undefined): FieldDescription {
  if (fitsInline(value)) return { summary: `${verb} ${JSON.stringify(value)}` };
  const text = typeof value === 'string' ? value : pretty(value);
  const name = isObject(value) && typeof value.Name === 'string' ? ` '${value.Name}'` : '';
  const lines = lineDiff(verb === 'added' ? '' : text, verb === 'added' ? text : '');
  return { summary: `${verb}${name} (${lineCount(text)})`, diff: lines };
}

/**
 * A list of names or values: what was added and removed, and whether the order changed. A list
 * of named items (steps, phases, variables) that was reordered: the order by name, and the items
 * added or removed. Undefined for lists it cannot say this of (items without names).
 */
function describeListChange(before: Json[], after: Json[]): string | undefined {
  const keys = (items: Json[]) => items.map((item) => (isObject(item) ? (typeof item.Name === 'string' ? `${item.Name}${scopeText(item.Scope)}` : undefined) : typeof item === 'object' ? undefined : JSON.stringify(item)));
  const beforeKeys = keys(before);
  const afterKeys = keys(after);
  if ([...beforeKeys, ...afterKeys].some((key) => key === undefined)) return undefined;
  const added = (afterKeys as string[]).filter((key) => !beforeKeys.includes(key));
  const removed = (beforeKeys as string[]).filter((key) => !afterKeys.includes(key));
  const parts: string[] = [];
  if (added.length > 0) parts.push(`added ${added.join(', ')}`);
  if (removed.length > 0) parts.push(`removed ${removed.join(', ')}`);
  const kept = (list: (string | undefined)[], other: (string | undefined)[]) => list.filter((key) => other.includes(key));
  if (kept(beforeKeys, afterKeys).join('\u0000') !== kept(afterKeys, beforeKeys).join('\u0000')) parts.push(`order ${beforeKeys.join(', ')} → ${afterKeys.join(', ')}`);
  const named = [...before, ...after].some(isObject);
  // Named items whose content changed as well as their order are said to have changed.
  if (named) {
    const changed = (afterKeys as string[]).filter((key, index) => {
      const previous = beforeKeys.indexOf(key);
      return previous !== -1 && JSON.stringify(before[previous]) !== JSON.stringify(after[index]);
    });
    if (changed.length > 0) parts.push(`changed ${changed.join(', ')}`);
  }
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** The unified diff of two texts: hunks with a few lines of context, no file headers. */
function lineDiff(before: string, after: string): string[] {
  const withEnd = (text: string) => (text === '' || text.endsWith('\n') ? text : `${text}\n`);
  const patch = structuredPatch('before', 'after', withEnd(before), withEnd(after), undefined, undefined, { context: CONTEXT_LINES });
  return patch.hunks.flatMap((hunk) => [`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`, ...hunk.lines.filter((line) => !line.startsWith('\\'))]);
}

function lineCount(text: string): string {
  const count = text === '' ? 0 : text.replace(/\n$/, '').split('\n').length;
  return `${count} line${count === 1 ? '' : 's'}`;
}

function fitsInline(value: Json | undefined): boolean {
  if (typeof value === 'string' && value.includes('\n')) return false;
  return JSON.stringify(value ?? null).length <= INLINE_LIMIT;
}

function pretty(value: Json | undefined): string {
  return `${JSON.stringify(value ?? null, null, 2)}\n`;
}
