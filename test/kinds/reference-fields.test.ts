// The fields each kind knows (src/kinds/reference-fields.ts) are those of the 2026 reference: every
// field listed is one the kind's reference page describes, and every field its update (PUT) body
// takes is listed.
import { readFileSync } from 'node:fs';
import { describe, expect } from 'vitest';
import { REFERENCE_FIELDS } from '../../src/kinds/reference-fields.js';
import { itWithReferenceData, referencePath } from '../support/reference-data.js';

const PAGES: Record<string, string[]> = {
  environments: ['environments.md', 'parent-environments.md'],
  'script-modules': ['library-variable-sets.md'],
  'step-templates': ['action-templates.md'],
};

/** The top-level fields of the request body of the page's first PUT of a single resource. */
function putBodyFields(text: string): string[] {
  const lines = text.split('\n');
  const put = lines.findIndex((line) => /:endpoint\{method="PUT" path="\/api\/\\\{spaceId\\\}\/[a-zA-Z]+\/\\\{[a-zA-Z]+\\\}"\}/.test(line));
  const body = lines.findIndex((line, index) => index > put && line.startsWith('**Request Body**'));
  const fields: string[] = [];
  for (const line of lines.slice(body + 1)) {
    if (line.startsWith('**') || line.startsWith('## ') || line.startsWith(':::')) break;
    const match = /^- \*\*`([^`]+)`\*\*/.exec(line);
    if (match) fields.push(match[1] as string);
  }
  return fields;
}

describe('the fields each kind knows', () => {
  itWithReferenceData.each(Object.entries(REFERENCE_FIELDS))('%s: as the 2026 reference describes them', (kind, fields) => {
    const pages = (PAGES[kind] ?? [`${kind}.md`]).map((page) => readFileSync(referencePath('reference-2026', page), 'utf8'));
    for (const field of fields ?? []) expect(pages.some((text) => text.includes(`**\`${field}\`**`)), `${kind} ${field}`).toBe(true);
    const put = putBodyFields(pages[0] as string);
    expect(put.length, `${kind}: its page's PUT body`).toBeGreaterThan(3);
    expect(fields).toEqual(expect.arrayContaining(put));
  });
});
