// Loading to plain data (yaml-load.ts) gives exactly what the full parser (yaml.ts) gives, for
// every kind of scalar, for every file a snapshot writes, and for what it hands back to the full
// parser: syntax errors with their line, tags, directives, aliases and their limit.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSnapshot } from '../../src/commands/snapshot.js';
import { createOctopusClient } from '../../src/octopus/index.js';
import { readFilesAt, resolveRef } from '../../src/repo/git.js';
import { loadYaml } from '../../src/repo/yaml-load.js';
import { YamlSyntaxError, formatYaml, parseYaml } from '../../src/repo/yaml.js';
import { startSimulator } from '../../src/simulator/index.js';

const same = (text: string) => expect(loadYaml(text, 'x.yaml')).toEqual(parseYaml(text, 'x.yaml').value);

describe('loadYaml', () => {
  it.each([
    ['null, ~, empty', 'a: null\nb: ~\nc:\nd: Null\ne: NULL\nf: nULL\n'],
    ['booleans of 1.2 only', 'a: true\nb: False\nc: TRUE\nd: yes\ne: on\nf: No\ng: tRUE\n'],
    ['integers', 'a: 12\nb: -3\nc: +7\nd: 012\ne: 0o17\nf: 0x1F\ng: 0b101\nh: 1_000\ni: 0o8\nj: 0xG\n'],
    ['floats', 'a: 1.5\nb: .5\nc: 1.\nd: 1e3\ne: -2.5E-2\nf: .inf\ng: -.Inf\nh: +.INF\ni: .nan\nj: 1.2.3\nk: 1e\n'],
    ['strings that other schemas read as something else', 'a: 2001-12-14\nb: 00:01:00\nc: 1:20\nd: <<\ne: =\nf: "12"\ng: \'true\'\n'],
    ['block scalars and flow collections', 'a: |\n  line 1\n  \tline 2\nb: >-\n  folded\n  text\nc: [1, "two", {d: 3}]\nd: {}\n'],
    ['merge keys, which 1.2 does not have', 'base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n'],
    ['aliases of scalars', 'a: &v hello\nb: *v\n'],
    ['tags', 'a: !!str 12\nb: !!int "7"\nc: !custom x\n'],
    ['a directive', '%YAML 1.1\n---\na: yes\nb: 0b11\n'],
    ['a document of its own kind', '- 1\n- two\n'],
    ['an empty file', ''],
  ])('gives what the full parser gives: %s', (_name, text) => {
    same(text);
  });

  it('names the file, line and column of a syntax error, a duplicate key and a billion laughs', () => {
    const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]', ...'bcdefghi'.split('').map((name, n) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[n]}`).join(',')}]`)].join('\n');
    for (const [text, line] of [['a: 1\nb: [1, 2\n', 3], ['a: 1\nb: 2\na: 3\n', 3], [laughs, 1]] as const) {
      let error: unknown;
      try {
        loadYaml(text, 'spaces/default/x.yaml');
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(YamlSyntaxError);
      expect((error as YamlSyntaxError).problem).toMatchObject({ file: 'spaces/default/x.yaml', line });
    }
  });

  it('gives what the full parser gives for every file a snapshot writes', { timeout: 60_000 }, async () => {
    const sim = await startSimulator({ seed: 'sample' });
    const dir = await mkdtemp(path.join(tmpdir(), 'octosync-yaml-'));
    const client = createOctopusClient({ server: sim.url, apiKey: sim.apiKey });
    try {
      await runSnapshot({ api: client, server: sim.url, repo: dir });
      const files = await readFilesAt(dir, await resolveRef(dir, 'source'), (file) => file.endsWith('.yaml'));
      expect(files.size).toBeGreaterThan(50);
      for (const [file, text] of files) expect(loadYaml(text, file), file).toEqual(parseYaml(text, file).value);
      // And what the writer makes of awkward values reads back the same.
      const awkward = { a: '0b101', b: '1_000', c: 'yes', d: '2001-12-14', e: '.inf', f: '', g: 'multi\nline\n', h: '  padded ', i: '#hash', j: '*star', k: '&amp' };
      expect(loadYaml(formatYaml(awkward), 'x.yaml')).toEqual(awkward);
    } finally {
      await client.close();
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
