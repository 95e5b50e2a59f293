// The fast writer (src/repo/yaml-write.ts) must give exactly the bytes `yaml`'s stringify gives:
// the repository's files would otherwise change with no change at the source. Compared on the
// example repository's documents, real API payloads, and generated documents full of the strings
// YAML treats specially, at every depth.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Json } from '../../src/core/document.js';
import { formatYaml, formatYamlByLibrary } from '../../src/repo/yaml.js';
import { loadYaml } from '../../src/repo/yaml-load.js';
import { listFiles } from '../../src/repo/state-files.js';
import { itWithReferenceData, referencePath, repoRoot } from '../support/reference-data.js';

/** Strings YAML writers must quote, fold, escape or write as blocks. */
const TRICKY = [
  '', ' ', 'a', 'e3', 'E5', 'e', 'Yes', 'On', 'Web Shop (EU)', 'a/b.c-d_e', 'Trailing ', 'x'.repeat(1030), 'yes', 'No', 'ON', 'off', 'y', 'n', 'Y', 'true', 'False', 'null', 'Null', '~', '0', '0123', '8061', '09', '0009', '1234567890123456789012345', '0x1F', '1_000', '1e3', '-1.5', '.5', '.inf', '-.Inf', '.NaN',
  '12:30', '00:01:00', '190:20:30', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '=', '<<', '- a', '-', '?', '? x', ': x', 'a: b', 'a:b', 'a #b', 'a#b', '#c', '&a', '*a', '!t', '|', '>',
  "'q'", '"q"', 'it\'s "x"', '%x', '@x', '`x`', '[a]', '{a}', 'a, b', '---', '...', '--- x', 'x ', ' x', '\tx', 'x\t', 'é', '☃ snow', '\u2028', 'a\u0085b', '\u00a0x', 'nul\u0000', 'bell\u0007', '\u001b[0m',
  'line1\nline2', 'line1\nline2\n', 'line1\nline2\n\n', 'a\n\n\nb', '\nstarts', '\n\nstarts', '  indented\nnext', 'ends with space \nnext', 'x\n  ', 'x\n\t', '\n', '\n\n', ' \n ',
  'param($Name)\n\tWrite-Host "Hello $Name"  \nexit 0\n', 'sudo systemctl restart web\n', 'set -e\n\n./deploy.sh --env "#{Env}"\n# done', 'a\n---\nb\n', 'x\n  indented: yes\n', 'a\nb ', 'a\nb\n ', '#!/bin/sh\necho \'q\' "d"\n', 'Write-Host 1\r\n', '---\nkey: value\n', '...\nx', '%YAML\nx', 'a\r\nb\r\n', 'trailing\n  spaces  \n', 'x'.repeat(1100), `${'long line '.repeat(150)}\nsecond`,
];

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generate(next: () => number, depth: number): Json {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const roll = next();
  if (depth > 0 && roll < 0.25) {
    const map: Record<string, Json> = {};
    const size = Math.floor(next() * 5);
    for (let i = 0; i < size; i++) map[next() < 0.7 ? `Key${i}` : pick(TRICKY)] = generate(next, depth - 1);
    return map;
  }
  if (depth > 0 && roll < 0.45) return Array.from({ length: Math.floor(next() * 4) }, () => generate(next, depth - 1));
  if (roll < 0.55) return pick([0, 1, -7, 1.5, 0.1, 1e21, 123456789012, -0.25, true, false, null]);
  if (roll < 0.75) return pick(TRICKY);
  // Two tricky strings joined: more shapes of block scalars and quoting.
  return `${pick(TRICKY)}${pick(['', '\n', ' ', ': ', ' #', '\n\n'])}${pick(TRICKY)}`;
}

describe('the fast YAML writer', () => {
  it('writes every document of the example repository as yaml does, and as the files are', async () => {
    const dir = path.join(repoRoot, 'state-repo-example');
    const files = (await listFiles(dir)).filter((file) => file.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(30);
    for (const file of files) {
      const text = readFileSync(path.join(dir, file), 'utf8');
      const body = loadYaml(text, file);
      const header = text.startsWith('# yaml-language-server') ? text.slice(0, text.indexOf('\n') + 1) : '';
      expect(formatYaml(body), file).toBe(formatYamlByLibrary(body));
      if (header && !text.slice(header.length).includes('\n#')) expect(header + formatYaml(body), file).toBe(text);
    }
  });

  itWithReferenceData('writes real API payloads as yaml does', () => {
    const dir = referencePath('fixtures', 'real-world');
    const payloads = readdirSync(dir).filter((file) => file.endsWith('.json'));
    expect(payloads.length).toBeGreaterThan(5);
    for (const file of payloads) {
      const body = JSON.parse(readFileSync(path.join(dir, file), 'utf8').replace(/^\uFEFF/, '')) as Json;
      expect(formatYaml(body), file).toBe(formatYamlByLibrary(body));
    }
  });

  it('writes generated documents full of special strings, at every depth, as yaml does', () => {
    const next = random(20261206);
    for (let round = 0; round < 800; round++) {
      const body = { Name: `doc ${round}`, Content: generate(next, 5), Again: generate(next, 3) };
      expect(formatYaml(body), JSON.stringify(body)).toBe(formatYamlByLibrary(body));
    }
  });

  it('writes each tricky string as a value and as a key, nested in maps and sequences, as yaml does', () => {
    for (const text of TRICKY) {
      const body = { [text]: text, Steps: [{ Name: text, Properties: { [text]: [text, { [text]: text }] } }, text, [text]], Empty: [], None: {}, Zero: -0 };
      expect(formatYaml(body), JSON.stringify(text)).toBe(formatYamlByLibrary(body));
    }
  });
});
